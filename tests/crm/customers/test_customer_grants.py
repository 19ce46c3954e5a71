"""Issue 11, points 7 and 8: grants made in Django admin, where shares are managed.

- Only view, change (both as shares) and the admin-only share_customer may be granted on one
  customer; delete_customer and reassign_customer are not (they follow the hierarchy), so no
  grant gives a right the owner's manager would not give, and a form never shows what the
  submit refuses (point 7).
- The owner and the owner's manager see every grant on their customer (who, what, since
  when, by whom) on the Sharing page and at /api/v1/customers/{id}/grants/, and revoke what
  they could have made; admin-only grants are labelled and revoked by admins only (point 8).
"""

import pytest
from django.contrib.auth.models import Permission
from guardian.shortcuts import assign_perm

from crm.customers.models import CustomerShare, CustomerUserObjectPermission
from tests.crm.scenario import share
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def customer_permission(codename):
    return Permission.objects.get(content_type__app_label="crm", codename=codename)


def admin_grant_page(portal, admin, customer, user):
    return f"/admin/crm/customer/{customer.pk}/permissions/user-manage/{user.pk}/"


# Point 7 ---------------------------------------------------------------------------------------


def test_django_admin_offers_only_grantable_permissions(portal, admin, customer, other_rep):
    client = portal.as_user(admin)
    page = client.get(admin_grant_page(portal, admin, customer, other_rep))
    assert page.status_code == 200
    offered = {value for value, _ in page.context["form"].fields["permissions"].choices}
    assert offered == {"view_customer", "change_customer", "share_customer"}
    add = client.get("/admin/crm/customeruserobjectpermission/add/")
    assert add.status_code == 200
    assert set(add.context["adminform"].form.fields["permission"].queryset.values_list("codename", flat=True)) == {
        "view_customer",
        "change_customer",
        "share_customer",
    }


