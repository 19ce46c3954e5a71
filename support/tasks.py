"""Celery tasks: thin wrappers around the services. They take ids, run safely twice
(each e-mail is sent once, each escalation recorded once) and are acknowledged late,
so a task lost with its worker runs again. They are enqueued after the commit.

A passing fault (the mail server or the database away for a moment) is retried with
exponential backoff (crm.platform.background.RETRY_POLICY: about 2 to 32 s, five times); a
task that still fails is recorded as a TaskFailure that admins see in Django admin.
The beat job also re-sends escalation e-mails whose send failed, for a day."""

from celery import shared_task

from crm.platform.background import RETRY_POLICY, enqueue_on_commit

from . import notifications
from .services import escalations


@shared_task(**RETRY_POLICY)
def escalate_breached_tickets() -> int:
    """The every-minute beat job: record new SLA breaches and e-mail each one (again, if an earlier send failed)."""
    new_escalation_ids = escalations.escalate_breached_tickets()
    for escalation_id in [*new_escalation_ids, *escalations.escalations_awaiting_notice()]:
        enqueue_on_commit(send_escalation_notice, escalation_id)
    return len(new_escalation_ids)


@shared_task(**RETRY_POLICY)
def send_escalation_notice(escalation_id: int) -> bool:
    return notifications.send_escalation_notice(escalation_id=escalation_id)


@shared_task(**RETRY_POLICY)
def send_complaint_notice(ticket_id: int) -> bool:
    return notifications.send_complaint_notice(ticket_id=ticket_id)


@shared_task(**RETRY_POLICY)
def send_survey_invitation(ticket_id: int) -> bool:
    return notifications.send_survey_invitation(ticket_id=ticket_id)
