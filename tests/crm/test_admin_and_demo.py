"""Django admin for admins only, the panel registry, and the demo data command."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.models import Role, Team, User
from crm.customers import panels
from crm.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/accounts/user/?q=sales&role__exact=sales",
    "/admin/accounts/team/",
    "/admin/accounts/team/add/",
    "/admin/auth/group/",
    "/admin/crm/customer/",
    "/admin/crm/customer/?q=Acme",
    "/admin/crm/customershare/",
    "/admin/crm/customeruserobjectpermission/",
    "/admin/crm/customergroupobjectpermission/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_open_for_an_admin(org, portal, admin, url):
    assert portal.as_user(admin).get(url).status_code == 200


@pytest.mark.parametrize("persona", ["sales_rep", "sales_manager", "support_rep"])
def test_admin_is_closed_to_other_roles(org, portal, request, persona):
    response = portal.as_user(request.getfixturevalue(persona)).get("/admin/crm/customer/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_customer_admin_pages_for_a_record(org, portal, admin, sales_rep):
    customer = CustomerFactory(owner=sales_rep)
    client = portal.as_user(admin)
    assert client.get(f"/admin/crm/customer/{customer.pk}/change/").status_code == 200
    assert client.get(f"/admin/crm/customer/{customer.pk}/permissions/").status_code == 200


def test_the_team_admin_refuses_a_broken_invariant(org, portal, admin, sales_rep, support_rep):
    response = portal.as_user(admin).post(
        "/admin/accounts/team/add/",
        {"name": "East", "kind": "sales", "manager": sales_rep.pk, "members": [support_rep.pk]},
    )
    assert response.status_code == 200
    assert not Team.objects.filter(name="East").exists()
    assert "is not an active user with the role manager" in response.content.decode()


def test_a_registered_panel_shows_on_the_customer_page_for_whom_it_answers(org, portal, sales_rep, support_rep):
    customer = CustomerFactory(owner=sales_rep)

    def context(*, user, customer):
        return {"greeting": f"panel for {user.username}"} if user.role == Role.SALES else None

    panels.register_customer_panel(panels.CustomerPanel("test-panel", "Test panel", "tests/panel.html", 99, context))
    try:
        with override_settings(TEMPLATES=_templates_with_test_dir()):
            shown = portal.as_user(sales_rep).get(f"/customers/{customer.pk}/").content.decode()
            hidden = portal.as_user(support_rep).get(f"/customers/{customer.pk}/").content.decode()
    finally:
        panels._panels.pop("test-panel")
    assert "panel for sales_rep" in shown
    assert 'data-panel="test-panel"' not in hidden


def _templates_with_test_dir():
    from pathlib import Path

    from django.conf import settings

    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    return templates


def test_seed_demo_is_idempotent_and_prints_a_login_per_role(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Team.objects.count(), Customer.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Team.objects.count(), Customer.objects.count()) == counts
    output = capsys.readouterr().out
    for role in Role.values:
        assert f"  {role} " in output
    assert {u.role for u in User.objects.all()} == set(Role.values)
