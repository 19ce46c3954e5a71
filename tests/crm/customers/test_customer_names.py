"""Issue 11 point 2: a record names its customer only to a reader who may view that customer NOW.

Maple Clinics is other_rep's ("Sales B"). It was shared with sales_rep, who opened an
opportunity and an order on it through the API (their history entries were written
then); then other_rep unshared it. sales_rep still owns both records, and their manager
still sees them, but neither may view Maple Clinics: every page, list, API answer,
export, search and history shows them "a customer you cannot view" (the API: the id,
with `customer_name` null). Those who may view Maple Clinics read its name.
"""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.customers.models import CustomerShare
from sales.models import Opportunity, Order
from tests.factories import CustomerFactory
from tests.sales.factories import ProductFactory
from tests.support.factories import FeedbackFactory, TicketFactory

pytestmark = pytest.mark.django_db

NAME = "Maple Clinics"
CUSTOMER_NOT_VIEWABLE = "a customer you cannot view"  # the words of ACCESS.md

# reader -> (may view Maple now, may view the opportunity, may view the order)
READERS = {
    "sales_rep": (False, True, True),  # owns both; the customer was unshared from them
    "sales_manager": (False, True, True),  # manager of the records' owner, not of the customer's
    "other_rep": (True, False, True),  # owns the customer: reads its orders, never others' opportunities
    "other_manager": (True, False, True),
    "support_rep": (True, False, True),  # the customer directory: support may view every customer
    "admin": (True, True, True),
}
CASES = [pytest.param(reader, *READERS[reader], id=reader) for reader in READERS]


@pytest.fixture
def maple(org, other_rep):
    return CustomerFactory(name=NAME, owner=other_rep, email="desk@maple.example")


@pytest.fixture
def unshared(api, maple, sales_rep, other_rep):
    """sales_rep's opportunity and order on Maple, made while it was shared with them; then unshared."""
    product = ProductFactory(sku="MAP-1", name="Stethoscope", unit_price=Decimal("10.00"))
    shared = api.as_user(other_rep).post(
        f"/api/v1/customers/{maple.pk}/shares/", {"user": sales_rep.pk, "level": "edit"}, format="json"
    )
    assert shared.status_code == 201, shared.content
    closing = timezone.localdate().replace(day=1) + timedelta(days=20)
    made_opportunity = api.as_user(sales_rep).post(
        "/api/v1/opportunities/",
        {"customer": maple.pk, "name": "Clinic rollout", "amount": "500.00", "expected_close": closing.isoformat()},
        format="json",
    )
    assert made_opportunity.status_code == 201, made_opportunity.content
    made_order = api.as_user(sales_rep).post(
        "/api/v1/orders/", {"customer": maple.pk, "lines": [{"product": product.pk, "quantity": 3}]}, format="json"
    )
    assert made_order.status_code == 201, made_order.content
    share_id = CustomerShare.objects.get(customer=maple, user=sales_rep).pk
    removed = api.as_user(other_rep).delete(f"/api/v1/customers/{maple.pk}/shares/{share_id}/?keep=true")
    assert removed.status_code == 204
    assert api.as_user(sales_rep).get(f"/api/v1/customers/{maple.pk}/").status_code == 404
    return {
        "opportunity": Opportunity.objects.get(pk=made_opportunity.json()["id"]),
        "order": Order.objects.get(pk=made_order.json()["id"]),
    }


