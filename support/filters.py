"""Filters that the ticket and feedback lists share between the portal and the API."""

from datetime import date
from urllib.parse import urlencode

import django_filters
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from crm.customers.fields import VisibleCustomerFilter, customer_name_condition
from crm.platform.api.filtering import DateFilter, DateFromToRangeFilter, FilterSet, IdFilter, as_record_id
from crm.platform.periods import start_of

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
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=200)
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices, empty_label="Any status")
    priority = django_filters.ChoiceFilter(choices=TicketPriority.choices, empty_label="Any priority")
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices, empty_label="Any kind")
    team = IdFilter(field_name="team_id", names="team")
    assignee = IdFilter(field_name="assignee_id", names="user")
    unassigned = django_filters.BooleanFilter(method=filter_unassigned, label="Unassigned")
    customer = VisibleCustomerFilter(names="customer")
    customer_owner = VisibleCustomerFilter(by="owner_id", label="Customer's owner", names="user")
    breached = django_filters.BooleanFilter(method=filter_breached, label="SLA breached now")
    unresolved = django_filters.BooleanFilter(method=filter_unresolved, label="Unresolved")  # new, open or pending
    breached_after = DateFilter(method=filter_breached_after, label="SLA breached on or after")
    # ?created_at_after=2026-05-01&created_at_before=2026-05-31 (whole days, both inclusive)
    created_at = DateFromToRangeFilter(label="Created")
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

    def filter_search(self, queryset, name, value):
        # The customer's name matches only among the customers the reader may view now.
        value = value.strip()
        if not value:
            return queryset
        condition = Q(subject__icontains=value) | Q(description__icontains=value) | customer_name_condition(self, value)
        if (ticket_id := as_record_id(value)) is not None:
            condition |= Q(pk=ticket_id)
        return queryset.filter(condition)


RATING_CHOICES = [(rating, f"{rating} / 5") for rating in range(1, 6)]


class FeedbackFilter(FilterSet):
    customer = VisibleCustomerFilter(names="customer")
    ticket = IdFilter(field_name="ticket_id", names="ticket")
    # A choice of 1 to 5 (the API takes ?rating=4 as before; anything else is 400).
    rating = django_filters.ChoiceFilter(field_name="rating", choices=RATING_CHOICES, empty_label="Any rating")
    source = django_filters.ChoiceFilter(choices=FeedbackSource.choices, empty_label="Any source")
    # ?created_at_after=2026-05-01&created_at_before=2026-05-31 (whole days, both inclusive)
    created_at = DateFromToRangeFilter(label="Created")
    ticket_assignee = IdFilter(field_name="ticket__assignee_id", label="Ticket's assignee", names="user")

    class Meta:
        model = Feedback
        fields = ["customer", "ticket", "rating", "source", "created_at", "ticket_assignee"]


def ticket_list_url(**params) -> str:
    """The ticket list ("All tickets I may see") with these filters: where a figure's rows are listed."""
    return f"{reverse('support-queue', args=['all'])}?{urlencode(params, doseq=True)}"


def feedback_list_url(**params) -> str:
    """The feedback list with these filters."""
    return f"{reverse('support-feedback-list')}?{urlencode(params, doseq=True)}"
