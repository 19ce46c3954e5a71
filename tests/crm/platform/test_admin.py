"""Django admin is the admins' tool: every page of it opens for an admin and is closed to every other
role; users with their role and team, teams with members, SLA policies, shares and object permissions
on customers (guardian's pages, searchable), and the audit trail (read-only, tested in test_history_access)."""

import pytest

from accounts.models import TeamMembership
from crm.customers.models import CustomerShare, CustomerUserObjectPermission
from crm.platform.audit.models import AuditEntry
from support.models import SlaPolicy
from tests.crm.scenario import share

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_pages(org, customer, sales_rep, other_rep, ticket, order, opportunity):
    user_share = share(customer, level="view", user=other_rep)
    team_share = share(customer, level="edit", team=org["other_team"])
    entry = AuditEntry.objects.filter(record_type="customer", record_id=customer.pk).first()
    return [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/?q=sales&role__exact=sales",
        f"/admin/accounts/user/?team_membership__team__id__exact={org['sales_team'].pk}",
        f"/admin/accounts/user/{sales_rep.pk}/change/",
        "/admin/accounts/team/",
        "/admin/accounts/team/add/",
        f"/admin/accounts/team/{org['sales_team'].pk}/change/",
        "/admin/support/slapolicy/",
        f"/admin/support/slapolicy/{SlaPolicy.objects.first().pk}/change/",
        "/admin/crm/customer/?q=Customer",
        f"/admin/crm/customer/{customer.pk}/change/",
        f"/admin/crm/customer/{customer.pk}/permissions/",
        f"/admin/crm/customer/{customer.pk}/permissions/user-manage/{other_rep.pk}/",
        f"/admin/crm/customer/{customer.pk}/permissions/group-manage/{org['other_team'].group_id}/",
        "/admin/crm/customershare/?q=other_rep",
        f"/admin/crm/customershare/{user_share.pk}/change/",
        f"/admin/crm/customershare/{team_share.pk}/change/",
        "/admin/crm/customeruserobjectpermission/?q=other_rep",
        f"/admin/crm/customeruserobjectpermission/{user_share.user_grant_id}/change/",
        "/admin/crm/customergroupobjectpermission/?q=Sales",
        f"/admin/crm/customergroupobjectpermission/{team_share.team_grant_id}/change/",
        "/admin/crm/auditentry/",
        f"/admin/crm/auditentry/?q={customer.name}",
        f"/admin/crm/auditentry/?record_type=customer&record_id={customer.pk}",
        f"/admin/crm/auditentry/{entry.pk}/change/",
        f"/admin/support/ticket/{ticket.pk}/change/",
        f"/admin/sales/order/{order.pk}/change/",
        f"/admin/sales/opportunity/{opportunity.pk}/change/",
    ]


def test_every_admin_page_opens_for_an_admin(portal, admin, admin_pages):
    client = portal.as_user(admin)
    for url in admin_pages:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["sales_manager", "support_manager", "sales_rep", "support_rep", "outsider"])
def test_every_admin_page_is_closed_to_other_roles(request, portal, admin_pages, persona):
    client = portal.as_user(request.getfixturevalue(persona))
    for url in admin_pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_the_audit_trail_filters_by_record(portal, admin, customer, opportunity):
    listing = portal.as_user(admin).get(f"/admin/crm/auditentry/?record_type=customer&record_id={customer.pk}")
    html = listing.content.decode()
    assert "Customer C" in html
    assert "Deal P" not in html


class TestUsers:
    def form(self, user, **changes):
        data = {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user.role,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        }
        data.update(changes)
        return {name: value for name, value in data.items() if value is not None}

    def test_an_admin_moves_a_user_to_another_team(self, portal, admin, org, teammate):
        other_team = org["other_team"]
        response = portal.as_user(admin).post(
            f"/admin/accounts/user/{teammate.pk}/change/", self.form(teammate, team=other_team.pk)
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert TeamMembership.objects.get(user=teammate).team == other_team
        moves = AuditEntry.objects.filter(content_type__model="teammembership", actor=admin).order_by("id")
        assert [(e.action, e.record_id) for e in moves] == [
            (AuditEntry.Action.DELETE, org["sales_team"].pk),
            (AuditEntry.Action.CREATE, other_team.pk),
        ]

    def test_the_team_must_take_the_users_role(self, portal, admin, org, teammate):
        response = portal.as_user(admin).post(
            f"/admin/accounts/user/{teammate.pk}/change/", self.form(teammate, team=org["support_team"].pk)
        )
        assert response.status_code == 200
        assert "it takes users with the role support" in response.content.decode()
        assert TeamMembership.objects.get(user=teammate).team == org["sales_team"]

    def test_a_role_and_a_team_change_together(self, portal, admin, org, teammate):
        response = portal.as_user(admin).post(
            f"/admin/accounts/user/{teammate.pk}/change/",
            self.form(teammate, role="support", team=org["support_team"].pk),
        )
        assert response.status_code == 302
        teammate.refresh_from_db()
        assert (teammate.role, teammate.team_membership.team) == ("support", org["support_team"])
        role_change = AuditEntry.objects.get(content_type__model="user", object_id=teammate.pk, action=1)
        assert role_change.changes == {"role": ["sales", "support"]}

    def test_a_manager_of_a_team_keeps_the_role(self, portal, admin, org, sales_manager):
        response = portal.as_user(admin).post(
            f"/admin/accounts/user/{sales_manager.pk}/change/", self.form(sales_manager, role="sales", team="")
        )
        assert response.status_code == 200
        assert "manages a team" in response.content.decode()


def test_deleting_a_share_in_admin_takes_the_access_away(portal, admin, customer, other_rep):
    user_share = share(customer, level="view", user=other_rep)
    assert other_rep.has_perm("crm.view_customer", customer)
    response = portal.as_user(admin).post(f"/admin/crm/customershare/{user_share.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CustomerShare.objects.exists()
    assert not CustomerUserObjectPermission.objects.exists()
    customer = type(customer).objects.get(pk=customer.pk)
    assert not other_rep.has_perm("crm.view_customer", customer)


def test_a_grant_given_in_guardians_page_is_recorded(portal, admin, customer, other_rep):
    response = portal.as_user(admin).post(
        f"/admin/crm/customer/{customer.pk}/permissions/user-manage/{other_rep.pk}/",
        {"permissions": ["view_customer"]},
    )
    assert response.status_code == 302
    grant = CustomerUserObjectPermission.objects.get(user=other_rep, content_object=customer)
    entry = AuditEntry.objects.get(content_type__model="customeruserobjectpermission", object_id=grant.pk)
    assert (entry.actor, entry.via, entry.record_type, entry.record_id) == (admin, "admin", "customer", customer.pk)
