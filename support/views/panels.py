"""The tickets panel on crm's customer page (registered from SupportConfig.ready())."""

from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import User
from crm.customers.models import Customer

from .. import access, selectors

PANEL_LIMIT = 5


def customer_tickets_panel(*, user: User, customer: Customer) -> dict | None:
    """The customer's latest tickets that `user` may view; hidden when there are none and they may open none."""
    tickets = selectors.customer_tickets(user=user, customer=customer, limit=PANEL_LIMIT + 1)
    can_create = access.can_create_ticket(user)
    if not tickets and not can_create:
        return None
    query = urlencode({"customer": customer.pk})
    return {
        "tickets": tickets[:PANEL_LIMIT],
        "more": len(tickets) > PANEL_LIMIT,
        "all_url": f"{reverse('support-queue', args=['all'])}?{query}",
        "new_url": f"{reverse('support-ticket-create')}?{query}" if can_create else None,
    }
