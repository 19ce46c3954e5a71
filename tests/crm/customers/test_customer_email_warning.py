"""Issue 11 point 18: a warning (never a refusal) when a customer's e-mail is already a customer's the
user can see, on create and edit, in the portal and the API; a customer they cannot see is never named."""

import pytest

from crm.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visible_twin(org, sales_rep):
    return CustomerFactory(owner=sales_rep, name="Acme Visible", email="desk@acme.test")


@pytest.fixture
def hidden_twin(org, other_rep):
    return CustomerFactory(owner=other_rep, name="Hidden Holdings", email="secret@hidden.test")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# API


@pytest.mark.parametrize("email", ["desk@acme.test", "DESK@ACME.test"])
def test_api_create_warns_of_a_visible_customer_with_the_email(api, sales_rep, visible_twin, email):
    response = api.as_user(sales_rep).post("/api/v1/customers/", {"name": "Acme Two", "email": email}, format="json")
    assert response.status_code == 201
    assert response.json()["warnings"] == [
        {
            "field": "email",
            "code": "email_in_use",
            "message": f"This e-mail is also the e-mail of a customer you can see: Acme Visible (#{visible_twin.pk}).",
            "customers": [visible_twin.pk],
        }
    ]
    assert Customer.objects.filter(name="Acme Two").exists()


def test_api_update_warns_and_saves(api, sales_rep, visible_twin):
    mine = CustomerFactory(owner=sales_rep, name="Mine", email="own@mine.test")
    response = api.as_user(sales_rep).patch(f"/api/v1/customers/{mine.pk}/", {"email": "desk@acme.test"}, format="json")
    assert response.status_code == 200
    assert [w["customers"] for w in response.json()["warnings"]] == [[visible_twin.pk]]
    mine.refresh_from_db()
    assert mine.email == "desk@acme.test"


def test_api_a_customer_is_not_its_own_twin(api, sales_rep, visible_twin):
    response = api.as_user(sales_rep).patch(f"/api/v1/customers/{visible_twin.pk}/", {"phone": "1"}, format="json")
    assert response.status_code == 200
    assert response.json()["warnings"] == []


@pytest.mark.parametrize("persona", ["sales_rep", "teammate", "sales_manager"])
def test_api_never_names_a_customer_the_user_cannot_see(api, request, hidden_twin, persona):
    response = api.as_user(request.getfixturevalue(persona)).post(
        "/api/v1/customers/", {"name": "New", "email": "secret@hidden.test"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["warnings"] == []
    assert "Hidden" not in response.content.decode()


def test_api_a_customer_sent_back_with_its_warnings_is_accepted(api, sales_rep, visible_twin):
    client = api.as_user(sales_rep)
    created = client.post("/api/v1/customers/", {"name": "Echo", "email": "desk@acme.test"}, format="json").json()
    body = {name: created[name] for name in ("name", "email", "phone", "industry", "warnings")}
    response = client.put(f"/api/v1/customers/{created['id']}/", body, format="json")
    assert response.status_code == 200


def test_api_reads_carry_no_warnings(api, sales_rep, visible_twin):
    response = api.as_user(sales_rep).get(f"/api/v1/customers/{visible_twin.pk}/")
    assert response.status_code == 200
    assert "warnings" not in response.json()


# Portal


def test_portal_create_saves_and_warns(portal, sales_rep, visible_twin):
    response = portal.as_user(sales_rep).post(
        "/customers/new/", {"name": "Acme Two", "email": "desk@acme.test"}, follow=True
    )
    assert response.status_code == 200
    assert "Saved, but desk@acme.test is also the e-mail of: Acme Visible." in messages_of(response)
    assert Customer.objects.filter(name="Acme Two").exists()


def test_portal_edit_saves_and_warns(portal, sales_rep, visible_twin):
    mine = CustomerFactory(owner=sales_rep, name="Mine", email="own@mine.test")
    response = portal.as_user(sales_rep).post(
        f"/customers/{mine.pk}/edit/",
        {"name": "Mine", "email": "desk@acme.test", "version": mine.version},
        follow=True,
    )
    assert response.status_code == 200
    assert "Saved, but desk@acme.test is also the e-mail of: Acme Visible." in messages_of(response)
    mine.refresh_from_db()
    assert mine.email == "desk@acme.test"


def test_portal_edit_form_shows_the_warning_in_the_form(portal, sales_rep, visible_twin):
    mine = CustomerFactory(owner=sales_rep, name="Mine", email="desk@acme.test")
    page = portal.as_user(sales_rep).get(f"/customers/{mine.pk}/edit/").content.decode()
    assert 'data-testid="email-warning"' in page
    assert "Acme Visible" in page


def test_portal_live_check_warns_in_the_form(portal, sales_rep, visible_twin):
    client = portal.as_user(sales_rep)
    form = client.get("/customers/new/").content.decode()
    assert 'hx-get="/customers/email-check/"' in form
    response = client.get("/customers/email-check/?email=desk@acme.test", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Acme Visible" in response.content.decode()
    own = client.get(f"/customers/email-check/?email=desk@acme.test&customer={visible_twin.pk}")
    assert "Acme Visible" not in own.content.decode()


@pytest.mark.parametrize("persona", ["sales_rep", "teammate", "sales_manager", "outsider"])
def test_portal_never_names_a_customer_the_user_cannot_see(portal, request, hidden_twin, persona):
    client = portal.as_user(request.getfixturevalue(persona))
    check = client.get("/customers/email-check/?email=secret@hidden.test")
    assert check.status_code == 200
    assert "Hidden Holdings" not in check.content.decode()
    assert 'data-testid="email-warning"' not in check.content.decode()


def test_portal_create_never_names_a_hidden_customer(portal, sales_rep, hidden_twin):
    response = portal.as_user(sales_rep).post(
        "/customers/new/", {"name": "New", "email": "secret@hidden.test"}, follow=True
    )
    assert response.status_code == 200
    assert not any("also the e-mail" in message for message in messages_of(response))
    assert "Hidden Holdings" not in response.content.decode()


def test_the_email_check_needs_a_login(client):
    response = client.get("/customers/email-check/?email=x@y.test")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("persona", "named"),
    [
        ("admin", True),
        ("other_manager", True),
        ("other_rep", True),
        ("other_rep_2", False),  # a teammate of the owner: not by itself
        ("support_manager", True),  # the support directory: every customer
        ("support_rep", True),
        ("sales_manager", False),
        ("sales_rep", False),
        ("teammate", False),
        ("outsider", False),
    ],
)
def test_the_warning_names_a_customer_exactly_to_those_who_may_view_it(portal, request, hidden_twin, persona, named):
    response = portal.as_user(request.getfixturevalue(persona)).get("/customers/email-check/?email=SECRET@hidden.test")
    assert response.status_code == 200
    assert ("Hidden Holdings" in response.content.decode()) is named
