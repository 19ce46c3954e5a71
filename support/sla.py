"""SLA arithmetic. Both due times run from the ticket's creation: creation time + the
priority's target + the time the ticket spent pending (the clock pauses while the
ticket waits on the customer). The due times are stored, so lists, filters and the
escalation job read them from the database.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q

from .models import SLA_TARGET_MAX_MINUTES, SlaPolicy, Ticket, TicketPriority

MINUTES_PER_HOUR = 60
# The targets when no policy row exists for a priority (the migration creates these rows).
DEFAULT_TARGETS_MINUTES = {
    TicketPriority.URGENT: (1 * MINUTES_PER_HOUR, 4 * MINUTES_PER_HOUR),
    TicketPriority.HIGH: (4 * MINUTES_PER_HOUR, 24 * MINUTES_PER_HOUR),
    TicketPriority.NORMAL: (8 * MINUTES_PER_HOUR, 72 * MINUTES_PER_HOUR),
    TicketPriority.LOW: (24 * MINUTES_PER_HOUR, 120 * MINUTES_PER_HOUR),
}
BREACHING_SOON = timedelta(hours=1)
# The latest due time stored: a year short of datetime.max, so that showing it in any time zone cannot overflow.
LATEST_DUE_AT = datetime(9998, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class SlaTargets:
    first_response: timedelta
    resolution: timedelta


def sla_targets(priority: str) -> SlaTargets:
    policy = SlaPolicy.objects.filter(priority=priority).first()
    if policy is not None:
        first_response, resolution = policy.first_response_minutes, policy.resolution_minutes
    else:
        first_response, resolution = DEFAULT_TARGETS_MINUTES[TicketPriority(priority)]
    # The policy's constraints keep targets in range; a row written around them still gives a due time.
    resolution = min(max(resolution, 1), SLA_TARGET_MAX_MINUTES)
    first_response = min(max(first_response, 1), resolution)
    return SlaTargets(timedelta(minutes=first_response), timedelta(minutes=resolution))


def due_at(start: datetime, *spans: timedelta) -> datetime:
    """`start` plus the spans, or LATEST_DUE_AT when that is later (or past what a datetime holds)."""
    try:
        due = start + sum(spans, timedelta())
    except OverflowError:
        return LATEST_DUE_AT
    return min(due, LATEST_DUE_AT)


def set_due_times(ticket: Ticket) -> None:
    """Creation time + target + the time spent pending in finished pauses (a running pause is added at resume)."""
    targets = sla_targets(ticket.priority)
    ticket.first_response_due_at = due_at(ticket.created_at, targets.first_response, ticket.paused_for)
    ticket.sla_due_at = due_at(ticket.created_at, targets.resolution, ticket.paused_for)


def pause_clock(ticket: Ticket, *, now: datetime) -> None:
    ticket.paused_at = now


def resume_clock(ticket: Ticket, *, now: datetime) -> None:
    ticket.paused_for += now - ticket.paused_at
    ticket.paused_at = None
    set_due_times(ticket)


def time_left(ticket: Ticket, due_at: datetime, *, now: datetime) -> timedelta:
    """Time left until `due_at`; while paused, the time that was left when the pause began."""
    return due_at - (ticket.paused_at or now)


def first_response_breached(now: datetime) -> Q:
    return Q(first_response_at__isnull=True, paused_at__isnull=True, resolved_at__isnull=True) & Q(
        first_response_due_at__lte=now
    )


def resolution_breached(now: datetime) -> Q:
    return Q(paused_at__isnull=True, resolved_at__isnull=True, sla_due_at__lte=now)


def breached(now: datetime) -> Q:
    """Tickets with a running clock past its due time."""
    return first_response_breached(now) | resolution_breached(now)
