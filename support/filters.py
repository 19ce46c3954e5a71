"""Filters that the ticket and feedback lists share between the portal and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from crm.api.filtering import IdFilter, WholeNumberFilter, as_record_id

from . import sla
from .models import Feedback, FeedbackSource, Ticket, TicketKind, TicketPriority, TicketStatus

TICKET_ORDERINGS = (
    "sla_due_at",
    "-sla_due_at",
    "first_response_due_at",
    "-first_response_due_at",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "id",
    "-id",
)


def search_tickets(queryset, name, value):
    value = value.strip()
    if not value:
        return queryset
    condition = Q(subject__icontains=value) | Q(description__icontains=value) | Q(customer__name__icontains=value)
    if (ticket_id := as_record_id(value)) is not None:
        condition |= Q(pk=ticket_id)
    return queryset.filter(condition)


def filter_breached(queryset, name, value):
    if value is None:
        return queryset
    overdue = sla.breached(timezone.now())
    return queryset.filter(overdue) if value else queryset.exclude(overdue)


def filter_unassigned(queryset, name, value):
    if value is None:
        return queryset
    return queryset.filter(assignee__isnull=value)


class TicketFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method=search_tickets, label="Search", max_length=200)
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices)
    priority = django_filters.ChoiceFilter(choices=TicketPriority.choices)
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices)
    team = IdFilter(field_name="team_id")
    assignee = IdFilter(field_name="assignee_id")
    unassigned = django_filters.BooleanFilter(method=filter_unassigned)
    customer = IdFilter(field_name="customer_id")
    breached = django_filters.BooleanFilter(method=filter_breached, label="SLA breached now")

    class Meta:
        model = Ticket
        fields = ["search", "status", "priority", "kind", "team", "assignee", "unassigned", "customer", "breached"]


class FeedbackFilter(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    ticket = IdFilter(field_name="ticket_id")
    rating = WholeNumberFilter(field_name="rating", min_value=1, max_value=5)
    source = django_filters.ChoiceFilter(choices=FeedbackSource.choices)

    class Meta:
        model = Feedback
        fields = ["customer", "ticket", "rating", "source"]
