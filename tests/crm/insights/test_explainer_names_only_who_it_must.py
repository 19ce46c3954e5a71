"""The access explainer names only who it must (issue 11, point 4).

Its user picker and `?user=` (portal and API) offer only active users in the asker's teams
(an admin: every active user, all of whom they see anyway) or active users who may view
the record. Any other id (inactive, another team's and unable to view, missing, not a
number, negative, huge, empty) is answered exactly like a missing one: same status, same
body, no name, no role.

dual_manager manages Sales X (rep_x1, rep_x2) and Support X (agent_x1, agent_x2);
far_manager manages Sales Y (rep_y); y_support_manager Support Y (agent_y); lone_owner is
in no team. c1 is rep_x1's; t1 is a Support X ticket.
"""

import re

import pytest

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MISSING_IDS = ["999999", "abc", "-1", "0", "99999999999999999999999", "", "1e3", "1.0", "%00", "0x1"]

# (asker, record, username asked about, explained?)
NAMED_CASES = [
    ("dual_manager", "c1", "rep_x1", True),  # in their team, owner
    ("dual_manager", "c1", "rep_x2", True),  # in their team, cannot view
    ("dual_manager", "c1", "agent_x1", True),  # in their (support) team
    ("dual_manager", "c1", "dual_manager", True),  # themselves
    ("dual_manager", "c1", "root", True),  # outside their teams, may view
    ("dual_manager", "c1", "agent_y", True),  # outside their teams, may view (support directory)
    ("dual_manager", "c1", "rep_y", False),  # another team's, cannot view
    ("dual_manager", "c1", "far_manager", False),  # another team's manager, cannot view
    ("dual_manager", "c1", "y_support_manager", True),  # outside their teams, may view (support directory)
    ("dual_manager", "c1", "lone_owner", False),  # in no team, cannot view
    ("dual_manager", "c1", "inactive_mate", False),  # in their team, inactive
    ("dual_manager", "c1", "inactive_viewer", False),  # would view c1 (support), inactive
    ("dual_manager", "t1", "agent_x2", True),  # in their team
    ("dual_manager", "t1", "rep_y", False),
    ("dual_manager", "t1", "agent_y", False),  # another queue's member, cannot view t1
    ("dual_manager", "t1", "inactive_mate", False),
    ("far_manager", "c_far", "rep_y", True),
    ("far_manager", "c_far", "rep_x1", False),
    ("far_manager", "c_far", "rep_x2", False),
    ("far_manager", "c_far", "dual_manager", True),  # manages a support team: the support directory
    ("dual_manager", "t1", "y_support_manager", False),  # another queue's manager
    ("root", "c1", "lone_owner", True),  # an admin sees every user
    ("root", "c1", "rep_y", True),
    ("root", "c1", "inactive_mate", False),
    ("root", "t1", "inactive_viewer", False),
]


@pytest.fixture
def people(world):
    """The world's users, and two inactive ones: a member of Sales X and a support rep of Support X."""
    users = dict(world.users)
    users["inactive_mate"] = UserFactory(
        username="inactive_mate", role="sales", first_name="Inactive", last_name="Mate"
    )
    world.teams["sales_x"].memberships.create(user=users["inactive_mate"])
    users["inactive_viewer"] = UserFactory(
        username="inactive_viewer", role="support", first_name="Inactive", last_name="Viewer"
    )
    world.teams["support_x"].memberships.create(user=users["inactive_viewer"])
    User.objects.filter(pk__in=[users["inactive_mate"].pk, users["inactive_viewer"].pk]).update(is_active=False)
    return users


def record_of(world, name):
    return world.tickets[name] if name.startswith("t") else world.customers[name]


def api_url(world, record):
    collection = "tickets" if record.startswith("t") else "customers"
    return f"/api/v1/{collection}/{record_of(world, record).pk}/access/"


def portal_url(world, record):
    kind = "ticket" if record.startswith("t") else "customer"
    return f"/access/{kind}/{record_of(world, record).pk}/"


def case_id(value) -> str:
    # Sets print in a different order in each process: pytest-xdist's workers must collect the same ids.
    return ",".join(sorted(value)) if isinstance(value, set | frozenset) else str(value)


