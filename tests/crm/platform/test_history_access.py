"""Who sees a record's history (those who may view the record: ACCESS.md; others 404), what they see
of it, that nobody can change it through the product, and its query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.customers import services
from crm.platform.audit.actor import acting_as
from crm.platform.audit.models import AuditEntry
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "sales_rep",
    "sales_manager",
    "teammate",
    "other_rep",
    "support_rep",
    "support_manager",
    "admin",
    "outsider",
]
# ACCESS.md: who may view C (sales_rep's), P and R (sales_rep's, on C), and T (on C, in the queue of "Support").
MAY_VIEW = {
    "customer": {"sales_rep", "sales_manager", "support_rep", "support_manager", "admin"},
    "opportunity": {"sales_rep", "sales_manager", "admin"},
    "order": {"sales_rep", "sales_manager", "support_rep", "support_manager", "admin"},
    "ticket": {"sales_rep", "sales_manager", "support_rep", "support_manager", "admin"},
    "user": {"admin"},
    "team": {"admin"},
}
CASES = [(record_type, persona) for record_type in MAY_VIEW for persona in PERSONAS]


@pytest.fixture
def records(customer, opportunity, order, ticket, sales_rep, org):
    return {
        "customer": customer,
        "opportunity": opportunity,
        "order": order,
        "ticket": ticket,
        "user": sales_rep,
        "team": org["sales_team"],
    }


@pytest.mark.parametrize(("record_type", "persona"), CASES)
def test_the_history_is_shown_to_those_who_may_view_the_record(request, portal, api, records, record_type, persona):
    user = request.getfixturevalue(persona)
    record = records[record_type]
    expected = 200 if persona in MAY_VIEW[record_type] else 404
    page = portal.as_user(user).get(f"/history/{record_type}/{record.pk}/")
    fragment = portal.as_user(user).get(f"/history/{record_type}/{record.pk}/", HTTP_HX_REQUEST="true")
    answer = api.as_user(user).get(f"/api/v1/history/{record_type}/{record.pk}/")
    assert (page.status_code, fragment.status_code, answer.status_code) == (expected, expected, expected)
    if expected == 200:
        created = AuditEntry.objects.filter(content_type__model=type(record)._meta.model_name, object_id=record.pk)
        assert created.exists()
        assert f'data-entry-id="{created.first().pk}"' in fragment.content.decode()
        assert created.first().pk in [row["id"] for row in answer.json()["results"]]
    else:
        assert str(record) not in page.content.decode()


def test_strangers_and_unknown_kinds(portal, api, customer):
    assert portal.as_user(None).get(f"/history/customer/{customer.pk}/").status_code == 302
    assert api.as_user(None).get(f"/api/v1/history/customer/{customer.pk}/").status_code == 401
    assert api.as_user(customer.owner).get(f"/api/v1/history/invoice/{customer.pk}/").status_code == 404
    assert portal.as_user(customer.owner).get(f"/history/customer/{customer.pk + 99}/").status_code == 404


def test_the_record_pages_carry_the_history_panel(portal, sales_rep, support_rep, records):
    pages = {
        "customer": f"/customers/{records['customer'].pk}/",
        "opportunity": f"/sales/opportunities/{records['opportunity'].pk}/",
        "order": f"/sales/orders/{records['order'].pk}/",
        "ticket": f"/support/tickets/{records['ticket'].pk}/",
    }
    for record_type, url in pages.items():
        html = portal.as_user(sales_rep).get(url).content.decode()
        assert f'hx-get="/history/{record_type}/{records[record_type].pk}/"' in html, record_type


def test_shares_show_only_to_those_who_may_share(api, portal, customer, sales_rep, support_rep, other_rep):
    api.as_user(sales_rep).post(f"/api/v1/customers/{customer.pk}/shares/", {"user": other_rep.pk, "level": "view"})
    url = f"/history/customer/{customer.pk}/"
    owner_view = portal.as_user(sales_rep).get(url).content.decode()
    support_view = portal.as_user(support_rep).get(url).content.decode()
    assert "customer share" in owner_view
    assert "shared with other_rep" in owner_view
    assert "customer share" not in support_view
    assert "other_rep" not in support_view
    kinds = {row["kind"] for row in api.as_user(support_rep).get(f"/api/v1/{url.lstrip('/')}").json()["results"]}
    assert kinds == {"customer"}


def test_a_customer_the_viewer_may_not_see_is_not_named(api, ticket, support_rep, other_rep):
    elsewhere = CustomerFactory(name="Secret Co", owner=other_rep)
    moved = api.as_user(support_rep).patch(f"/api/v1/tickets/{ticket.pk}/", {"customer": elsewhere.pk})
    assert moved.status_code == 200
    rows = api.as_user(other_rep).get(f"/api/v1/history/ticket/{ticket.pk}/").json()["results"]
    (change,) = [c for c in rows[0]["changes"] if c["field"] == "customer"]
    assert (change["old"], change["new"]) == ("a customer you cannot view", "Secret Co")
    seen_by_support = api.as_user(support_rep).get(f"/api/v1/history/ticket/{ticket.pk}/").json()["results"]
    (change,) = [c for c in seen_by_support[0]["changes"] if c["field"] == "customer"]
    assert (change["old"], change["new"]) == ("Customer C", "Secret Co")


def test_names_are_those_of_when_the_change_was_made(api, customer, sales_manager, teammate):
    name_then = teammate.display_name
    api.as_user(sales_manager).patch(f"/api/v1/customers/{customer.pk}/", {"owner": teammate.pk})
    teammate.first_name, teammate.last_name = "Renamed", "Later"
    teammate.save()
    (change,) = (
        api.as_user(sales_manager).get(f"/api/v1/history/customer/{customer.pk}/").json()["results"][0]["changes"]
    )
    assert (change["field"], change["new"]) == ("owner", name_then)
    assert name_then != "Renamed Later"


class TestNobodyChangesTheHistory:
    def test_the_api_is_read_only(self, api, admin, customer):
        client = api.as_user(admin)
        url = f"/api/v1/history/customer/{customer.pk}/"
        for method in ("post", "put", "patch", "delete"):
            assert getattr(client, method)(url, {"changes": {}}).status_code == 405
        assert client.get("/api/v1/").status_code == 200
        assert "history" not in client.get("/api/v1/").json()

    def test_the_portal_is_read_only(self, portal, admin, customer):
        assert portal.as_user(admin).post(f"/history/customer/{customer.pk}/").status_code == 405

    def test_django_admin_is_read_only(self, portal, admin, customer):
        client = portal.as_user(admin)
        entry = AuditEntry.objects.filter(record_type="customer", record_id=customer.pk).first()
        before = (entry.changes, entry.actor_id, entry.timestamp)
        assert client.get("/admin/crm/auditentry/").status_code == 200
        assert client.get(f"/admin/crm/auditentry/{entry.pk}/change/").status_code == 200
        assert client.get("/admin/crm/auditentry/add/").status_code == 403
        assert client.post(f"/admin/crm/auditentry/{entry.pk}/change/", {"object_repr": "forged"}).status_code == 403
        assert client.post(f"/admin/crm/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        listing = client.get("/admin/crm/auditentry/").content.decode()
        assert 'name="action"' not in listing  # no bulk actions, "delete selected" included
        entry.refresh_from_db()
        assert (entry.changes, entry.actor_id, entry.timestamp) == before

    def test_an_actor_with_history_cannot_be_deleted(self, customer, sales_rep):
        from django.db.models import ProtectedError

        with acting_as(sales_rep, via="portal"):
            services.customer_update(acting_user=sales_rep, customer=customer, name="Mine")
        with pytest.raises(ProtectedError):
            sales_rep.delete()


def make_history(customer, manager, users, count):
    """`count` changes of the customer (its owner among `users`) and of its contacts, recorded as by several users."""
    for n in range(count):
        with acting_as(users[n % len(users)], via="portal"):
            fresh = type(customer).objects.get(pk=customer.pk)
            services.customer_update(acting_user=manager, customer=fresh, name=f"C {n}", owner=users[n % 2])
            services.contact_create(acting_user=manager, customer=fresh, first_name=f"Contact {n}")


HISTORY_VIEWS = {
    "page": lambda client, c: client.get(f"/history/customer/{c.pk}/"),
    "panel": lambda client, c: client.get(f"/history/customer/{c.pk}/", HTTP_HX_REQUEST="true"),
    "api": lambda client, c: client.get(f"/api/v1/history/customer/{c.pk}/"),
}


@pytest.mark.parametrize("view", HISTORY_VIEWS)
@pytest.mark.parametrize("persona", ["sales_manager", "support_rep", "admin"])
def test_the_history_costs_the_same_queries_for_10_or_200_changes(
    request, portal, api, customer, sales_rep, teammate, sales_manager, view, persona
):
    user = request.getfixturevalue(persona)
    client = api.as_user(user) if view == "api" else portal.as_user(user)
    users = [sales_rep, teammate, sales_manager]

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert HISTORY_VIEWS[view](client, customer).status_code == 200
        return len(captured)

    make_history(customer, sales_manager, users, 5)
    small = count()
    make_history(customer, sales_manager, users, 100)
    large = count()
    assert small == large
    assert large <= 10
