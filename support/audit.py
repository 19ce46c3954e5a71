"""The audit trail of tickets (registered with crm.platform.audit from SupportConfig.ready())."""

from django.urls import reverse

from crm.platform.audit.registry import (
    AuditedModel,
    AuditedRecord,
    ReferenceKind,
    register_audited_model,
    register_audited_record,
    register_reference,
)

from . import access
from .models import Ticket


def register() -> None:
    # Names a ticket in a list's caption ("Ticket: #12 Printer on fire"), among those the viewer may view.
    register_reference(
        ReferenceKind("ticket", Ticket, lambda t: f"#{t.pk} {t.subject}", visible_to=access.tickets_visible_to)
    )
    register_audited_record(
        AuditedRecord(
            "ticket", Ticket, access.tickets_visible_to, lambda t: reverse("support-ticket-detail", args=[t.pk])
        )
    )
    register_audited_model(
        AuditedModel(
            Ticket,
            "ticket",
            lambda ticket: ticket.pk,
            # The SLA clock's pause bookkeeping follows from the status, which is recorded.
            exclude_fields=("paused_at", "paused_for"),
            references={
                "customer": "customer",
                "contact": "contact",
                "team": "team",
                "assignee": "user",
                "created_by": "user",
            },
        )
    )
