"""The support context's e-mails. Each is sent at most once, under a key that says why.

A task may run twice (acks_late redelivers it after a lost worker, and a job may be
enqueued twice): `send_once` locks the key's SentEmail row, and a row already marked
sent stops the second run. The e-mail goes out inside that transaction, so a failed
send leaves nothing marked and a retry sends it. A worker that dies after the mail
server took the e-mail and before the row was marked makes the next run send it again:
both copies carry the same Message-ID (from the key), by which mail clients drop one.

Subjects are composed from rows, which may hold a line break written before the input
checks existed (or around them): `send_once` makes the subject one line, and leaves out
an address holding a control character, so a row can never add or break a header.
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from crm.platform.control_characters import has_control_characters, one_line

from .models import Escalation, SentEmail, Ticket
from .survey import SURVEY_LINK_MAX_AGE, survey_token

ESCALATION_KEY_PREFIX = "escalation:"


def message_id_for(key: str) -> str:
    """The same for every attempt at one e-mail."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{urlsplit(settings.CRM_SITE_URL).hostname or 'crm.invalid'}>"


def send_once(*, key: str, recipients: list[str], subject: str, body: str) -> bool:
    """Send the e-mail unless one was sent under `key`; True when this call sent it."""
    recipients = sorted({address for address in recipients if address and not has_control_characters(address)})
    subject = one_line(subject)
    with transaction.atomic():
        record, _ = SentEmail.objects.select_for_update().get_or_create(key=key)
        if record.sent_at is not None:
            return False
        if recipients:
            headers = {"Message-ID": message_id_for(key)}
            EmailMessage(subject=subject, body=body, to=recipients, headers=headers).send()
        record.recipients = ", ".join(recipients)
        record.subject = subject[:300]
        record.sent_at = timezone.now()
        record.save()
    return True


def ticket_url(ticket_id: int) -> str:
    return settings.CRM_SITE_URL.rstrip("/") + reverse("support-ticket-detail", args=[ticket_id])


def send_complaint_notice(*, ticket_id: int) -> bool:
    ticket = Ticket.objects.select_related("team__manager", "customer").filter(pk=ticket_id).first()
    if ticket is None:
        return False
    return send_once(
        key=f"complaint:{ticket.pk}",
        recipients=[ticket.team.manager.email],
        subject=f"New complaint from {ticket.customer.name}: {ticket.subject}",
        body=(
            f"A complaint came into the queue of {ticket.team.name}.\n\n"
            f"Customer: {ticket.customer.name}\nSubject: {ticket.subject}\n"
            f"Priority: {ticket.get_priority_display()}\n\n"
            f"{ticket_url(ticket.pk)}\n"
        ),
    )


def send_escalation_notice(*, escalation_id: int) -> bool:
    escalation = (
        Escalation.objects.select_related("ticket__team__manager", "ticket__assignee", "ticket__customer")
        .filter(pk=escalation_id)
        .first()
    )
    if escalation is None:
        return False
    ticket = escalation.ticket
    assignee = ticket.assignee.display_name if ticket.assignee else "nobody"
    return send_once(
        key=f"{ESCALATION_KEY_PREFIX}{escalation.pk}",
        recipients=[ticket.team.manager.email, ticket.assignee.email if ticket.assignee else ""],
        subject=f"SLA breach: {escalation.get_level_display()} on #{ticket.pk} {ticket.subject}",
        body=(
            f"{escalation.get_level_display()} for ticket #{ticket.pk} ({ticket.get_priority_display()} priority).\n"
            f"It was due at {escalation.due_at:%Y-%m-%d %H:%M %Z}.\n\n"
            f"Customer: {ticket.customer.name}\nTeam: {ticket.team.name}\nAssignee: {assignee}\n\n"
            f"{ticket_url(ticket.pk)}\n"
        ),
    )


def send_survey_invitation(*, ticket_id: int) -> bool:
    """Ask the customer (the ticket's contact, else the customer's address) to rate how it went."""
    ticket = Ticket.objects.select_related("customer", "contact").filter(pk=ticket_id).first()
    if ticket is None:
        return False
    address = (ticket.contact.email if ticket.contact else "") or ticket.customer.email
    link = settings.CRM_SITE_URL.rstrip("/") + reverse("support-survey", args=[survey_token(ticket)])
    return send_once(
        key=f"survey:{ticket.pk}",
        recipients=[address],
        subject=f"How did we do? ({ticket.subject})",
        body=(
            f'Hello {ticket.customer.name},\n\nwe have resolved your request "{ticket.subject}".\n'
            f"Please tell us how we did (one click, no login; the link works for {SURVEY_LINK_MAX_AGE.days} days):\n\n"
            f"{link}\n"
        ),
    )
