"""What support adds to the home page (`/`): a salesperson's customers' open complaints, and a
support user's queue, the tickets breaching soon and their CSAT (registered from
SupportConfig.ready()). Each section starts from the support policy and links to its full list.
"""

from django.urls import reverse

from accounts.models import User
from crm.platform.periods import Period
from crm.platform.slots import SlotItem

from . import access, selectors
from .filters import feedback_list_url, ticket_list_url
from .models import UNRESOLVED_STATUSES, TicketKind

HOME_ROWS = 10


def customers_complaints_context(*, user: User, period: Period) -> dict:
    """A salesperson's customers' open complaints (they follow those tickets read-only)."""
    complaints = list(
        selectors.ticket_list(user=user)
        .filter(customer__owner=user, kind=TicketKind.COMPLAINT, status__in=UNRESOLVED_STATUSES)
        .order_by("sla_due_at", "id")[: HOME_ROWS + 1]
    )
    return {
        "tickets": complaints[:HOME_ROWS],
        "more": len(complaints) > HOME_ROWS,
        "url": ticket_list_url(customer_owner=user.pk, kind=TicketKind.COMPLAINT, unresolved="true"),
    }


def _queue_context(user: User, period: Period, queue_key: str) -> dict:
    queue = selectors.QUEUES_BY_KEY[queue_key]
    tickets = list(
        selectors.queue_tickets(user=user, queue=queue, now=period.now).order_by("sla_due_at", "id")[: HOME_ROWS + 1]
    )
    return {
        "tickets": tickets[:HOME_ROWS],
        "more": len(tickets) > HOME_ROWS,
        "url": reverse("support-queue", args=[queue_key]),
    }


def my_queue_context(*, user: User, period: Period) -> dict:
    return _queue_context(user, period, "mine")


def breaching_soon_context(*, user: User, period: Period) -> dict:
    return _queue_context(user, period, "breaching")


def my_csat_context(*, user: User, period: Period) -> dict:
    """The ratings given about the tickets assigned to the user."""
    summary = selectors.feedback_summary(access.feedback_visible_to(user).filter(ticket__assignee=user))
    return {
        "average": f"{summary['average']:.2f}" if summary["average"] is not None else "—",
        "count": summary["count"],
        "url": feedback_list_url(ticket_assignee=user.pk),
    }


HOME_SECTIONS = (
    SlotItem(
        key="customers-complaints",
        title="My customers' open complaints",
        order=30,
        visible_to=access.follows_own_customers_complaints,
        template="support/home/complaints.html",
        build=customers_complaints_context,
    ),
    SlotItem(
        key="my-queue",
        title="My queue",
        order=10,
        visible_to=access.has_own_queue,
        template="support/home/queue.html",
        build=my_queue_context,
    ),
    SlotItem(
        key="breaching-soon",
        title="Breaching soon (overdue or due within the hour)",
        order=20,
        visible_to=access.has_own_queue,
        template="support/home/queue.html",
        build=breaching_soon_context,
    ),
    SlotItem(
        key="my-csat",
        title="My CSAT",
        order=30,
        visible_to=access.has_own_queue,
        template="support/home/csat.html",
        build=my_csat_context,
    ),
)
