"""Home pages per role: each lands on their own work (the world of conftest.py, at NOW)."""

import re
from datetime import date

import pytest

from sales.models import Opportunity
from support.models import Ticket, TicketKind, TicketPriority, TicketStatus
from tests.crm.conftest import _ticket
from tests.sales.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

ROLE_SECTIONS = {
    "rep_x1": ["my-pipeline", "closing-this-month", "customers-complaints", "recent-customers"],
    "agent_x1": ["my-queue", "breaching-soon", "my-csat"],
    "dual_manager": ["dashboard-link", "teams-work"],
    "root": ["dashboard-link", "users", "teams", "access-changes"],
}


def home(portal, user):
    response = portal.as_user(user).get("/")
    assert response.status_code == 200
    return response


def section(response, key) -> dict:
    [found] = [s.context for s in response.context["sections"] if s.key == key]
    return found


@pytest.mark.parametrize("persona", ROLE_SECTIONS)
def test_each_role_lands_on_its_own_sections(world, portal, persona):
    response = home(portal, world.users[persona])
    assert [s.key for s in response.context["sections"]] == ROLE_SECTIONS[persona]
    html = response.content.decode()
    for key in ROLE_SECTIONS[persona]:
        assert f'data-section="{key}"' in html


def test_a_salesperson_sees_their_pipeline_and_deals_closing_this_month(world, portal):
    rep = world.users["rep_x1"]
    Opportunity.objects.filter(pk=world.opportunities["o1"].pk).update(expected_close=date(2026, 5, 25))
    Opportunity.objects.filter(pk=world.opportunities["o2"].pk).update(expected_close=date(2026, 6, 2))
    Opportunity.objects.filter(pk=world.opportunities["o5"].pk).update(expected_close=date(2026, 5, 3))  # won
    OpportunityFactory(name="teammate's", customer=world.customers["c2"], owner=world.users["rep_x2"],
                       expected_close=date(2026, 5, 21))  # fmt: skip
    response = home(portal, rep)

    pipeline = section(response, "my-pipeline")
    assert pipeline["total"] == "3,500.50 EUR"  # o1 + o2
    assert [(s["label"], s["count"], s["total"]) for s in pipeline["stages"]] == [
        ("Prospecting", 1, "1,000.00 EUR"),
        ("Qualification", 0, "0.00 EUR"),
        ("Proposal", 1, "2,500.50 EUR"),
        ("Negotiation", 0, "0.00 EUR"),
    ]
    closing = section(response, "closing-this-month")
    assert [deal.name for deal in closing["deals"]] == ["o1"]
    assert _rows(portal, closing["url"]) == {world.opportunities["o1"].pk}
    assert _rows(portal, pipeline["url"]) == {world.opportunities["o1"].pk, world.opportunities["o2"].pk}


def test_a_salesperson_sees_their_customers_open_complaints(world, portal):
    support_x = world.teams["support_x"]
    mine = _ticket("broken", world.customers["c1"], support_x, TicketPriority.HIGH, TicketStatus.OPEN,
                   created="2026-05-19T08:00")  # fmt: skip
    _ticket("fixed", world.customers["c1"], support_x, TicketPriority.HIGH, TicketStatus.RESOLVED,
            created="2026-05-18T08:00")  # fmt: skip
    _ticket("teammate's", world.customers["c2"], support_x, TicketPriority.HIGH, TicketStatus.OPEN,
            created="2026-05-18T08:00")  # fmt: skip
    Ticket.objects.filter(subject__in=["broken", "fixed", "teammate's"]).update(kind=TicketKind.COMPLAINT)
    response = home(portal, world.users["rep_x1"])
    complaints = section(response, "customers-complaints")
    assert [ticket.subject for ticket in complaints["tickets"]] == ["broken"]
    assert _rows(portal, complaints["url"]) == {mine.pk}
    assert "broken" in response.content.decode()


def test_a_support_rep_sees_their_queue_what_breaches_soon_and_their_csat(world, portal):
    t = world.tickets
    response = home(portal, world.users["agent_x1"])
    assert {ticket.pk for ticket in section(response, "my-queue")["tickets"]} == {t["t1"].pk, t["t2"].pk}
    # Support X's running clocks due by 13:00: t1 and t2 (resolution), t5 (first response); t3 is paused.
    assert {ticket.pk for ticket in section(response, "breaching-soon")["tickets"]} == {
        t["t1"].pk,
        t["t2"].pk,
        t["t5"].pk,
    }
    csat = section(response, "my-csat")
    assert (csat["average"], csat["count"]) == ("4.00", 2)  # f1 (t1) 5 and f6 (t2) 3
    assert _rows(portal, csat["url"]) == {world.feedback["f1"].pk, world.feedback["f6"].pk}


def test_a_manager_sees_the_dashboard_link_and_their_teams_work(world, portal):
    response = home(portal, world.users["dual_manager"])
    html = response.content.decode()
    assert 'href="/dashboard/"' in html
    tables = section(response, "teams-work")["teams"].tables
    assert [table.team_name for table in tables] == ["Sales X", "Support X"]
    assert 'data-member="agent_x2"' in html
    assert 'data-member="rep_y"' not in html


def test_an_admin_sees_users_teams_and_recent_access_changes(world, portal):
    response = home(portal, world.users["root"])
    users = section(response, "users")
    assert (users["active"], users["total"]) == (11, 11)
    assert dict(users["by_role"]) == {"Admin": 1, "Manager": 3, "Sales": 4, "Support": 3}
    assert [team.name for team in section(response, "teams")["teams"]] == [
        "Sales X",
        "Sales Y",
        "Support X",
        "Support Y",
    ]
    changes = [change["what"] for change in section(response, "access-changes")["changes"]]
    assert "C shared shared with rep_x1 (view)" in changes
    assert "rep_x1 joined Sales X" in changes
    assert 'data-testid="access-changes"' in response.content.decode()


def test_a_support_user_has_no_pipeline_and_a_salesperson_no_queue(world, portal):
    agent_html = home(portal, world.users["agent_x1"]).content.decode()
    assert "My pipeline" not in agent_html
    rep_html = home(portal, world.users["rep_x1"]).content.decode()
    assert "My queue" not in rep_html


def _rows(portal, url) -> set[int]:
    html = portal.get(url).content.decode()
    return {int(pk) for pk in re.findall(r'data-(?:opportunity|ticket|feedback)-id="(\d+)"', html)}
