"""CSV exports: each list's export holds exactly the rows its user may view, with the list's filters
and order, streamed; cells that a spreadsheet would run are defused; constant query budgets."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from crm.customers.models import Contact, Customer
from sales.models import Opportunity, Order, OrderStatus, Stage
from support.models import Feedback, Ticket, TicketPriority
from tests.crm.scenario import share
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory
from tests.support.factories import FeedbackFactory, TicketFactory

pytestmark = pytest.mark.django_db


def exported(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def world(org, sales_rep, teammate, other_rep, sales_manager, support_rep):
    """Two customers per salesperson (one in Retail), one shared with other_rep; their records."""
    support_team = org["support_team"]
    made = {}
    for owner in (sales_rep, teammate, other_rep, sales_manager):
        for industry in ("Retail", "Energy"):
            customer = CustomerFactory(name=f"{owner.username} {industry}", owner=owner, industry=industry)
            made[(owner.username, industry)] = customer
            Contact.objects.create(customer=customer, first_name=f"Contact of {customer.name}")
            OpportunityFactory(customer=customer, owner=owner, stage=Stage.WON if industry == "Retail" else Stage.LOST)
            OrderFactory(customer=customer, owner=owner, status=OrderStatus.PLACED if industry == "Retail" else "draft")
            ticket = TicketFactory(
                customer=customer,
                team=support_team,
                priority=TicketPriority.HIGH if industry == "Retail" else TicketPriority.LOW,
            )
            FeedbackFactory(customer=customer, ticket=ticket, rating=5 if industry == "Retail" else 2)
    share(made[("sales_rep", "Energy")], level="view", user=other_rep)
    return made


def names(rows, column="customer_name"):
    return sorted(row[column] for row in rows)


OWN = {
    "sales_rep": ["sales_rep Energy", "sales_rep Retail"],
    "teammate": ["teammate Energy", "teammate Retail"],
    "other_rep": ["other_rep Energy", "other_rep Retail", "sales_rep Energy"],  # + the share
    "sales_manager": [f"{u} {i}" for u in ("sales_manager", "sales_rep", "teammate") for i in ("Energy", "Retail")],
}
EVERY_CUSTOMER = sorted(
    f"{u} {i}" for u in ("sales_rep", "teammate", "other_rep", "sales_manager") for i in ("Energy", "Retail")
)
# ACCESS.md: customers (and their contacts and orders) each persona may view.
VISIBLE_CUSTOMERS = {**OWN, "support_rep": EVERY_CUSTOMER, "admin": EVERY_CUSTOMER}
# Opportunities: their owner (and the owner's manager); never support.
VISIBLE_OPPORTUNITIES = {
    "sales_rep": OWN["sales_rep"],
    "teammate": OWN["teammate"],
    "other_rep": ["other_rep Energy", "other_rep Retail"],
    "sales_manager": OWN["sales_manager"],
    "admin": EVERY_CUSTOMER,
}
# Tickets and feedback about them: the queue's members, and the customer's owner (and manager).
VISIBLE_TICKETS = {
    "sales_rep": OWN["sales_rep"],
    "teammate": OWN["teammate"],
    "other_rep": ["other_rep Energy", "other_rep Retail"],
    "sales_manager": OWN["sales_manager"],
    "support_rep": EVERY_CUSTOMER,
    "admin": EVERY_CUSTOMER,
}
PERSONAS = ["sales_rep", "teammate", "other_rep", "sales_manager", "support_rep", "admin"]
LISTS = {
    "customers": ("/customers/export.csv", "name", VISIBLE_CUSTOMERS),
    "contacts": ("/contacts/export.csv", "customer_name", VISIBLE_CUSTOMERS),
    "opportunities": ("/sales/opportunities/export.csv", "customer_name", VISIBLE_OPPORTUNITIES),
    "orders": ("/sales/orders/export.csv", "customer_name", VISIBLE_CUSTOMERS),
    "tickets": ("/support/queues/all/export.csv", "customer_name", VISIBLE_TICKETS),
    "feedback": ("/support/feedback/export.csv", "customer_name", VISIBLE_TICKETS),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("list_name", LISTS)
def test_an_export_holds_exactly_the_rows_the_user_may_view(request, portal, world, list_name, persona):
    url, column, visible = LISTS[list_name]
    client = portal.as_user(request.getfixturevalue(persona))
    if persona not in visible:  # the pipeline does not exist for support users
        assert client.get(url).status_code == 404
        return
    assert names(exported(client, url), column) == sorted(visible[persona])


# A filter of each list, and what it leaves of what sales_manager (or support_rep for tickets) may view.
FILTERED = {
    "customers": ("sales_manager", "/customers/export.csv?industry=retail&ordering=-name", "name"),
    "contacts": ("sales_manager", "/contacts/export.csv?search=Retail", "customer_name"),
    "opportunities": ("sales_manager", "/sales/opportunities/export.csv?stage=won&ordering=name", "customer_name"),
    "orders": ("sales_manager", "/sales/orders/export.csv?status=placed", "customer_name"),
    "tickets": ("support_rep", "/support/queues/all/export.csv?priority=high", "customer_name"),
    "feedback": ("support_rep", "/support/feedback/export.csv?rating=5", "customer_name"),
}


@pytest.mark.parametrize("list_name", FILTERED)
def test_an_export_applies_the_lists_filters(request, portal, world, list_name):
    persona, url, column = FILTERED[list_name]
    rows = exported(portal.as_user(request.getfixturevalue(persona)), url)
    every = VISIBLE_TICKETS[persona] if list_name in ("tickets", "feedback") else VISIBLE_CUSTOMERS[persona]
    assert names(rows, column) == sorted(name for name in every if name.endswith("Retail"))


def test_the_order_of_the_list_is_kept(portal, world, sales_manager):
    rows = exported(portal.as_user(sales_manager), "/customers/export.csv?ordering=-name")
    assert [row["name"] for row in rows] == sorted(OWN["sales_manager"], reverse=True)


def test_bad_filters_are_400(portal, world, sales_rep):
    response = portal.as_user(sales_rep).get("/sales/orders/export.csv?status=lost")
    assert response.status_code == 400
    assert "status" in response.content.decode()


def test_a_support_user_exports_no_opportunity(portal, world, support_rep):
    client = portal.as_user(support_rep)
    assert client.get("/sales/opportunities/export.csv").status_code == 404
    for url, _column, _visible in LISTS.values():
        if "opportunities" in url:
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content).decode()
        assert "stage" not in body.splitlines()[0]
        assert not any(o.name in body for o in Opportunity.objects.all())


def test_cells_a_spreadsheet_would_run_are_defused(portal, sales_rep, org):
    CustomerFactory(name='=HYPERLINK("http://evil")', email="a@example.com", phone="+1 555", owner=sales_rep)
    CustomerFactory(name="@SUM(A1)", industry="-2+3", owner=sales_rep, email="b@example.com")
    rows = exported(portal.as_user(sales_rep), "/customers/export.csv")
    by_email = {row["email"]: row for row in rows}
    assert by_email["a@example.com"]["name"] == '\'=HYPERLINK("http://evil")'
    assert by_email["a@example.com"]["phone"] == "'+1 555"
    assert (by_email["b@example.com"]["name"], by_email["b@example.com"]["industry"]) == ("'@SUM(A1)", "'-2+3")


def test_amounts_are_exact_decimals(portal, sales_rep, org):
    customer = CustomerFactory(owner=sales_rep)
    OpportunityFactory(customer=customer, owner=sales_rep, amount=Decimal("1234567.89"))
    rows = exported(portal.as_user(sales_rep), "/sales/opportunities/export.csv")
    assert rows[0]["amount"] == "1234567.89"


def test_each_list_page_links_its_export_with_its_filters(portal, world, sales_manager, support_rep):
    pages = {
        "/customers/?industry=Retail": '/customers/export.csv?industry=Retail"',
        "/sales/opportunities/?stage=won": '/sales/opportunities/export.csv?stage=won"',
        "/sales/orders/?status=placed": '/sales/orders/export.csv?status=placed"',
    }
    for page, link in pages.items():
        assert link in portal.as_user(sales_manager).get(page).content.decode(), page
    htmx = portal.as_user(sales_manager).get("/customers/?search=Retail", HTTP_HX_REQUEST="true").content.decode()
    assert '/customers/export.csv?search=Retail"' in htmx  # the link follows the filters changed in place
    queue = portal.as_user(support_rep).get("/support/queues/all/?priority=high").content.decode()
    assert '/support/queues/all/export.csv?priority=high"' in queue
    feedback = portal.as_user(support_rep).get("/support/feedback/?rating=5").content.decode()
    assert '/support/feedback/export.csv?rating=5"' in feedback
    customer = Customer.objects.first()
    assert (
        f"/contacts/export.csv?customer={customer.pk}"
        in portal.as_user(support_rep).get(f"/customers/{customer.pk}/").content.decode()
    )


@pytest.mark.parametrize("list_name", LISTS)
@pytest.mark.parametrize("persona", ["sales_manager", "admin"])
def test_an_export_costs_the_same_queries_for_10_or_1000_rows(request, portal, world, sales_rep, list_name, persona):
    url, _column, _visible = LISTS[list_name]
    client = portal.as_user(request.getfixturevalue(persona))

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            b"".join(response.streaming_content)
        return len(captured)

    small = count()
    customers = Customer.objects.bulk_create(
        Customer(name=f"Bulk {n}", owner=sales_rep, email=f"bulk{n}@example.com") for n in range(1000)
    )
    Contact.objects.bulk_create(Contact(customer=c, first_name="Bulk") for c in customers)
    Opportunity.objects.bulk_create(Opportunity(customer=c, owner=sales_rep, name="Bulk") for c in customers)
    Order.objects.bulk_create(Order(customer=c, owner=sales_rep) for c in customers)
    support_team = request.getfixturevalue("org")["support_team"]
    for customer in customers[:200]:
        ticket = TicketFactory(customer=customer, team=support_team)
        Feedback.objects.create(customer=customer, ticket=ticket, rating=3)
    large = count()
    assert small == large
    assert large <= 10
    assert Ticket.objects.count() > 200
