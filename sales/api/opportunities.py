"""API v1: opportunities. Thin: the selectors start from the access policy, the services decide."""

from rest_framework import serializers, viewsets

from crm.customers.fields import CustomerNameField, VisibleCustomerField
from crm.platform.api.permissions import PolicyObjectPermission
from crm.platform.api.serializers import StrictSerializer
from sales import access, selectors
from sales.filters import OpportunityFilter
from sales.models import Opportunity
from sales.services import opportunities as services

from .fields import AssignableOwnerField

OPPORTUNITY_INPUTS = {"customer", "name", "stage", "amount", "expected_close", "probability_override", "lost_reason"}


class OpportunitySerializer(StrictSerializer):
    customer = VisibleCustomerField()
    customer_name = CustomerNameField()
    owner = AssignableOwnerField(required=False)
    probability = serializers.IntegerField(read_only=True, help_text="Percent: the override, else the stage's.")
    currency = serializers.CharField(read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "customer",
            "customer_name",
            "name",
            "stage",
            "amount",
            "currency",
            "expected_close",
            "probability",
            "probability_override",
            "owner",
            "won_at",
            "lost_at",
            "lost_reason",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["id", "won_at", "lost_at", "created_at", "updated_at", "version"]

    def settable_fields(self):
        user = self.context["request"].user
        may_pick_owner = (
            access.can_reassign_opportunity(user, self.instance)
            if self.instance is not None
            else access.may_name_owner(user)
        )
        return OPPORTUNITY_INPUTS | ({"owner"} if may_pick_owner else set())

    def current_value(self, name):
        if name == "owner" and self.instance is None:
            return self.context["request"].user.pk
        return super().current_value(name)


class OpportunityViewSet(viewsets.ModelViewSet):
    """Opportunities: private to their owner and the hierarchy above; support users never see one."""

    serializer_class = OpportunitySerializer
    permission_classes = [PolicyObjectPermission]
    filterset_class = OpportunityFilter
    ordering_fields = ["name", "amount", "expected_close", "created_at", "updated_at", "id"]

    def get_queryset(self):
        return selectors.opportunity_list(user=self.request.user)

    def check_create_permission(self, user):
        return access.can_create_opportunity(user)

    def perform_create(self, serializer):
        serializer.validated_data.pop("expected_version", None)
        serializer.instance = services.opportunity_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.opportunity_update(
            acting_user=self.request.user, opportunity=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.opportunity_delete(acting_user=self.request.user, opportunity=instance)
