"""ACCESS.md's invariants on users and teams, enforced by the services with clear errors."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts import services
from accounts.models import Role, Team, TeamKind
from accounts.roles import role_group_name
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_team_gets_its_own_group(admin, sales_manager, sales_rep):
    team = services.team_create(
        acting_user=admin, name="East", kind=TeamKind.SALES, manager=sales_manager, members=[sales_rep]
    )
    assert team.group.name == "Team: East"
    assert list(team.members.all()) == [sales_rep]


def test_the_manager_must_have_the_manager_role(admin, sales_rep):
    with pytest.raises(ValidationError) as error:
        services.team_create(acting_user=admin, name="East", kind=TeamKind.SALES, manager=sales_rep)
    assert "manager" in error.value.message_dict
    assert not Team.objects.filter(name="East").exists()
    assert not Group.objects.filter(name="Team: East").exists()


def test_members_must_match_the_kind(admin, sales_manager, support_rep):
    with pytest.raises(ValidationError) as error:
        services.team_create(
            acting_user=admin, name="East", kind=TeamKind.SALES, manager=sales_manager, members=[support_rep]
        )
    assert "support" in error.value.message_dict["members"][0]


def test_a_user_is_in_at_most_one_team(admin, sales_team, other_manager, sales_rep):
    with pytest.raises(ValidationError) as error:
        services.team_create(
            acting_user=admin, name="East", kind=TeamKind.SALES, manager=other_manager, members=[sales_rep]
        )
    assert "another team" in error.value.message_dict["members"][0]
    assert list(sales_team.members.order_by("username")) == sorted(sales_team.members.all(), key=lambda u: u.username)


def test_a_role_change_may_not_break_a_team(admin, sales_team, sales_rep, sales_manager):
    with pytest.raises(ValidationError):
        services.user_update(acting_user=admin, user=sales_rep, role=Role.SUPPORT)
    with pytest.raises(ValidationError):
        services.user_update(acting_user=admin, user=sales_manager, role=Role.SALES)
    sales_rep.refresh_from_db()
    assert sales_rep.role == Role.SALES


def test_only_admins_manage_teams(sales_manager, sales_rep):
    with pytest.raises(PermissionDenied):
        services.team_create(acting_user=sales_manager, name="East", kind=TeamKind.SALES, manager=sales_manager)


def test_a_superuser_is_always_an_admin(db):
    user = UserFactory(role=Role.SALES, is_superuser=True)
    assert user.role == Role.ADMIN
    assert user.is_staff


def test_only_admins_reach_django_admin(db):
    assert UserFactory(role=Role.ADMIN).is_staff
    assert not UserFactory(role=Role.MANAGER).is_staff


@pytest.mark.parametrize(
    ("role", "perm", "expected"),
    [
        (Role.ADMIN, "crm.change_customer", True),
        (Role.ADMIN, "accounts.change_team", True),
        (Role.ADMIN, "sales.view_order", True),
        (Role.ADMIN, "support.delete_ticket", True),
        # Model permissions are Django admin's, and only admins reach it: other roles hold none.
        (Role.MANAGER, "crm.delete_customer", False),
        (Role.SALES, "crm.add_customer", False),
        (Role.SUPPORT, "crm.view_customer", False),
    ],
)
def test_only_the_admin_role_group_carries_model_permissions(db, role, perm, expected):
    user = UserFactory(role=role)
    assert Group.objects.filter(name=role_group_name(role)).exists()
    assert user.has_perm(perm) is expected


def test_a_permission_left_on_another_role_group_grants_nothing(db):
    Group.objects.get(name=role_group_name(Role.SALES)).permissions.add(
        Permission.objects.get(content_type__app_label="crm", codename="add_customer")
    )
    assert not UserFactory(role=Role.SALES).has_perm("crm.add_customer")


DJANGO_ADMIN_PAGES = ["/admin/crm/customer/", "/admin/accounts/user/", "/admin/accounts/team/", "/admin/sales/order/"]


@pytest.mark.parametrize("page", DJANGO_ADMIN_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("admin_not_superuser", 200), ("sales_manager", 302), ("sales_rep", 302), ("support_rep", 302)],
)
def test_django_admin_reads_the_admin_role_group(db, request, page, persona, status):
    """Django admin is the one reader of model permissions: an admin who is not a superuser passes its
    checks through the admin role's group; every other role is sent to its log-in page."""
    if persona == "admin_not_superuser":
        user = UserFactory(username="plain_admin", role=Role.ADMIN)
        assert not user.is_superuser
    else:
        user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user, backend="accounts.backends.RoleModelBackend")
    response = client.get(page)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")


def test_team_update_replaces_members(admin, sales_team, sales_rep, teammate, outsider):
    services.team_update(acting_user=admin, team=sales_team, members=[teammate, outsider])
    assert set(sales_team.members.all()) == {teammate, outsider}


def test_deleting_a_team_deletes_its_group(admin, sales_team):
    group_id = sales_team.group_id
    services.team_delete(acting_user=admin, team=sales_team)
    assert not Group.objects.filter(pk=group_id).exists()


def test_factory_team_has_members(db):
    rep = UserFactory(role=Role.SALES)
    team = TeamFactory(members=[rep])
    assert team.manager.role == Role.MANAGER
    assert list(team.members.all()) == [rep]
