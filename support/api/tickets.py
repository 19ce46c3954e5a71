"""API v1: tickets and their conversations. Thin: the access policy and the services decide."""

from django.shortcuts import get_object_or_404
from rest_framework import mixins, serializers, viewsets

from crm.customers.access import contacts_visible_to
from crm.customers.fields import CustomerNameField, VisibleCustomerField
from crm.platform.api.permissions import PolicyObjectPermission
from crm.platform.api.serializers import StrictSerializer

from .. import access, selectors
from ..filters import TICKET_ORDERINGS, TicketFilter
from ..models import Ticket, TicketMessage, TicketStatus
from ..services import tickets as services


class VisibleContactField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return contacts_visible_to(self.context["request"].user)


class SupportTeamField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return access.support_teams()


class SupportUserField(serializers.PrimaryKeyRelatedField):
    """Any active support user; the service checks that they are a member of the ticket's team."""

    def get_queryset(self):
        return access.support_users()


class TicketSerializer(StrictSerializer):
    customer = VisibleCustomerField()
    customer_name = CustomerNameField()
    contact = VisibleContactField(required=False, allow_null=True)
    team = SupportTeamField(required=False)
    assignee = SupportUserField(required=False, allow_null=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "customer",
            "customer_name",
            "contact",
            "subject",
            "description",
            "kind",
            "priority",
            "status",
            "team",
            "assignee",
            "first_response_due_at",
            "sla_due_at",
            "first_response_at",
            "resolved_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "first_response_due_at",
            "sla_due_at",
            "first_response_at",
            "resolved_at",
            "created_at",
            "updated_at",
            "version",
        ]

    def settable_fields(self):
        if self.instance is not None:
            return None  # PolicyObjectPermission let only those who may change the ticket through
        user = self.context["request"].user
        settable = {"customer", "contact", "subject", "description", "kind", "priority"}
        if access.new_ticket_queue(user).choosable:
            settable.add("team")
        if access.can_assign_tickets(user):
            settable.add("assignee")  # the service asks can_assign_tickets_of for the queue it lands in
        return settable

    def current_value(self, name):
        if self.instance is None:
            defaults = {
                "status": TicketStatus.NEW,
                "assignee": None,
                "team": access.new_ticket_queue(self.context["request"].user).team_id,
            }
            if name in defaults:
                return defaults[name]
        return super().current_value(name)


class TicketViewSet(viewsets.ModelViewSet):
    """Tickets the user may view; filter by status, priority, kind, team, assignee, customer, breached."""

    serializer_class = TicketSerializer
    permission_classes = [PolicyObjectPermission]
    filterset_class = TicketFilter
    ordering_fields = [name for name in TICKET_ORDERINGS if not name.startswith("-")]

    def get_queryset(self):
        return selectors.ticket_list(user=self.request.user)

    def check_create_permission(self, user):
        return access.can_create_ticket(user)

    def perform_create(self, serializer):
        values = dict(serializer.validated_data)
        values.pop("expected_version", None)
        values.pop("status", None)  # always "new" (settable_fields refused any other)
        serializer.instance = services.ticket_create(acting_user=self.request.user, **values)

    def perform_update(self, serializer):
        serializer.instance = services.ticket_update(
            acting_user=self.request.user, ticket=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.ticket_delete(acting_user=self.request.user, ticket=instance)


class TicketMessageSerializer(StrictSerializer):
    class Meta:
        model = TicketMessage
        fields = ["id", "body", "internal", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class TicketMessageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """A ticket's conversation, oldest first. Internal notes are listed only to those who may change the ticket;
    replies and notes are written by them alone."""

    serializer_class = TicketMessageSerializer
    filter_backends = []

    def ticket(self) -> Ticket:
        if not hasattr(self, "_ticket"):
            self._ticket = get_object_or_404(selectors.ticket_list(user=self.request.user), pk=self.kwargs["ticket_pk"])
        return self._ticket

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no ticket
            return TicketMessage.objects.none()
        return selectors.ticket_conversation(user=self.request.user, ticket=self.ticket())

    def perform_create(self, serializer):
        ticket = self.ticket()
        values = dict(serializer.validated_data)
        values.pop("expected_version", None)
        serializer.instance = services.message_create(acting_user=self.request.user, ticket=ticket, **values)
