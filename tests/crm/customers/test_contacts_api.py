"""Contacts follow their customer's rules (ACCESS.md), through the API."""

import pytest

from crm.customers.models import Contact
from tests.crm.scenario import CHANGE, EXPECTED, RELATIONS, VIEW, arrange
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(org, sales_rep):
    return ContactFactory(customer=CustomerFactory(name="Customer C", owner=sales_rep), first_name="Carla")


def refused(relation, allowed):
    if relation.actor is None:
        return 401
    return 403 if VIEW in allowed else 404


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda r: r.name)
class TestContactAccess:
    def test_list_and_detail(self, relation, request, api, contact):
        user = arrange(relation, request, contact.customer)
        allowed = EXPECTED[relation.name]
        listing = api.as_user(user).get("/api/v1/contacts/")
        detail = api.get(f"/api/v1/contacts/{contact.pk}/")
        if relation.actor is None:
            assert listing.status_code == detail.status_code == 401
            return
        assert (contact.pk in [row["id"] for row in listing.json()["results"]]) == (VIEW in allowed)
        assert detail.status_code == (200 if VIEW in allowed else 404)

    def test_change(self, relation, request, api, contact):
        user = arrange(relation, request, contact.customer)
        allowed = EXPECTED[relation.name]
        response = api.as_user(user).patch(f"/api/v1/contacts/{contact.pk}/", {"first_name": "Changed"})
        contact.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 200
            assert contact.first_name == "Changed"
        else:
            assert response.status_code == refused(relation, allowed)
            assert contact.first_name == "Carla"

    def test_create(self, relation, request, api, contact):
        user = arrange(relation, request, contact.customer)
        allowed = EXPECTED[relation.name]
        response = api.as_user(user).post("/api/v1/contacts/", {"customer": contact.customer_id, "first_name": "New"})
        if CHANGE in allowed:
            assert response.status_code == 201
        elif relation.actor is None:
            assert response.status_code == 401
        else:
            # An invisible customer is answered like no customer (400); a visible one the user may not change, 403.
            assert response.status_code == (403 if VIEW in allowed else 400)
        assert Contact.objects.filter(first_name="New").exists() == (CHANGE in allowed)

    def test_delete(self, relation, request, api, contact):
        user = arrange(relation, request, contact.customer)
        allowed = EXPECTED[relation.name]
        response = api.as_user(user).delete(f"/api/v1/contacts/{contact.pk}/")
        if CHANGE in allowed:
            assert response.status_code == 204
        else:
            assert response.status_code == refused(relation, allowed)
        assert Contact.objects.filter(pk=contact.pk).exists() != (CHANGE in allowed)


def test_moving_a_contact_needs_change_on_both_customers(org, api, sales_rep, other_rep, support_rep):
    contact = ContactFactory(customer=CustomerFactory(owner=sales_rep))
    theirs = CustomerFactory(owner=other_rep)
    response = api.as_user(sales_rep).patch(f"/api/v1/contacts/{contact.pk}/", {"customer": theirs.pk})
    assert response.status_code == 400
    contact.refresh_from_db()
    assert contact.customer.owner == sales_rep


def test_a_stale_contact_version_is_409(org, api, sales_rep):
    contact = ContactFactory(customer=CustomerFactory(owner=sales_rep), first_name="A")
    assert (
        api.as_user(sales_rep).patch(f"/api/v1/contacts/{contact.pk}/", {"first_name": "B", "version": 1}).status_code
        == 200
    )
    assert api.patch(f"/api/v1/contacts/{contact.pk}/", {"first_name": "C", "version": 1}).status_code == 409
    contact.refresh_from_db()
    assert contact.first_name == "B"
