"""A change based on a stale version answers 409 (API) or the form's error (portal) in words that
name nobody: the newer version may well be the asker's own earlier change (another tab, a
retried request), so no answer claims "someone else" changed the record."""

import pytest

from sales.models import Stage
from support.models import TicketPriority, TicketStatus
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory
from tests.support.factories import TicketFactory

pytestmark = pytest.mark.django_db

API_CHANGES = [
    ("sales_rep", "customers", "customer", {"name": "Acme Renamed"}),
    ("sales_manager", "customers", "customer", {"name": "Acme Renamed"}),
    ("sales_rep", "opportunities", "opportunity", {"name": "Fleet deal 2"}),
    ("admin", "opportunities", "opportunity", {"name": "Fleet deal 2"}),
]


@pytest.fixture
def records(org, sales_rep):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    return {
        "customer": customer,
        "opportunity": OpportunityFactory(customer=customer, name="Fleet deal", stage=Stage.QUALIFICATION),
        "ticket": TicketFactory(customer=customer, team=org["support_team"]),
    }


@pytest.mark.parametrize(("persona", "collection", "record", "change"), API_CHANGES)
def test_an_api_change_stale_after_ones_own_names_nobody(api, request, records, persona, collection, record, change):
    client = api.as_user(request.getfixturevalue(persona))
    url = f"/api/v1/{collection}/{records[record].pk}/"
    assert client.patch(url, {**change, "version": 1}, format="json").status_code == 200

    stale = client.patch(url, {"name": "Overwritten", "version": 1}, format="json")

    assert stale.status_code == 409
    assert stale.json() == {
        "detail": "This record has changed since the version you sent (it is now at version 2); nothing was written.",
        "version": 2,
    }
    records[record].refresh_from_db()
    assert (records[record].name, records[record].version) == (change["name"], 2)


@pytest.mark.parametrize("persona", ["support_rep", "support_manager"])
def test_a_ticket_change_stale_after_ones_own_names_nobody(portal, request, records, persona):
    client = portal.as_user(request.getfixturevalue(persona))
    ticket = records["ticket"]
    base = f"/support/tickets/{ticket.pk}"
    htmx = {"HX-Request": "true"}
    assert client.post(f"{base}/status/", {"status": "pending", "version": 1}, headers=htmx).status_code == 200

    stale = client.post(f"{base}/priority/", {"priority": "urgent", "version": 1}, headers=htmx)

    assert stale.status_code == 409
    page = stale.content.decode()
    assert (
        "This ticket was changed while you were editing it; your change was not saved. Reload it and try again." in page
    )
    assert "omeone else" not in page
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.version) == (TicketStatus.PENDING, TicketPriority.NORMAL, 2)


@pytest.mark.parametrize("persona", ["sales_rep", "sales_manager"])
def test_a_customer_edit_stale_after_ones_own_names_nobody(portal, request, records, persona):
    client = portal.as_user(request.getfixturevalue(persona))
    customer = records["customer"]
    url = f"/customers/{customer.pk}/edit/"
    form = {"name": "Acme One", "email": "", "phone": "", "industry": "", "version": 1}
    if persona == "sales_manager":
        form["owner"] = customer.owner_id
    assert client.post(url, form).status_code == 302

    stale = client.post(url, {**form, "name": "Acme Two"})

    assert stale.status_code == 200
    page = stale.content.decode()
    assert (
        "This customer was changed while you were editing it; your change was not saved. Reload it and try again."
        in page
    )
    assert "omeone else" not in page
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("Acme One", 2)
