"""The SLA escalation job: find tickets whose running clock is past due and record each breach once.

It runs every minute (Celery beat). Several copies may run at once: each claims the
breached tickets with SELECT ... FOR UPDATE SKIP LOCKED, so a ticket another copy is
handling is passed over, and the unique constraint on (ticket, level) refuses a second
escalation that slips past the claim (a row committed between our query and our insert).
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .. import sla
from ..models import Escalation, EscalationLevel, SentEmail, Ticket
from ..notifications import ESCALATION_KEY_PREFIX

BATCH_SIZE = 500
# An escalation whose e-mail has not gone out this long after it was recorded had its send fail;
# the next run enqueues it again (sending is idempotent), for a day.
NOTICE_RETRY_AFTER = timedelta(minutes=2)
NOTICE_RETRY_FOR = timedelta(days=1)
CLOCKS = (
    (EscalationLevel.FIRST_RESPONSE, sla.first_response_breached, "first_response_due_at"),
    (EscalationLevel.RESOLUTION, sla.resolution_breached, "sla_due_at"),
)


@transaction.atomic
def escalate_breached_tickets(*, now: datetime | None = None) -> list[int]:
    """Record an escalation for every breach not yet escalated; returns the new escalations' ids."""
    now = now or timezone.now()
    created = []
    for level, breached, due_field in CLOCKS:
        for ticket_id, due_at in _claim(breached(now), level, due_field):
            escalation = _record(ticket_id=ticket_id, level=level, due_at=due_at)
            if escalation is not None:
                created.append(escalation.pk)
    return created


def _claim(breached: Q, level: str, due_field: str) -> list[tuple[int, datetime]]:
    already_escalated = Escalation.objects.filter(ticket=OuterRef("pk"), level=level)
    return list(
        Ticket.objects.filter(breached)
        .filter(~Exists(already_escalated))
        .order_by(due_field, "pk")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", due_field)[:BATCH_SIZE]
    )


def _record(*, ticket_id: int, level: str, due_at: datetime) -> Escalation | None:
    try:
        with transaction.atomic():
            return Escalation.objects.create(ticket_id=ticket_id, level=level, due_at=due_at)
    except IntegrityError:
        return None  # another run recorded it first


def escalations_awaiting_notice(*, now: datetime | None = None) -> list[int]:
    """Escalations recorded a while ago whose e-mail is not marked sent: their send failed."""
    now = now or timezone.now()
    sent = SentEmail.objects.filter(
        key=Concat(Value(ESCALATION_KEY_PREFIX), Cast(OuterRef("pk"), CharField())),
        sent_at__isnull=False,
    )
    return list(
        Escalation.objects.filter(created_at__lte=now - NOTICE_RETRY_AFTER, created_at__gte=now - NOTICE_RETRY_FOR)
        .filter(~Exists(sent))
        .order_by("created_at")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )
