"""Issue 11 point 18: a bulk reassignment says how much will move before it moves, and moves won and
lost deals only if asked (portal: a preview and "Move now"; API: "preview" and "include_closed")."""

import re

import pytest

from sales.models import Opportunity

from .test_reassignment import reassign_url, snapshot

pytestmark = pytest.mark.django_db


def rep_x1_to_x2(world, **more) -> dict:
    return {"from_user": world.users["rep_x1"].pk, "to_user": world.users["rep_x2"].pk, **more}


# API


def test_api_preview_counts_and_moves_nothing(world, api):
    before = snapshot()
    response = api.as_user(world.users["dual_manager"]).post(
        reassign_url(world.teams["sales_x"]), rep_x1_to_x2(world, preview=True), format="json"
    )
    assert response.status_code == 200
    # rep_x1 owns C1, open o1 and o2, won o5 and lost o7.
    assert response.json() == {
        "preview": {"would_move": {"customers": 1, "opportunities": 2}, "would_stay": {"closed_opportunities": 2}}
    }
    assert snapshot() == before


def test_api_preview_with_closed_deals(world, api):
    response = api.as_user(world.users["dual_manager"]).post(
        reassign_url(world.teams["sales_x"]), rep_x1_to_x2(world, preview=True, include_closed=True), format="json"
    )
    assert response.json() == {
        "preview": {
            "would_move": {"customers": 1, "opportunities": 2, "closed_opportunities": 2},
            "would_stay": {},
        }
    }


def test_api_preview_of_a_support_team_counts_open_tickets(world, api):
    u = world.users
    response = api.as_user(u["dual_manager"]).post(
        reassign_url(world.teams["support_x"]),
        {"from_user": u["agent_x1"].pk, "to_user": u["agent_x2"].pk, "preview": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"preview": {"would_move": {"tickets": 2}, "would_stay": {}}}


def test_api_moves_won_and_lost_deals_only_if_asked(world, api):
    o = world.opportunities
    client = api.as_user(world.users["dual_manager"])
    response = client.post(reassign_url(world.teams["sales_x"]), rep_x1_to_x2(world), format="json")
    assert response.json() == {"moved": {"customers": 1, "opportunities": 2}}
    for name, owner, version in (("o1", "rep_x2", 2), ("o2", "rep_x2", 2), ("o5", "rep_x1", 1), ("o7", "rep_x1", 1)):
        o[name].refresh_from_db()
        assert (o[name].owner, o[name].version) == (world.users[owner], version), name
    asked = client.post(reassign_url(world.teams["sales_x"]), rep_x1_to_x2(world, include_closed=True), format="json")
    assert asked.json() == {"moved": {"customers": 0, "opportunities": 2}}
    assert not Opportunity.objects.filter(owner=world.users["rep_x1"]).exists()


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("root", 200),  # an admin
        ("dual_manager", 200),  # the team's manager
        ("rep_x1", 403),
        ("rep_x2", 403),
        ("agent_x1", 404),
        ("y_support_manager", 404),
        ("far_manager", 404),
    ],
)
def test_api_preview_is_allowed_and_refused_like_the_move(world, api, actor, status):
    before = snapshot()
    response = api.as_user(world.users[actor]).post(
        reassign_url(world.teams["sales_x"]), rep_x1_to_x2(world, preview=True), format="json"
    )
    assert response.status_code == status
    assert ("preview" in response.json()) is (status == 200)
    assert snapshot() == before


def test_api_preview_checks_the_members(world, api):
    u = world.users
    response = api.as_user(u["dual_manager"]).post(
        reassign_url(world.teams["sales_x"]),
        {"from_user": u["rep_y"].pk, "to_user": u["rep_x2"].pk, "preview": True},
        format="json",
    )
    assert response.status_code == 400
    assert "from_user" in response.json()


@pytest.mark.parametrize("flag", ["include_closed", "preview"])
def test_api_flags_must_be_booleans(world, api, flag):
    before = snapshot()
    response = api.as_user(world.users["dual_manager"]).post(
        reassign_url(world.teams["sales_x"]), rep_x1_to_x2(world, **{flag: "perhaps"}), format="json"
    )
    assert response.status_code == 400
    assert flag in response.json()
    assert snapshot() == before


# Portal


def test_portal_first_says_how_much_will_move(world, portal):
    team = world.teams["sales_x"]
    before = snapshot()
    response = portal.as_user(world.users["dual_manager"]).post(
        f"/teams/{team.pk}/reassign/", rep_x1_to_x2(world, kinds=["customers", "opportunities"])
    )
    assert response.status_code == 200
    page = response.content.decode()
    preview = re.search(r'data-testid="reassign-preview".*?</section>', page, re.S).group(0)
    assert "1 customer will move" in preview
    assert "2 open opportunities will move" in preview
    assert "2 won or lost deals will stay" in preview
    assert 'name="confirmed" value="on"' in preview
    assert snapshot() == before


def test_portal_move_now_moves_what_the_preview_said(world, portal):
    team, u = world.teams["sales_x"], world.users
    client = portal.as_user(u["dual_manager"])
    preview = client.post(
        f"/teams/{team.pk}/reassign/", rep_x1_to_x2(world, kinds=["opportunities"], include_closed="on")
    ).content.decode()
    assert "2 won or lost deals will move" in preview
    assert '<input type="hidden" name="include_closed" value="on">' in preview
    moved = client.post(
        f"/teams/{team.pk}/reassign/",
        rep_x1_to_x2(world, kinds=["opportunities"], include_closed="on", confirmed="on"),
        follow=True,
    )
    assert moved.status_code == 200
    assert "Moved from rep_x1 to rep_x2: 4 opportunities." in moved.content.decode()
    assert not Opportunity.objects.filter(owner=u["rep_x1"]).exists()


def test_portal_offers_closed_deals_only_for_sales_teams(world, portal):
    client = portal.as_user(world.users["dual_manager"])
    sales_page = client.get(f"/teams/{world.teams['sales_x'].pk}/").content.decode()
    support_page = client.get(f"/teams/{world.teams['support_x'].pk}/").content.decode()
    assert 'name="include_closed"' in sales_page
    assert "Also move won and lost deals" in sales_page
    assert 'name="include_closed"' not in support_page


@pytest.mark.parametrize(("actor", "status"), [("rep_x1", 403), ("far_manager", 404)])
def test_portal_preview_is_refused_to_others(world, portal, actor, status):
    before = snapshot()
    response = portal.as_user(world.users[actor]).post(
        f"/teams/{world.teams['sales_x'].pk}/reassign/", rep_x1_to_x2(world, kinds=["customers"])
    )
    assert response.status_code == status
    assert snapshot() == before
