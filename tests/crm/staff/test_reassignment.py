"""Bulk reassignment: a team's manager (or an admin) moves one member's work to another member, at once.

Through the API (POST /api/v1/teams/{id}/reassign/) and the portal (the team page's form).
Refused or invalid: 403/404/400 and nothing moved; a failure in the last mover rolls
back what the earlier ones moved.
"""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import TeamKind
from crm.customers.models import Customer
from crm.staff import reassignment
from sales.models import Opportunity
from support.models import Ticket, TicketPriority, TicketStatus
from tests.crm.conftest import _ticket
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Who owns or works every record, and its version."""
    return {
        "customers": set(Customer.objects.values_list("pk", "owner_id", "version")),
        "opportunities": set(Opportunity.objects.values_list("pk", "owner_id", "version")),
        "tickets": set(Ticket.objects.values_list("pk", "assignee_id", "version")),
    }


def reassign_url(team) -> str:
    return f"/api/v1/teams/{team.pk}/reassign/"


def test_a_manager_moves_a_salespersons_customers_and_opportunities(world, api):
    u, o = world.users, world.opportunities
    before = {record.pk: record.version for record in Opportunity.objects.all()}
    response = api.as_user(u["dual_manager"]).post(
        reassign_url(world.teams["sales_x"]),
        {"from_user": u["rep_x1"].pk, "to_user": u["rep_x2"].pk, "include_closed": True},  # won and lost too
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"moved": {"customers": 1, "opportunities": 4}}
    assert set(Customer.objects.filter(owner=u["rep_x1"])) == set()
    world.customers["c1"].refresh_from_db()
    assert (world.customers["c1"].owner, world.customers["c1"].version) == (u["rep_x2"], 2)
    moved = {o[name].pk for name in ("o1", "o2", "o5", "o7")}
    for opportunity in Opportunity.objects.filter(pk__in=moved):
        assert opportunity.owner == u["rep_x2"]
        assert opportunity.version == before[opportunity.pk] + 1
        assert opportunity.updated_by == u["dual_manager"]
    untouched = Opportunity.objects.exclude(pk__in=moved)
    assert all(opportunity.version == before[opportunity.pk] for opportunity in untouched)


def test_a_manager_moves_a_support_reps_open_tickets(world, api):
    u, t = world.users, world.tickets
    finished = _ticket("done", world.customers["c1"], world.teams["support_x"], TicketPriority.LOW,
                       TicketStatus.CLOSED, created="2026-05-01T08:00", assignee=u["agent_x1"])  # fmt: skip
    response = api.as_user(u["dual_manager"]).post(
        reassign_url(world.teams["support_x"]),
        {"from_user": u["agent_x1"].pk, "to_user": u["agent_x2"].pk, "kinds": ["tickets"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"moved": {"tickets": 2}}
    assert set(Ticket.objects.filter(assignee=u["agent_x2"]).values_list("subject", flat=True)) == {
        "t1",
        "t2",
        "t3",
        "t4",
    }
    finished.refresh_from_db()
    assert finished.assignee == u["agent_x1"]  # a finished ticket keeps who worked it
    t["t1"].refresh_from_db()
    assert t["t1"].version == 2


def test_only_the_kinds_asked_for_move(world, api):
    u = world.users
    response = api.as_user(u["dual_manager"]).post(
        reassign_url(world.teams["sales_x"]),
        {"from_user": u["rep_x1"].pk, "to_user": u["rep_x2"].pk, "kinds": ["customers"]},
        format="json",
    )
    assert response.json() == {"moved": {"customers": 1}}
    assert Opportunity.objects.filter(owner=u["rep_x1"]).count() == 4


def test_an_admin_moves_any_teams_work(world, api):
    u = world.users
    other = _new_member(world.teams["sales_y"], "rep_y2")
    response = api.as_user(u["root"]).post(
        reassign_url(world.teams["sales_y"]), {"from_user": u["rep_y"].pk, "to_user": other.pk}, format="json"
    )
    assert response.json() == {"moved": {"customers": 2, "opportunities": 2}}


def _new_member(team, username):
    member = UserFactory(username=username, role="sales" if team.kind == TeamKind.SALES else "support")
    team.memberships.create(user=member)
    return member


REFUSED = [
    ("a member of the team", "rep_x1", "sales_x", 403),
    ("a support rep of the queue", "agent_x1", "support_x", 403),
    ("another team's manager", "far_manager", "sales_x", 404),
    ("a manager of another support team", "y_support_manager", "support_x", 404),
]


@pytest.mark.parametrize(("relation", "actor", "team", "status"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_moves_nothing(world, api, relation, actor, team, status):
    u = world.users
    members = [m.pk for m in world.teams[team].members.order_by("username")]
    before = snapshot()
    response = api.as_user(u[actor]).post(
        reassign_url(world.teams[team]), {"from_user": members[0], "to_user": members[1]}, format="json"
    )
    assert response.status_code == status
    assert snapshot() == before


def test_anonymous_is_refused(world, api):
    before = snapshot()
    response = api.as_user(None).post(reassign_url(world.teams["sales_x"]), {}, format="json")
    assert response.status_code == 401
    assert snapshot() == before


def _invalid_cases(world):
    u = world.users
    x1, x2 = u["rep_x1"].pk, u["rep_x2"].pk
    return {
        "from someone outside the team": ({"from_user": u["rep_y"].pk, "to_user": x2}, "from_user"),
        "to someone outside the team": ({"from_user": x1, "to_user": u["rep_y"].pk}, "to_user"),
        "to the manager's support rep": ({"from_user": x1, "to_user": u["agent_x1"].pk}, "to_user"),
        "to the same member": ({"from_user": x1, "to_user": x1}, "to_user"),
        "to no such user": ({"from_user": x1, "to_user": 999_999}, "to_user"),
        "tickets within a sales team": ({"from_user": x1, "to_user": x2, "kinds": ["tickets"]}, "kinds"),
        "an unknown kind": ({"from_user": x1, "to_user": x2, "kinds": ["orders", "customers"]}, "kinds"),
        "no kind at all": ({"from_user": x1, "to_user": x2, "kinds": []}, "kinds"),
        "an unknown field": ({"from_user": x1, "to_user": x2, "everything": True}, "everything"),
        "a user id that is no number": ({"from_user": "rep_x1", "to_user": x2}, "from_user"),
        "no to_user": ({"from_user": x1}, "to_user"),
    }


CASES = [
    "from someone outside the team",
    "to someone outside the team",
    "to the manager's support rep",
    "to the same member",
    "to no such user",
    "tickets within a sales team",
    "an unknown kind",
    "no kind at all",
    "an unknown field",
    "a user id that is no number",
    "no to_user",
]


@pytest.mark.parametrize("case", CASES)
def test_invalid_input_answers_400_and_moves_nothing(world, api, case):
    body, field = _invalid_cases(world)[case]
    before = snapshot()
    response = api.as_user(world.users["dual_manager"]).post(reassign_url(world.teams["sales_x"]), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_an_inactive_member_cannot_receive_work_but_can_hand_it_over(world, api):
    u = world.users
    u["rep_x2"].is_active = False
    u["rep_x2"].save()
    client = api.as_user(u["dual_manager"])
    url = reassign_url(world.teams["sales_x"])
    refused = client.post(url, {"from_user": u["rep_x1"].pk, "to_user": u["rep_x2"].pk}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"to_user": ["This user is not active."]}
    handed_over = client.post(url, {"from_user": u["rep_x2"].pk, "to_user": u["rep_x1"].pk}, format="json")
    assert handed_over.json() == {"moved": {"customers": 1, "opportunities": 2}}  # open ones: o3, o4


@pytest.fixture
def failing_last_mover(monkeypatch):
    def fail(**kwargs):
        raise ValidationError({"kinds": ["The last mover failed."]})

    movers = dict(reassignment._movers)
    movers["broken"] = reassignment.Mover(kind="broken", label="Broken", team_kind=TeamKind.SALES, order=99, move=fail)
    monkeypatch.setattr(reassignment, "_movers", movers)


def test_a_failure_in_the_last_mover_leaves_nothing_moved(world, api, failing_last_mover):
    u = world.users
    before = snapshot()
    response = api.as_user(u["dual_manager"]).post(
        reassign_url(world.teams["sales_x"]), {"from_user": u["rep_x1"].pk, "to_user": u["rep_x2"].pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"kinds": ["The last mover failed."]}
    assert snapshot() == before


def test_a_crash_in_the_last_mover_leaves_nothing_moved(world, monkeypatch):
    u = world.users

    def crash(**kwargs):
        raise RuntimeError("the disk is full")

    movers = dict(reassignment._movers)
    movers["crash"] = reassignment.Mover(kind="crash", label="Crash", team_kind=TeamKind.SALES, order=99, move=crash)
    monkeypatch.setattr(reassignment, "_movers", movers)
    before = snapshot()
    with pytest.raises(RuntimeError):
        reassignment.team_reassign(
            acting_user=u["dual_manager"], team=world.teams["sales_x"], from_user=u["rep_x1"], to_user=u["rep_x2"]
        )
    assert snapshot() == before


def test_an_edit_based_on_the_version_before_the_move_is_stale(world, api):
    u = world.users
    customer = world.customers["c1"]
    api.as_user(u["dual_manager"]).post(
        reassign_url(world.teams["sales_x"]), {"from_user": u["rep_x1"].pk, "to_user": u["rep_x2"].pk}, format="json"
    )
    response = api.as_user(u["rep_x2"]).patch(
        f"/api/v1/customers/{customer.pk}/", {"name": "Renamed", "version": 1}, format="json"
    )
    assert response.status_code == 409
    # The new owner sees it; the old one no longer does.
    assert api.as_user(u["rep_x1"]).get(f"/api/v1/customers/{customer.pk}/").status_code == 404


# The portal: the team page's form


def test_the_team_page_offers_the_form_to_the_manager_only(world, portal):
    url = f"/teams/{world.teams['sales_x'].pk}/"
    manager_page = portal.as_user(world.users["dual_manager"]).get(url).content.decode()
    assert 'data-testid="reassign-form"' in manager_page
    member_page = portal.as_user(world.users["rep_x1"]).get(url)
    assert member_page.status_code == 200
    assert 'data-testid="reassign-form"' not in member_page.content.decode()
    assert portal.as_user(world.users["far_manager"]).get(url).status_code == 404


def test_the_portal_form_moves_the_work(world, portal):
    u = world.users
    team = world.teams["sales_x"]
    response = portal.as_user(u["dual_manager"]).post(
        f"/teams/{team.pk}/reassign/",
        {
            "from_user": u["rep_x1"].pk,
            "to_user": u["rep_x2"].pk,
            "kinds": ["customers", "opportunities"],
            "confirmed": "on",  # the preview's "Move now"
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Moved from rep_x1 to rep_x2: 1 customer, 2 opportunities." in response.content.decode()
    assert not Customer.objects.filter(owner=u["rep_x1"]).exists()


def test_the_portal_form_shows_errors_and_moves_nothing(world, portal):
    u = world.users
    team = world.teams["sales_x"]
    before = snapshot()
    response = portal.as_user(u["dual_manager"]).post(
        f"/teams/{team.pk}/reassign/", {"from_user": u["rep_x1"].pk, "to_user": u["rep_x1"].pk, "kinds": ["customers"]}
    )
    assert response.status_code == 400
    assert "Choose another member than the one whose work moves." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(("actor", "status"), [("rep_x1", 403), ("far_manager", 404)])
def test_the_portal_refuses_others(world, portal, actor, status):
    u = world.users
    before = snapshot()
    response = portal.as_user(u[actor]).post(
        f"/teams/{world.teams['sales_x'].pk}/reassign/",
        {"from_user": u["rep_x1"].pk, "to_user": u["rep_x2"].pk, "kinds": ["customers"]},
    )
    assert response.status_code == status
    assert snapshot() == before
