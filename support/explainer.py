"""Tickets in crm's access explainer ("Who can see this?"), registered from SupportConfig.ready():
the ticket rules of support.access, shown as they are applied."""

from crm.insights.explainer import ExplainableKind

from . import access
from .models import Ticket


def explainable_tickets() -> ExplainableKind:
    return ExplainableKind(
        name="ticket",
        collection="tickets",
        label="Ticket",
        model=Ticket,
        actions=access.TicketAction.choices,
        rules=access.TICKET_RULES,
        visible_to=access.tickets_visible_to,
        related=("customer", "team"),
        reasons_by_user=access.ticket_access_reasons_by_user,
        url_name="support-ticket-detail",
    )