@pytest.mark.parametrize("codename", ["reassign_customer", "delete_customer", "add_customer"])
def test_django_admin_refuses_a_grant_that_is_not_grantable(portal, admin, customer, other_rep, codename):
    client = portal.as_user(admin)
    response = client.post(admin_grant_page(portal, admin, customer, other_rep), {"permissions": [codename]})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(
        "/admin/crm/customeruserobjectpermission/add/",
        {"content_object": customer.pk, "user": other_rep.pk, "permission": customer_permission(codename).pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not CustomerUserObjectPermission.objects.filter(content_object=customer).exists()


@pytest.mark.parametrize("codename", ["reassign_customer", "delete_customer"])
def test_an_old_reassign_or_delete_grant_gives_nothing(codename, api, portal, customer, sales_rep, other_rep):
    """A row left from before (the migration drops them; one made behind its back still grants nothing)."""
    share(customer, level="view", user=other_rep)
    CustomerUserObjectPermission.objects.create(
        content_object=customer, user=other_rep, permission=customer_permission(codename)
    )
    assert not other_rep.has_perm(f"crm.{codename}", customer)
    client = portal.as_user(other_rep)
    detail = client.get(f"/customers/{customer.pk}/")
    assert detail.status_code == 200
    assert f"/customers/{customer.pk}/reassign/" not in detail.text
    assert f"/customers/{customer.pk}/delete/" not in detail.text
    assert client.get(f"/customers/{customer.pk}/reassign/").status_code == 403
    assert client.post(f"/customers/{customer.pk}/reassign/", {"owner": other_rep.pk, "version": 1}).status_code == 403
    assert client.post(f"/customers/{customer.pk}/delete/").status_code == 403
    api.as_user(other_rep)
    assert api.patch(f"/api/v1/customers/{customer.pk}/", {"owner": other_rep.pk}, format="json").status_code == 403
    assert api.delete(f"/api/v1/customers/{customer.pk}/").status_code == 403
    customer.refresh_from_db()
    assert customer.owner_id == sales_rep.pk


# Point 8 ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_grants(portal, admin, customer, other_rep, other_rep_2, org):
    """Grants an admin made on the customer's object-permission pages in Django admin."""
    client = portal.as_user(admin)
    response = client.post(admin_grant_page(portal, admin, customer, other_rep), {"permissions": ["share_customer"]})
    assert response.status_code == 302
    response = client.post(
        admin_grant_page(portal, admin, customer, other_rep_2), {"permissions": ["view_customer", "change_customer"]}
    )
    assert response.status_code == 302
    group = org["other_team"].group
    response = client.post(
        f"/admin/crm/customer/{customer.pk}/permissions/group-manage/{group.pk}/", {"permissions": ["view_customer"]}
    )
    assert response.status_code == 302
    client.logout()


def test_admin_grants_are_stored_as_shares_and_grants_with_who_and_when(customer, admin, admin_grants, other_rep_2):
    edit_share = CustomerShare.objects.get(customer=customer, user=other_rep_2)
    assert edit_share.level == "edit"
    assert edit_share.shared_by == admin
    share_grant = CustomerUserObjectPermission.objects.get(
        content_object=customer, permission__codename="share_customer"
    )
    assert share_grant.granted_by == admin
    assert share_grant.granted_at is not None


@pytest.mark.parametrize("viewer", ["sales_rep", "sales_manager", "admin"])
def test_owner_manager_and_admin_see_every_grant_in_the_api(request, api, customer, admin_grants, admin, viewer):
    user = request.getfixturevalue(viewer)
    response = api.as_user(user).get(f"/api/v1/customers/{customer.pk}/grants/")
    assert response.status_code == 200
    rows = {
        (row["holder_type"], row["user"] or row["team"], row["permission"]): row for row in response.json()["results"]
    }
    other_rep, other_rep_2 = request.getfixturevalue("other_rep"), request.getfixturevalue("other_rep_2")
    team = request.getfixturevalue("org")["other_team"]
    assert set(rows) == {
        ("user", other_rep.pk, "share_customer"),
        ("user", other_rep_2.pk, "change_customer"),
        ("team", team.pk, "view_customer"),
    }
    for row in rows.values():
        assert row["granted_by"] == admin.pk
        assert row["granted_at"]
    admin_only = rows[("user", other_rep.pk, "share_customer")]
    assert admin_only["admin_only"] is True
    assert admin_only["share"] is None
    assert admin_only["revocable"] is (viewer == "admin")
    edit = rows[("user", other_rep_2.pk, "change_customer")]
    assert edit["admin_only"] is False
    assert edit["level"] == "edit"
    assert edit["revocable"] is True
    assert edit["share"] == CustomerShare.objects.get(customer=customer, user=other_rep_2).pk


@pytest.mark.parametrize("viewer", ["sales_rep", "sales_manager"])
def test_owner_and_manager_see_every_grant_on_the_sharing_page(request, portal, customer, admin_grants, viewer):
    page = portal.as_user(request.getfixturevalue(viewer)).get(f"/customers/{customer.pk}/shares/")
    assert page.status_code == 200
    text = page.text
    assert "Share and unshare" in text
    assert "admin grant" in text
    assert "Only an admin may revoke it." in text
    assert "Team Sales B" in text
    grants = page.context["grants"]
    assert len(grants) == 3
    assert {grant.granted_by_name for grant in grants} == {request.getfixturevalue("admin").display_name}
    share_grant = next(grant for grant in grants if grant.permission == "share_customer")
    assert f"/customers/{customer.pk}/grants/{share_grant.id}/revoke/" not in text


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("teammate", 404), ("support_manager", 403), ("support_rep", 403), ("outsider", 404), ("other_rep_2", 403)],
)
def test_grants_are_listed_only_to_those_who_may_share(request, api, portal, customer, admin_grants, viewer, status):
    user = request.getfixturevalue(viewer)
    assert api.as_user(user).get(f"/api/v1/customers/{customer.pk}/grants/").status_code == status
    assert portal.as_user(user).get(f"/customers/{customer.pk}/shares/").status_code == status


@pytest.mark.parametrize("actor", ["sales_rep", "sales_manager", "other_rep"])
def test_an_admin_only_grant_is_not_revoked_by_others(request, api, portal, customer, admin_grants, actor):
    grant = CustomerUserObjectPermission.objects.get(content_object=customer, permission__codename="share_customer")
    user = request.getfixturevalue(actor)
    assert api.as_user(user).delete(f"/api/v1/customers/{customer.pk}/grants/user-{grant.pk}/").status_code == 403
    assert portal.as_user(user).post(f"/customers/{customer.pk}/grants/user-{grant.pk}/revoke/").status_code == 403
    assert CustomerUserObjectPermission.objects.filter(pk=grant.pk).exists()


def test_an_admin_revokes_an_admin_only_grant(api, customer, admin_grants, admin, other_rep):
    grant = CustomerUserObjectPermission.objects.get(content_object=customer, permission__codename="share_customer")
    assert api.as_user(admin).delete(f"/api/v1/customers/{customer.pk}/grants/user-{grant.pk}/").status_code == 204
    assert not CustomerUserObjectPermission.objects.filter(pk=grant.pk).exists()
    assert not other_rep.has_perm("crm.share_customer", customer)