def _shows_name_as_allowed(text: str, may_view_customer: bool, where: str) -> None:
    if may_view_customer:
        assert NAME in text, where
    else:
        assert NAME not in text, where
        assert "Maple" not in text, where


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("reader", "sees_customer", "sees_opportunity", "sees_order"), CASES)
class TestRecordsOnAnUnsharedCustomer:
    def _records(self, unshared, sees_opportunity, sees_order):
        return [
            (kind, unshared[kind]) for kind, seen in (("opportunity", sees_opportunity), ("order", sees_order)) if seen
        ]

    def test_history_portal_and_api(
        self, request, unshared, portal, api, reader, sees_customer, sees_opportunity, sees_order
    ):
        user = request.getfixturevalue(reader)
        for kind, record in self._records(unshared, sees_opportunity, sees_order):
            page = portal.as_user(user).get(f"/history/{kind}/{record.pk}/")
            assert page.status_code == 200
            _shows_name_as_allowed(page.content.decode(), sees_customer, f"portal history of the {kind}")
            panel = portal.as_user(user).get(f"/history/{kind}/{record.pk}/", HTTP_HX_REQUEST="true")
            assert panel.status_code == 200
            _shows_name_as_allowed(panel.content.decode(), sees_customer, f"history panel of the {kind}")
            answer = api.as_user(user).get(f"/api/v1/history/{kind}/{record.pk}/")
            assert answer.status_code == 200
            _shows_name_as_allowed(answer.content.decode(), sees_customer, f"API history of the {kind}")
            created = answer.json()["results"][-1]
            assert created["action"] == "created"
            if kind == "order":
                assert created["record"] == f"Order #{record.pk}"
            (customer_change,) = [c for c in created["changes"] if c["field"] == "customer"]
            assert customer_change["new"] == (NAME if sees_customer else CUSTOMER_NOT_VIEWABLE)

    def test_detail_pages_and_api(
        self, request, unshared, portal, api, reader, sees_customer, sees_opportunity, sees_order
    ):
        user = request.getfixturevalue(reader)
        pages = {"opportunity": "/sales/opportunities/{}/", "order": "/sales/orders/{}/"}
        collections = {"opportunity": "/api/v1/opportunities/{}/", "order": "/api/v1/orders/{}/"}
        for kind, record in self._records(unshared, sees_opportunity, sees_order):
            page = portal.as_user(user).get(pages[kind].format(record.pk))
            assert page.status_code == 200
            html = page.content.decode()
            _shows_name_as_allowed(html, sees_customer, f"{kind} page")
            assert (CUSTOMER_NOT_VIEWABLE in html) == (not sees_customer)
            assert (f'href="/customers/{record.customer_id}/"' in html) == sees_customer
            body = api.as_user(user).get(collections[kind].format(record.pk)).json()
            assert body["customer"] == record.customer_id  # v1: the id stays
            assert body["customer_name"] == (NAME if sees_customer else None)

    def test_lists_board_and_search(
        self, request, unshared, portal, api, reader, sees_customer, sees_opportunity, sees_order
    ):
        user = request.getfixturevalue(reader)
        lists = {
            "opportunity": ["/sales/opportunities/", "/sales/pipeline/", "/api/v1/opportunities/"],
            "order": ["/sales/orders/", "/api/v1/orders/"],
        }
        for kind, record in self._records(unshared, sees_opportunity, sees_order):
            for url in lists[kind]:
                response = (api if url.startswith("/api/") else portal).as_user(user).get(url)
                assert response.status_code == 200, url
                _shows_name_as_allowed(response.content.decode(), sees_customer, url)
                if url.startswith("/api/"):
                    (row,) = [row for row in response.json()["results"] if row["id"] == record.pk]
                    assert row["customer_name"] == (NAME if sees_customer else None)
                # Searching by the customer's name finds the record only for those who may view the customer.
                found = (api if url.startswith("/api/") else portal).as_user(user).get(url, {"search": "Maple"})
                assert found.status_code == 200
                if url.startswith("/api/"):
                    ids = [row["id"] for row in found.json()["results"]]
                    assert (record.pk in ids) == sees_customer, url
                else:
                    assert (f"/{record.pk}/" in found.content.decode()) == sees_customer, url

    def test_exports(self, request, unshared, portal, reader, sees_customer, sees_opportunity, sees_order):
        user = request.getfixturevalue(reader)
        exports = {"opportunity": "/sales/opportunities/export.csv", "order": "/sales/orders/export.csv"}
        for kind, record in self._records(unshared, sees_opportunity, sees_order):
            rows = _csv_rows(portal.as_user(user).get(exports[kind]))
            (row,) = [row for row in rows if row["id"] == str(record.pk)]
            assert row["customer"] == str(record.customer_id)
            assert row["customer_name"] == (NAME if sees_customer else CUSTOMER_NOT_VIEWABLE)

    def test_home_section(self, request, unshared, portal, reader, sees_customer, sees_opportunity, sees_order):
        user = request.getfixturevalue(reader)
        home = portal.as_user(user).get("/")
        assert home.status_code == 200
        html = home.content.decode()
        if reader == "sales_rep":  # "Closing this month" lists their deal
            assert "Clinic rollout" in html
            assert CUSTOMER_NOT_VIEWABLE in html
        assert "Maple" not in html or sees_customer


