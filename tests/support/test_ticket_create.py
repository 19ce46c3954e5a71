"""ACCESS.md, "Ticket T", create: support (Q defaults to their own team), sales for a customer
they can view (naming Q), a manager, admin. Through the API and the portal; every refusal
leaves no ticket behind."""

from dataclasses import dataclass

import pytest

from support.models import Ticket, TicketStatus
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    name: str
    actor: str | None
    customer: str = "C"  # "C" (owned by sales_rep) or "D" (owned by other_rep)
    team: str | None = None  # "Q", "B" (Support B), "sales" (a sales team)
    assignee: str | None = None
    status: int = 201
    error_field: str | None = None  # the field a 400 names
    lands_in: str | None = "Q"


CASES = [
    Case("support: lands in their own team", "support_rep"),
    Case("support: naming their own team", "support_rep", team="Q"),
    Case("support: naming another team is refused", "support_rep", team="B", status=403, lands_in=None),
    Case("support: assigning a teammate", "support_rep", assignee="support_rep"),
    Case(
        "support: assignee outside the team",
        "support_rep",
        assignee="other_support_rep",
        status=400,
        error_field="assignee",
        lands_in=None,
    ),
    Case("support in no team", "lone_support_rep", status=403, lands_in=None),
    Case("support manager: their team by default", "support_manager"),
    Case("sales: own customer, naming Q", "sales_rep", team="Q"),
    Case("sales: must name the team", "sales_rep", status=400, error_field="team", lands_in=None),
    Case("sales: a sales team is no queue", "sales_rep", team="sales", status=400, error_field="team", lands_in=None),
    Case("sales: may not assign", "sales_rep", team="Q", assignee="support_rep", status=403, lands_in=None),
    Case(
        "sales: customer they cannot view",
        "sales_rep",
        customer="D",
        team="Q",
        status=400,
        error_field="customer",
        lands_in=None,
    ),
    Case(
        "sales in no team: customer they cannot view",
        "outsider",
        team="Q",
        status=400,
        error_field="customer",
        lands_in=None,
    ),
    Case("sales manager: their member's customer, naming Q", "sales_manager", team="Q"),
    Case("sales manager: must name the team", "sales_manager", status=400, error_field="team", lands_in=None),
    Case(
        "manager: customer they cannot view",
        "other_manager",
        team="Q",
        status=400,
        error_field="customer",
        lands_in=None,
    ),
    Case("admin: naming Q", "admin", team="Q"),
    Case("admin: naming B with an assignee there", "admin", team="B", assignee="other_support_rep", lands_in="B"),
    Case("admin: must name the team", "admin", status=400, error_field="team", lands_in=None),
    Case("anonymous", None, status=401, lands_in=None),
]


@pytest.fixture
def customers(customer, other_rep):
    return {"C": customer, "D": CustomerFactory(name="Customer D", owner=other_rep)}


def teams(support_org):
    return {
        "Q": support_org["support_team"],
        "B": support_org["other_support_team"],
        "sales": support_org["sales_team"],
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_create_through_the_api(case, request, api, customers, support_org):
    user = request.getfixturevalue(case.actor) if case.actor else None
    body = {"customer": customers[case.customer].pk, "subject": "Printer on fire", "priority": "high"}
    if case.team:
        body["team"] = teams(support_org)[case.team].pk
    if case.assignee:
        body["assignee"] = request.getfixturevalue(case.assignee).pk
    response = api.as_user(user).post("/api/v1/tickets/", body)
    assert response.status_code == case.status, response.content
    if case.error_field:
        assert case.error_field in response.json()
    if case.lands_in is None:
        assert not Ticket.objects.exists()
        return
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.team == teams(support_org)[case.lands_in]
    assert ticket.status == TicketStatus.NEW
    assert ticket.created_by == user
    assert response.json()["sla_due_at"] is not None


# The portal form has no assignee field, and no team field for support users.
PORTAL_CASES = [case for case in CASES if case.assignee is None and not (case.actor == "support_rep" and case.team)]


@pytest.mark.parametrize("case", PORTAL_CASES, ids=lambda c: c.name)
def test_create_through_the_portal(case, request, portal, customers, support_org):
    user = request.getfixturevalue(case.actor) if case.actor else None
    client = portal.as_user(user)
    form = {
        "customer": customers[case.customer].pk,
        "subject": "Printer on fire",
        "kind": "incident",
        "priority": "high",
    }
    if case.team:
        form["team"] = teams(support_org)[case.team].pk
    response = client.post("/support/tickets/new/", form)
    expected = {201: 302, 401: 302}.get(case.status, case.status)
    if case.status == 400:
        expected = 200  # the form again, with the error on its field
    assert response.status_code == expected
    if case.actor is None:
        assert response["Location"].startswith("/login/")
    if case.error_field:
        assert case.error_field in response.context["form"].errors
    if case.lands_in is None:
        assert not Ticket.objects.exists()
        return
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/support/tickets/{ticket.pk}/"
    assert ticket.team == teams(support_org)[case.lands_in]


def test_a_team_posted_by_a_support_user_is_ignored(portal, customer, support_rep, support_org):
    form = {
        "customer": customer.pk,
        "subject": "x",
        "kind": "question",
        "priority": "low",
        "team": support_org["other_support_team"].pk,
    }
    assert portal.as_user(support_rep).post("/support/tickets/new/", form).status_code == 302
    assert Ticket.objects.get().team == support_org["support_team"]


def test_a_new_ticket_may_not_start_in_another_status(api, customer, support_rep):
    response = api.as_user(support_rep).post(
        "/api/v1/tickets/", {"customer": customer.pk, "subject": "x", "status": "resolved"}
    )
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_the_create_form_offers_only_the_right_fields(portal, customer, support_rep, sales_rep):
    support_page = portal.as_user(support_rep).get(f"/support/tickets/new/?customer={customer.pk}")
    assert 'name="team"' not in support_page.content.decode()
    sales_page = portal.as_user(sales_rep).get(f"/support/tickets/new/?customer={customer.pk}")
    assert 'name="team"' in sales_page.content.decode()


def test_the_create_form_lists_only_visible_customers(portal, customers, sales_rep):
    page = portal.as_user(sales_rep).get("/support/tickets/new/").content.decode()
    assert "Customer C" in page
    assert "Customer D" not in page
