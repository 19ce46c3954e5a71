"""Celery tasks: thin wrappers around the services. They take ids, run safely twice
(each e-mail is sent once, each escalation recorded once) and are acknowledged late,
so a task lost with its worker runs again. They are enqueued after the commit, and
none is scheduled for later (no countdown or ETA): the beat job looks at the clocks."""

from celery import shared_task

from . import notifications
from .services import escalations


@shared_task(acks_late=True)
def escalate_breached_tickets() -> int:
    """The every-minute beat job: record new SLA breaches and e-mail each one (again, if an earlier send failed)."""
    new_escalation_ids = escalations.escalate_breached_tickets()
    for escalation_id in [*new_escalation_ids, *escalations.escalations_awaiting_notice()]:
        send_escalation_notice.delay_on_commit(escalation_id)
    return len(new_escalation_ids)


@shared_task(acks_late=True)
def send_escalation_notice(escalation_id: int) -> bool:
    return notifications.send_escalation_notice(escalation_id=escalation_id)


@shared_task(acks_late=True)
def send_complaint_notice(ticket_id: int) -> bool:
    return notifications.send_complaint_notice(ticket_id=ticket_id)


@shared_task(acks_late=True)
def send_survey_invitation(ticket_id: int) -> bool:
    return notifications.send_survey_invitation(ticket_id=ticket_id)
