"""API v1: orders with their nested lines. The total and the line prices are computed, never input."""

from decimal import Decimal

from rest_framework import serializers, viewsets

from crm.customers.fields import CustomerNameField, VisibleCustomerField
from crm.platform.api.permissions import PolicyObjectPermission
from crm.platform.api.serializers import StrictSerializer
from sales import access, selectors
from sales.filters import OrderFilter
from sales.models import MONEY, Order, OrderStatus
from sales.services import orders as services

from .fields import AssignableOwnerField, StrictNestedSerializer, VisibleProductField

UNIT_PRICE_IS_CAPTURED = "unit_price is read-only: the product's price is captured when the line is added."


class OrderLineSerializer(StrictNestedSerializer):
    """One line: a product, how many of it, and its unit price as captured when the line was added."""

    product = VisibleProductField()
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    # Accepted in input only when it repeats the captured (or current) price: a round trip passes.
    unit_price = serializers.DecimalField(**MONEY, required=False, help_text="Read-only; captured from the product.")

    def validate(self, attrs):
        # A PATCH makes every field optional, nested ones too; a line always needs both.
        missing = [name for name in ("product", "quantity") if name not in attrs]
        if missing:
            raise serializers.ValidationError({name: ["This field is required."] for name in missing})
        return attrs


class OrderSerializer(StrictSerializer):
    customer = VisibleCustomerField()
    customer_name = CustomerNameField()
    owner = AssignableOwnerField(required=False)
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    lines = OrderLineSerializer(many=True, required=False)
    currency = serializers.CharField(read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "customer",
            "customer_name",
            "owner",
            "status",
            "lines",
            "total",
            "currency",
            "placed_at",
            "shipped_at",
            "cancelled_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "total",
            "placed_at",
            "shipped_at",
            "cancelled_at",
            "created_at",
            "updated_at",
            "version",
        ]

    def settable_fields(self):
        user = self.context["request"].user
        may_pick_owner = (
            access.can_reassign_order(user, self.instance) if self.instance is not None else access.may_name_owner(user)
        )
        return {"customer", "status", "lines"} | ({"owner"} if may_pick_owner else set())

    def current_value(self, name):
        if name == "owner" and self.instance is None:
            return self.context["request"].user.pk
        return super().current_value(name)

    def validate_lines(self, lines):
        captured = {line.product_id: line.unit_price for line in self.instance.lines.all()} if self.instance else {}
        for line in lines:
            sent = line.get("unit_price")
            price = captured.get(line["product"].pk, line["product"].unit_price)
            if sent is not None and Decimal(sent) != price:
                raise serializers.ValidationError(UNIT_PRICE_IS_CAPTURED)
        return [services.LineInput(product=line["product"], quantity=line["quantity"]) for line in lines]


class OrderViewSet(viewsets.ModelViewSet):
    """Orders: their owner and the hierarchy above change them; whoever can view the customer reads them."""

    serializer_class = OrderSerializer
    permission_classes = [PolicyObjectPermission]
    filterset_class = OrderFilter
    ordering_fields = ["created_at", "placed_at", "total", "id"]

    def get_queryset(self):
        return selectors.order_list(user=self.request.user).prefetch_related("lines")

    def check_create_permission(self, user):
        return access.can_create_order(user)

    def perform_create(self, serializer):
        serializer.validated_data.pop("expected_version", None)
        serializer.instance = services.order_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.order_update(
            acting_user=self.request.user, order=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.order_delete(acting_user=self.request.user, order=instance)
