"""API v1: products. Every staff user reads them; admins write."""

from rest_framework import serializers, viewsets

from crm.platform.api.permissions import PolicyObjectPermission
from crm.platform.api.serializers import StrictSerializer
from sales import access, selectors
from sales.filters import ProductFilter
from sales.models import Product
from sales.services import products as services


class ProductSerializer(StrictSerializer):
    currency = serializers.CharField(read_only=True)

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "unit_price", "currency", "active", "version"]
        read_only_fields = ["id", "version"]

    def settable_fields(self):
        return None if access.can_manage_products(self.context["request"].user) else set()


class ProductViewSet(viewsets.ModelViewSet):
    serializer_class = ProductSerializer
    permission_classes = [PolicyObjectPermission]
    filterset_class = ProductFilter
    ordering_fields = ["name", "sku", "unit_price", "id"]

    def get_queryset(self):
        return selectors.product_list(user=self.request.user)

    def check_create_permission(self, user):
        return access.can_manage_products(user)

    def perform_create(self, serializer):
        serializer.validated_data.pop("expected_version", None)
        serializer.instance = services.product_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.product_update(
            acting_user=self.request.user, product=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.product_delete(acting_user=self.request.user, product=instance)
