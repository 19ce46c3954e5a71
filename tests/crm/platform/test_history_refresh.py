"""A record page's History panel reloads after the changes made on the page: every answer to an
htmx write carries `HX-Trigger: history-changed` (refusals and conflicts too), and the panel of
every record page (customer, opportunity, order, ticket) listens for it. Reads never carry it."""

import json

import pytest

from sales.models import Stage
from support.models import TicketStatus
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory, ProductFactory
from tests.support.factories import TicketFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def records(org, sales_rep):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    order = OrderFactory(customer=customer, lines=[(ProductFactory(), 1)])
    return {
        "customer": customer,
        "opportunity": OpportunityFactory(customer=customer, stage=Stage.QUALIFICATION),
        "order": order,
        "line": order.lines.get(),
        "ticket": TicketFactory(customer=customer, team=org["support_team"]),
    }


def triggers(response) -> dict:
    header = response.headers.get("HX-Trigger")
    return json.loads(header) if header else {}


# (persona, how to build the URL and the data, the status expected)
WRITES = [
    ("support_rep", lambda r: (f"/support/tickets/{r['ticket'].pk}/claim/", {"version": 1}), 200),
    ("support_rep", lambda r: (f"/support/tickets/{r['ticket'].pk}/messages/", {"body": "On it."}), 200),
    ("support_rep", lambda r: (f"/support/tickets/{r['ticket'].pk}/status/", {"status": "pending", "version": 1}), 200),
    ("support_rep", lambda r: (f"/support/tickets/{r['ticket'].pk}/status/", {"status": "pending", "version": 9}), 409),
    (
        "sales_rep",
        lambda r: (f"/sales/orders/{r['order'].pk}/lines/{r['line'].pk}/", {"quantity": 3, "version": 1}),
        200,
    ),
    ("sales_rep", lambda r: (f"/sales/orders/{r['order'].pk}/status/", {"status": "placed", "version": 1}), 200),
    ("sales_rep", lambda r: (f"/sales/orders/{r['order'].pk}/status/", {"status": "placed", "version": 7}), 409),
    (
        "sales_rep",
        lambda r: (f"/sales/opportunities/{r['opportunity'].pk}/stage/", {"stage": "won", "version": 1}),
        200,
    ),
    ("sales_rep", lambda r: (f"/customers/{r['customer'].pk}/activities/", {"kind": "note", "body": "Called"}), 200),
    ("sales_rep", lambda r: (f"/customers/{r['customer'].pk}/activities/", {"kind": "note", "body": ""}), 400),
]


@pytest.mark.parametrize(("persona", "write", "status"), WRITES)
def test_an_htmx_write_tells_the_page_its_history_changed(portal, request, records, persona, write, status):
    url, data = write(records)
    response = portal.as_user(request.getfixturevalue(persona)).post(url, data, headers=HTMX)
    assert response.status_code == status
    assert "history-changed" in triggers(response)


@pytest.mark.parametrize(("persona", "write", "status"), [WRITES[0], WRITES[4]])
def test_a_write_without_htmx_does_not(portal, request, records, persona, write, status):
    url, data = write(records)
    response = portal.as_user(request.getfixturevalue(persona)).post(url, data)
    assert response.status_code == 302
    assert "HX-Trigger" not in response.headers


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("sales_rep", lambda r: f"/customers/{r['customer'].pk}/"),
        ("sales_rep", lambda r: f"/sales/opportunities/{r['opportunity'].pk}/"),
        ("sales_rep", lambda r: f"/sales/orders/{r['order'].pk}/"),
        ("support_rep", lambda r: f"/support/tickets/{r['ticket'].pk}/"),
    ],
)
def test_every_record_pages_history_panel_listens(portal, request, records, persona, page):
    client = portal.as_user(request.getfixturevalue(persona))
    response = client.get(page(records))
    assert response.status_code == 200
    assert 'hx-trigger="load, history-changed from:body"' in response.content.decode()
    assert "HX-Trigger" not in client.get(page(records), headers=HTMX).headers  # a read changes nothing


def test_a_refused_write_still_changes_nothing(portal, records, support_rep):
    ticket = records["ticket"]
    client = portal.as_user(support_rep)
    url = f"/support/tickets/{ticket.pk}/status/"
    response = client.post(url, {"status": "pending", "version": 9}, headers=HTMX)
    assert (response.status_code, "history-changed" in triggers(response)) == (409, True)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (TicketStatus.NEW, 1)