# ?customer= on a customer the reader may not view: nothing, answered like a missing id (200, no rows).
CUSTOMER_FILTERED_LISTS = [
    "/api/v1/opportunities/",
    "/api/v1/orders/",
    "/api/v1/tickets/",
    "/api/v1/feedback/",
    "/api/v1/contacts/",
    "/sales/opportunities/",
    "/sales/pipeline/",
    "/sales/orders/",
    "/support/queues/all/",
    "/support/feedback/",
    "/sales/opportunities/export.csv",
    "/sales/orders/export.csv",
    "/support/queues/all/export.csv",
    "/support/feedback/export.csv",
    "/contacts/export.csv",
]
FILTER_READERS = {
    "sales_rep": False,
    "sales_manager": False,
    "teammate": False,
    "other_rep": True,
    "other_manager": True,
    "support_rep": True,
    "admin": True,
}


@pytest.fixture
def maple_everything(unshared, maple, org, other_rep):
    ticket = TicketFactory(customer=maple, team=org["support_team"], subject="Stethoscope broken")
    FeedbackFactory(customer=maple, ticket=ticket, rating=2, comment="Slow")
    maple.contacts.create(first_name="Dana", last_name="Desk")
    return {**unshared, "ticket": ticket}


@pytest.mark.parametrize("url", CUSTOMER_FILTERED_LISTS)
@pytest.mark.parametrize("reader", list(FILTER_READERS))
def test_customer_filter_on_a_customer_the_reader_may_not_view_lists_nothing(
    request, portal, api, maple, maple_everything, url, reader
):
    user = request.getfixturevalue(reader)
    client = api if url.startswith("/api/") else portal
    response = client.as_user(user).get(url, {"customer": maple.pk})
    if reader == "support_rep" and ("opportunit" in url or "pipeline" in url) and not url.startswith("/api/"):
        assert response.status_code == 404  # support users never see the pipeline's pages
        return
    assert response.status_code == 200, url
    if url.endswith(".csv"):
        rows = _csv_rows(response)
        body = "".join(",".join(row.values()) for row in rows)
    else:
        rows = None
        body = response.content.decode()
    if not FILTER_READERS[reader]:
        assert "Maple" not in body
        assert "Stethoscope" not in body
        assert "Clinic rollout" not in body
        if url.startswith("/api/"):
            assert response.json()["results"] == []
        if rows is not None:
            assert rows == []
        # The same answer as for an id that names no customer at all.
        missing = client.as_user(user).get(url, {"customer": 999_999_999})
        assert missing.status_code == 200
        if url.startswith("/api/"):
            assert missing.json()["results"] == []
    elif reader == "admin":  # who may view the customer and its records gets its rows
        assert "Maple" in body or "Stethoscope" in body or "Dana" in body or "Slow" in body, url
        if url.startswith("/api/"):
            assert response.json()["results"] != []
        if rows is not None:
            assert rows != []


@pytest.mark.parametrize("reader", list(FILTER_READERS))
def test_customer_owner_filter_names_no_customer_the_reader_may_not_view(
    request, api, maple, maple_everything, other_rep, reader
):
    user = request.getfixturevalue(reader)
    response = api.as_user(user).get("/api/v1/tickets/", {"customer_owner": other_rep.pk})
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == ([maple_everything["ticket"].pk] if FILTER_READERS[reader] else [])


@pytest.mark.parametrize("reader", ["other_rep", "support_rep", "admin"])
def test_tickets_and_feedback_name_a_customer_their_reader_may_view(request, portal, api, maple_everything, reader):
    user = request.getfixturevalue(reader)
    ticket = maple_everything["ticket"]
    for url in (f"/support/tickets/{ticket.pk}/", "/support/queues/all/", "/support/feedback/"):
        response = portal.as_user(user).get(url)
        assert response.status_code == 200, url
        assert NAME in response.content.decode(), url
    assert api.as_user(user).get(f"/api/v1/tickets/{ticket.pk}/").json()["customer_name"] == NAME
    (feedback,) = api.as_user(user).get("/api/v1/feedback/").json()["results"]
    assert feedback["customer_name"] == NAME
