"""Filters that the ticket and feedback lists share between the portal and the API."""

from datetime import date

import django_filters
from django.db.models import Q
from django.utils import timezone

from crm.api.filtering import DateFilter, DateFromToRangeFilter, FilterSet, IdFilter, WholeNumberFilter, as_record_id
from crm.dashboard import start_of

from . import sla
from .models import (
    UNRESOLVED_STATUSES,
    Escalation,
    Feedback,
    FeedbackSource,
    Ticket,
    TicketKind,
    TicketPriority,
    TicketStatus,
)

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


def filter_unresolved(queryset, name, value):
    if value is None:
        return queryset
    unresolved = Q(status__in=UNRESOLVED_STATUSES)
    return queryset.filter(unresolved) if value else queryset.exclude(unresolved)


def breached_on_or_after(day: date) -> Q:
    """Tickets with an SLA clock whose missed due time fell on `day` or later (an escalation records each).

    A semi-join driven by the escalations' due_at index (the few recent escalations, not every ticket).
    """
    return Q(pk__in=Escalation.objects.filter(due_at__gte=start_of(day)).values("ticket_id"))


def filter_breached_after(queryset, name, value):
    return queryset if value is None else queryset.filter(breached_on_or_after(value))


def filter_responded(queryset, name, value):
    if value is None:
        return queryset
    return queryset.filter(first_response_at__isnull=not value)


class TicketFilter(FilterSet):
    search = django_filters.CharFilter(method=search_tickets, label="Search", max_length=200)
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices)
    priority = django_filters.ChoiceFilter(choices=TicketPriority.choices)
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices)
    team = IdFilter(field_name="team_id")
    assignee = IdFilter(field_name="assignee_id")
    unassigned = django_filters.BooleanFilter(method=filter_unassigned)
    customer = IdFilter(field_name="customer_id")
    customer_owner = IdFilter(field_name="customer__owner_id", label="Customer's owner")
    breached = django_filters.BooleanFilter(method=filter_breached, label="SLA breached now")
    unresolved = django_filters.BooleanFilter(method=filter_unresolved, label="New, open or pending")
    breached_after = DateFilter(method=filter_breached_after, label="SLA breached on or after")
    # ?created_at_after=2026-05-01&created_at_before=2026-05-31 (whole days, both inclusive)
    created_at = DateFromToRangeFilter()
    responded = django_filters.BooleanFilter(method=filter_responded, label="Has a first response")

    class Meta:
        model = Ticket
        fields = [
            "search",
            "status",
            "priority",
            "kind",
            "team",
            "assignee",
            "unassigned",
            "customer",
            "customer_owner",
            "breached",
            "unresolved",
            "breached_after",
            "created_at",
            "responded",
        ]


class FeedbackFilter(FilterSet):
    customer = IdFilter(field_name="customer_id")
    ticket = IdFilter(field_name="ticket_id")
    rating = WholeNumberFilter(field_name="rating", min_value=1, max_value=5)
    source = django_filters.ChoiceFilter(choices=FeedbackSource.choices)
    # ?created_at_after=2026-05-01&created_at_before=2026-05-31 (whole days, both inclusive)
    created_at = DateFromToRangeFilter()
    ticket_assignee = IdFilter(field_name="ticket__assignee_id", label="Ticket's assignee")

    class Meta:
        model = Feedback
        fields = ["customer", "ticket", "rating", "source", "created_at", "ticket_assignee"]