@pytest.mark.parametrize("actor", ["sales_rep", "sales_manager"])
def test_owner_and_manager_revoke_an_admins_share(request, portal, customer, admin_grants, other_rep_2, actor):
    edit_share = CustomerShare.objects.get(customer=customer, user=other_rep_2)
    response = portal.as_user(request.getfixturevalue(actor)).post(
        f"/customers/{customer.pk}/shares/{edit_share.pk}/delete/"
    )
    assert response.status_code == 302
    assert not CustomerShare.objects.filter(pk=edit_share.pk).exists()
    assert not CustomerUserObjectPermission.objects.filter(content_object=customer, user=other_rep_2).exists()


def test_owner_revokes_an_old_view_grant_that_backs_no_share(api, portal, customer, sales_rep, outsider):
    """A view grant made before grants were shares: listed, labelled, and revocable by the owner."""
    grant = assign_perm("crm.view_customer", outsider, customer)
    page = portal.as_user(sales_rep).get(f"/customers/{customer.pk}/shares/")
    assert "granted in Django admin" in page.text
    assert f"/customers/{customer.pk}/grants/user-{grant.pk}/revoke/" in page.text
    response = portal.as_user(sales_rep).post(f"/customers/{customer.pk}/grants/user-{grant.pk}/revoke/")
    assert response.status_code == 302
    assert not CustomerUserObjectPermission.objects.filter(pk=grant.pk).exists()


@pytest.mark.parametrize("grant_id", ["user-999999", "team-1", "user-x", "user-" + "9" * 40, "x-1"])
def test_an_unknown_grant_is_404(api, portal, customer, sales_rep, grant_id):
    assert api.as_user(sales_rep).delete(f"/api/v1/customers/{customer.pk}/grants/{grant_id}/").status_code == 404
    assert portal.as_user(sales_rep).post(f"/customers/{customer.pk}/grants/{grant_id}/revoke/").status_code == 404


def test_a_grant_on_another_customer_is_404(api, customer, sales_rep, other_rep, other_manager):
    elsewhere = CustomerFactory(owner=other_rep)
    grant = assign_perm("crm.view_customer", other_manager, elsewhere)
    response = api.as_user(sales_rep).delete(f"/api/v1/customers/{customer.pk}/grants/user-{grant.pk}/")
    assert response.status_code == 404
    assert CustomerUserObjectPermission.objects.filter(pk=grant.pk).exists()


def test_the_grants_list_does_not_grow_its_queries_with_its_rows(api, portal, customer, sales_rep):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    def counts():
        with CaptureQueriesContext(connection) as api_queries:
            assert api.as_user(sales_rep).get(f"/api/v1/customers/{customer.pk}/grants/").status_code == 200
        with CaptureQueriesContext(connection) as page_queries:
            assert portal.as_user(sales_rep).get(f"/customers/{customer.pk}/shares/").status_code == 200
        return len(api_queries), len(page_queries)

    share(customer, level="view", user=UserFactory())
    counts()  # the first requests also make the token and the session
    few = counts()
    for _ in range(8):
        share(customer, level="edit", user=UserFactory())
        assign_perm("crm.share_customer", UserFactory(), customer)
    assert counts() == few


def test_a_grant_added_on_the_grant_admin_page_records_who_and_when(portal, admin, customer, other_rep):
    response = portal.as_user(admin).post(
        "/admin/crm/customeruserobjectpermission/add/",
        {"content_object": customer.pk, "user": other_rep.pk, "permission": customer_permission("share_customer").pk},
    )
    assert response.status_code == 302
    grant = CustomerUserObjectPermission.objects.get(content_object=customer, user=other_rep)
    assert grant.permission.codename == "share_customer"
    assert grant.granted_by == admin
    response = portal.as_user(admin).post(
        "/admin/crm/customeruserobjectpermission/add/",
        {"content_object": customer.pk, "user": other_rep.pk, "permission": customer_permission("view_customer").pk},
    )
    assert response.status_code == 302
    assert CustomerShare.objects.get(customer=customer, user=other_rep).shared_by == admin


def test_owner_revokes_an_old_team_grant_and_is_asked_about_its_members_records(api, org, customer, sales_rep):
    from sales.models import Opportunity
    from tests.sales.factories import OpportunityFactory

    team = org["other_team"]
    grant = assign_perm("crm.view_customer", team.group, customer)
    member = team.memberships.first().user
    opportunity = OpportunityFactory(customer=customer, owner=member)
    url = f"/api/v1/customers/{customer.pk}/grants/team-{grant.pk}/"
    response = api.as_user(sales_rep).delete(url)
    assert response.status_code == 409
    assert [row["id"] for row in response.json()["owned"]] == [opportunity.pk]
    assert api.as_user(sales_rep).delete(f"{url}?reassign_to={sales_rep.pk}").status_code == 204
    assert Opportunity.objects.get(pk=opportunity.pk).owner == sales_rep
    assert not team.group.customergroupobjectpermission_set.exists()
