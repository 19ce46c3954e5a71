"""API v1: feedback. Staff record it; admins change and delete it."""

from rest_framework import serializers, viewsets

from crm.customers.fields import CustomerNameField, VisibleCustomerField
from crm.platform.api.permissions import PolicyObjectPermission
from crm.platform.api.serializers import StrictSerializer

from .. import access, selectors
from ..filters import FeedbackFilter
from ..models import Feedback
from ..services import feedback as services


class VisibleTicketField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return access.tickets_visible_to(self.context["request"].user)


class FeedbackSerializer(StrictSerializer):
    customer = VisibleCustomerField(required=False)
    customer_name = CustomerNameField()
    ticket = VisibleTicketField(required=False, allow_null=True)
    rating = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "customer",
            "customer_name",
            "ticket",
            "rating",
            "comment",
            "source",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "source", "recorded_by", "created_at"]
        validators = []  # the one-survey-answer constraint concerns survey answers, which the API does not take


class FeedbackViewSet(viewsets.ModelViewSet):
    """Feedback the user may view: about a ticket they may view, or about no ticket and a customer they may view."""

    serializer_class = FeedbackSerializer
    permission_classes = [PolicyObjectPermission]
    filterset_class = FeedbackFilter
    ordering_fields = ["created_at", "rating", "id"]

    def get_queryset(self):
        return selectors.feedback_list(user=self.request.user)

    def perform_create(self, serializer):
        values = dict(serializer.validated_data)
        values.pop("expected_version", None)
        serializer.instance = services.feedback_create(acting_user=self.request.user, **values)

    def perform_update(self, serializer):
        values = dict(serializer.validated_data)
        values.pop("expected_version", None)
        serializer.instance = services.feedback_update(
            acting_user=self.request.user, feedback=serializer.instance, **values
        )

    def perform_destroy(self, instance):
        services.feedback_delete(acting_user=self.request.user, feedback=instance)