@pytest.mark.parametrize(("asker", "record", "asked", "explained"), NAMED_CASES, ids=case_id)
def test_the_api_explains_only_whom_it_must(world, people, api, asker, record, asked, explained):
    client = api.as_user(people[asker])
    user = people[asked]
    response = client.get(api_url(world, record), {"user": str(user.pk)})
    missing = client.get(api_url(world, record), {"user": "999999"})
    assert missing.status_code == 400
    if explained:
        assert response.status_code == 200
        [entry] = response.json()["users"]
        assert entry["user"]["username"] == asked
    else:
        assert response.status_code == missing.status_code
        assert response.content == missing.content
        body = response.content.decode()
        assert asked not in body
        assert user.first_name not in body
        assert user.role not in body


@pytest.mark.parametrize("value", MISSING_IDS)
@pytest.mark.parametrize(("asker", "record"), [("dual_manager", "c1"), ("dual_manager", "t1"), ("root", "c1")])
def test_the_api_answers_every_other_value_like_a_missing_id(world, people, api, asker, record, value):
    client = api.as_user(people[asker])
    response = client.get(api_url(world, record), {"user": value})
    assert response.status_code == 400
    assert response.json() == {"user": ["No such user among those you may ask about."]}


@pytest.mark.parametrize(("asker", "record", "asked", "explained"), NAMED_CASES, ids=case_id)
def test_the_portal_explains_only_whom_it_must(world, people, portal, asker, record, asked, explained):
    client = portal.as_user(people[asker])
    user = people[asked]
    response = client.get(portal_url(world, record), {"user": str(user.pk)})
    assert response.status_code == 200
    html = response.content.decode()
    if explained:
        assert 'data-testid="asked-user"' in html
        assert 'data-testid="no-such-user"' not in html
    else:
        missing = client.get(portal_url(world, record), {"user": "999999"}).content.decode()
        assert 'data-testid="asked-user"' not in html
        assert 'data-testid="no-such-user"' in html
        assert _without_csrf(html) == _without_csrf(missing)
        assert asked not in html
        assert f"{user.first_name} {user.last_name}" not in html


@pytest.mark.parametrize("value", MISSING_IDS)
def test_the_portal_answers_every_other_value_like_a_missing_id(world, people, portal, value):
    client = portal.as_user(people["dual_manager"])
    response = client.get(portal_url(world, "c1"), {"user": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="no-such-user"' in html
    assert 'data-testid="asked-user"' not in html


def _without_csrf(html: str) -> str:
    return re.sub(r'"[A-Za-z0-9_+/=-]{20,}"', '""', html)  # the CSRF token and the CSP nonce differ per request


PICKER_CASES = [
    # asker, record, offered (exactly)
    (
        "dual_manager",
        "c1",
        {"dual_manager", "rep_x1", "rep_x2", "agent_x1", "agent_x2", "agent_y", "y_support_manager", "root"},
    ),
    ("dual_manager", "t1", {"dual_manager", "rep_x1", "rep_x2", "agent_x1", "agent_x2", "root"}),
    (
        "far_manager",
        "c_far",
        {"far_manager", "rep_y", "root", "dual_manager", "agent_x1", "agent_x2", "agent_y", "y_support_manager"},
    ),
]


@pytest.mark.parametrize(("asker", "record", "offered"), PICKER_CASES, ids=case_id)
def test_the_portal_picker_offers_only_whom_it_may(world, people, portal, asker, record, offered):
    html = portal.as_user(people[asker]).get(portal_url(world, record)).content.decode()
    picker = html[html.index('<select name="user">') : html.index("</select>")]
    values = set(re.findall(r'<option value="(\d+)"', picker))
    by_pk = {str(user.pk): name for name, user in people.items()}
    assert {by_pk[value] for value in values} == offered
    for name in ("inactive_mate", "inactive_viewer", "lone_owner"):
        assert name not in picker


def test_an_admin_is_offered_every_active_user(world, people, portal):
    html = portal.as_user(people["root"]).get(portal_url(world, "c1")).content.decode()
    picker = html[html.index('<select name="user">') : html.index("</select>")]
    assert "lone_owner" in picker
    assert "inactive_mate" not in picker
