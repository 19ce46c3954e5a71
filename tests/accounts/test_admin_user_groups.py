"""Django admin's user page has one control for where a user stands: Role and Team. Their groups
follow from those (shown read-only); a raw Groups control that could put a user in a team's
group, contradicting their team, is gone, and a raw group row grants nothing."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import TeamMembership
from accounts.roles import role_group_name

pytestmark = pytest.mark.django_db


def admin_client(admin) -> Client:
    client = Client()
    client.force_login(admin, backend="accounts.backends.RoleModelBackend")
    return client


def change_form(user, *, team) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "team": team.pk if team else "",
        "is_active": "on",
        "_save": "Save",
    }


def test_the_change_page_shows_no_groups_control_and_the_derived_groups(org, admin, sales_rep, sales_team):
    page = admin_client(admin).get(f"/admin/accounts/user/{sales_rep.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="groups"' not in html
    assert 'name="team"' in html
    assert role_group_name(sales_rep.role) in html
    assert sales_team.group.name in html


@pytest.mark.parametrize("group", ["other_team", "admin_role"])
def test_posting_raw_groups_changes_nothing(org, admin, sales_rep, sales_team, other_team, group):
    raw = other_team.group if group == "other_team" else Group.objects.get(name=role_group_name("admin"))
    data = change_form(sales_rep, team=sales_team) | {"groups": [raw.pk]}
    response = admin_client(admin).post(f"/admin/accounts/user/{sales_rep.pk}/change/", data)
    assert response.status_code == 302
    assert not sales_rep.groups.exists()
    assert TeamMembership.objects.get(user=sales_rep).team == sales_team


def test_the_team_select_moves_the_user_and_so_their_team_group(org, admin, sales_rep, other_team):
    response = admin_client(admin).post(
        f"/admin/accounts/user/{sales_rep.pk}/change/", change_form(sales_rep, team=other_team)
    )
    assert response.status_code == 302
    assert TeamMembership.objects.get(user=sales_rep).team == other_team
    page = admin_client(admin).get(f"/admin/accounts/user/{sales_rep.pk}/change/").content.decode()
    assert other_team.group.name in page


def test_a_raw_group_row_grants_no_model_permission(org, sales_rep):
    """A row left in the raw user-groups table (say, from before) is not one of the user's groups."""
    sales_rep.groups.add(Group.objects.get(name=role_group_name("admin")))
    sales_rep = type(sales_rep).objects.get(pk=sales_rep.pk)
    assert not sales_rep.has_perm("accounts.change_user")
    assert not sales_rep.has_perm("auth.change_group")
