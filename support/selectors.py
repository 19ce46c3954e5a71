"""Reads that the portal and the API share. Each one starts from the access policy (but the
tickets bulk reassignment counts and moves, whose caller has checked who acts)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.access import StaffScope, staff_scope
from accounts.models import Team, User
from crm.customers.access import with_customer_viewable
from crm.customers.models import Customer
from crm.platform.paging import COUNT_CAP, CappedCount, capped_counts

from . import sla
from .access import (
    feedback_visible_to,
    has_own_queue,
    ticket_messages_visible_to,
    tickets_of_customer_visible_to,
    tickets_visible_to,
    worked_queues_condition,
    works_queues,
)
from .models import UNRESOLVED_STATUSES, Feedback, Ticket, TicketKind, TicketMessage


def ticket_list(*, user: User) -> QuerySet[Ticket]:
    # `viewable_customer_id`: whether the reader may name the customer (crm.customers.access.customer_name_shown).
    return with_customer_viewable(tickets_visible_to(user).select_related("customer", "team", "assignee"), user)


def ticket_get(*, user: User, ticket_id) -> Ticket:
    """The ticket if `user` may view it; otherwise Ticket.DoesNotExist, as if it did not exist."""
    return ticket_list(user=user).get(pk=ticket_id)


def ticket_conversation(*, user: User, ticket: Ticket) -> QuerySet[TicketMessage]:
    return ticket_messages_visible_to(user, ticket).select_related("author").order_by("created_at", "id")


def customer_tickets(*, user: User, customer: Customer, limit: int) -> list[Ticket]:
    tickets = tickets_of_customer_visible_to(user, customer).select_related("customer", "team", "assignee")
    return list(tickets.order_by("-created_at", "-id")[:limit])


def team_open_tickets_assigned_to(*, team: Team, assignee: User) -> QuerySet[Ticket]:
    """The unresolved tickets in `team`'s queue assigned to `assignee`: what bulk reassignment moves.

    Not filtered by a viewer: crm.staff.reassignment has checked that the acting user manages the team.
    """
    return Ticket.objects.filter(team=team, assignee=assignee, status__in=UNRESOLVED_STATUSES)


def feedback_list(*, user: User) -> QuerySet[Feedback]:
    return with_customer_viewable(feedback_visible_to(user).select_related("customer", "ticket", "recorded_by"), user)


def feedback_summary(feedback: QuerySet[Feedback], *, latest: int = COUNT_CAP) -> dict:
    """{"count", "average", "capped"} of the newest `latest` answers among `feedback`, in one query.

    Bounded like every count of a list: the ratings are read in the order of an index and
    stop after `latest` (+1, to know there are more), rather than an aggregate over every
    answer the user may see. `capped`: there are more than `latest`; the figures are theirs.
    """
    ratings = list(feedback.order_by("-created_at", "-id").values_list("rating", flat=True)[: latest + 1])
    counted = ratings[:latest]
    return {
        "count": len(counted),
        "average": sum(counted) / len(counted) if counted else None,
        "capped": len(ratings) > latest,
    }


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    # The queue's tickets among those the user may view, as a condition on them.
    condition: Callable[[StaffScope, datetime], Q]


UNRESOLVED = Q(status__in=UNRESOLVED_STATUSES)
QUEUES = (
    Queue("mine", "Mine", lambda scope, now: UNRESOLVED & Q(assignee_id=scope.user_id)),
    Queue(
        "unassigned",
        "My team, unassigned",
        lambda scope, now: UNRESOLVED & worked_queues_condition(scope) & Q(assignee=None),
    ),
    Queue("team", "My team", lambda scope, now: UNRESOLVED & worked_queues_condition(scope)),
    Queue(
        "breaching",
        "Overdue or due within the hour",
        lambda scope, now: worked_queues_condition(scope) & sla.breached(now + sla.BREACHING_SOON),
    ),
    Queue(
        "complaints",
        "Complaints",
        lambda scope, now: UNRESOLVED & worked_queues_condition(scope) & Q(kind=TicketKind.COMPLAINT),
    ),
    Queue("all", "All tickets I may see", lambda scope, now: Q()),
)
QUEUES_BY_KEY = {queue.key: queue for queue in QUEUES}


def queues_for(user: User) -> tuple[Queue, ...]:
    """Those who work queues (access.works_queues) have every tab; everyone else follows the tickets they may see."""
    if works_queues(user):
        return QUEUES
    return (QUEUES_BY_KEY["all"],)


def default_queue_key(user: User) -> str:
    """A support user starts with their own tickets; a manager or admin with the team's; others with all."""
    queues = queues_for(user)
    if len(queues) == 1:
        return queues[0].key
    return "mine" if has_own_queue(user) else "team"


def queue_tickets(*, user: User, queue: Queue, now: datetime) -> QuerySet[Ticket]:
    return ticket_list(user=user).filter(queue.condition(staff_scope(user), now))


# A tab only says whether a queue is worth opening; its page counts on up to COUNT_CAP.
QUEUE_TAB_CAP = 99


def queue_counts(*, user: User, queues: tuple[Queue, ...], now: datetime) -> dict[str, CappedCount]:
    """How many tickets each queue holds, counted up to QUEUE_TAB_CAP each ("99+"), in one query."""
    scope = staff_scope(user)
    visible = tickets_visible_to(user)
    return capped_counts(
        {queue.key: visible.filter(queue.condition(scope, now)) for queue in queues}, cap=QUEUE_TAB_CAP
    )
