"""Team reassignment answers every user who is not a member of the team with the same words and
status (issue 11, point 5): an existing non-member (another team's member, a user in no team,
the team's own manager, an inactive user, a member of the manager's other team), an id that names
nobody, and a value that is no id, in both `from_user` and `to_user`, through the API and the
portal form, for the team's manager and for an admin. Nothing moves."""

import re

import pytest

from accounts.models import User
from tests.factories import UserFactory

from .test_reassignment import reassign_url, snapshot

pytestmark = pytest.mark.django_db

NOT_A_MEMBER = "Not a member of this team."

# Who is named, as the world of conftest.py knows them (sales_x: rep_x1, rep_x2, managed by dual_manager).
NAMED = ["rep_y", "lone_owner", "agent_x1", "dual_manager", "far_manager", "root", "inactive_outsider", "inactive_y"]
UNNAMED = [999_999, "999999", "abc", -1, 0, "0", 2**70, "1e3", 1.5, True, None, [], {}]


@pytest.fixture
def people(world):
    users = dict(world.users)
    users["inactive_outsider"] = UserFactory(username="inactive_outsider", role="sales")
    users["inactive_y"] = UserFactory(username="inactive_y", role="sales")
    world.teams["sales_y"].memberships.create(user=users["inactive_y"])
    User.objects.filter(username__in=["inactive_outsider", "inactive_y"]).update(is_active=False)
    return users


def values(people) -> list[tuple[str, object]]:
    return [(name, people[name].pk) for name in NAMED] + [(repr(value), value) for value in UNNAMED]


def body_for(people, field, value) -> dict:
    """A valid move from rep_x1 to rep_x2, with `field` replaced by `value`."""
    return {"from_user": people["rep_x1"].pk, "to_user": people["rep_x2"].pk, field: value}


@pytest.mark.parametrize("actor", ["dual_manager", "root"])
@pytest.mark.parametrize("field", ["from_user", "to_user"])
def test_the_api_answers_every_non_member_alike(world, people, api, actor, field):
    client = api.as_user(people[actor])
    url = reassign_url(world.teams["sales_x"])
    before = snapshot()
    answers = {}
    for label, value in values(people):
        response = client.post(url, body_for(people, field, value), format="json")
        answers[label] = (response.status_code, response.json())
    assert {label: answer for label, answer in answers.items() if answer != (400, {field: [NOT_A_MEMBER]})} == {}
    assert snapshot() == before


@pytest.mark.parametrize("actor", ["dual_manager", "root"])
@pytest.mark.parametrize("field", ["from_user", "to_user"])
def test_the_portal_answers_every_non_member_alike(world, people, portal, actor, field):
    client = portal.as_user(people[actor])
    url = f"/teams/{world.teams['sales_x'].pk}/reassign/"
    before = snapshot()
    pages = {}
    for label, value in values(people):
        if value in ([], {}) or value is None:
            continue  # a form posts strings
        data = body_for(people, field, str(value)) | {"kinds": ["customers"]}
        response = client.post(url, data)
        assert response.status_code == 400, label
        html = response.content.decode()
        assert NOT_A_MEMBER in html, label
        pages[label] = _stable(html)
    assert len(set(pages.values())) == 1, [label for label in pages if pages[label] != pages["999999"]]
    assert snapshot() == before


def test_both_fields_wrong_name_both(world, people, api):
    response = api.as_user(people["dual_manager"]).post(
        reassign_url(world.teams["sales_x"]), {"from_user": people["rep_y"].pk, "to_user": 999_999}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"from_user": [NOT_A_MEMBER], "to_user": [NOT_A_MEMBER]}


def _stable(html: str) -> str:
    return re.sub(r'"[A-Za-z0-9_+/=-]{20,}"', '""', html)  # the CSRF token and the CSP nonce differ per request
