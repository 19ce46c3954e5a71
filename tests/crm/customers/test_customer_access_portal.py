"""ACCESS.md, "Customer C": every relation × action through the portal (session, CSRF, middleware)."""

import pytest

from crm.customers.models import Customer, CustomerShare
from tests.crm.scenario import CHANGE, DELETE, EXPECTED, REASSIGN, RELATIONS, SHARE, VIEW, arrange

pytestmark = pytest.mark.django_db


def assert_refused(response, relation, allowed):
    if relation.actor is None:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == (403 if VIEW in allowed else 404)
        assert "Customer C" not in response.content.decode() or VIEW in allowed


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda r: r.name)
class TestCustomerPortalAccess:
    def test_list_and_search(self, relation, request, portal, customer):
        user = arrange(relation, request, customer)
        client = portal.as_user(user)
        for query in ({}, {"search": "Customer C"}):
            response = client.get("/customers/", query)
            if relation.actor is None:
                assert response.status_code == 302
                continue
            listed = f'data-customer-id="{customer.pk}"' in response.content.decode()
            assert listed == (VIEW in EXPECTED[relation.name])

    def test_detail_and_its_controls(self, relation, request, portal, customer):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).get(f"/customers/{customer.pk}/")
        allowed = EXPECTED[relation.name]
        if VIEW not in allowed:
            assert_refused(response, relation, allowed)
            return
        assert response.status_code == 200
        page = response.content.decode()
        assert (f"/customers/{customer.pk}/edit/" in page) == (CHANGE in allowed)
        assert ('data-testid="note-form"' in page) == (CHANGE in allowed)
        assert (f"/customers/{customer.pk}/delete/" in page) == (DELETE in allowed)
        assert (f"/customers/{customer.pk}/reassign/" in page) == (REASSIGN in allowed)
        assert (f"/customers/{customer.pk}/shares/" in page) == (SHARE in allowed)

    def test_change(self, relation, request, portal, customer):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).post(
            f"/customers/{customer.pk}/edit/", {"name": "Renamed", "version": customer.version}
        )
        allowed = EXPECTED[relation.name]
        customer.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 302
            assert customer.name == "Renamed"
        else:
            assert_refused(response, relation, allowed)
            assert customer.name == "Customer C"

    def test_add_note(self, relation, request, portal, customer):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).post(
            f"/customers/{customer.pk}/activities/", {"kind": "note", "body": "Hello"}, HTTP_HX_REQUEST="true"
        )
        allowed = EXPECTED[relation.name]
        if CHANGE in allowed:
            assert response.status_code == 200
            assert customer.activities.filter(body="Hello").exists()
        else:
            assert_refused(response, relation, allowed)
            assert not customer.activities.exists()

    def test_delete(self, relation, request, portal, customer):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).post(f"/customers/{customer.pk}/delete/")
        allowed = EXPECTED[relation.name]
        if DELETE in allowed:
            assert response.status_code == 302
            assert not Customer.objects.filter(pk=customer.pk).exists()
        else:
            assert_refused(response, relation, allowed)
            assert Customer.objects.filter(pk=customer.pk).exists()

    def test_reassign(self, relation, request, portal, customer, teammate):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).post(
            f"/customers/{customer.pk}/reassign/", {"owner": teammate.pk, "version": customer.version}
        )
        allowed = EXPECTED[relation.name]
        customer.refresh_from_db()
        if REASSIGN in allowed:
            assert response.status_code == 302
            assert customer.owner == teammate
        else:
            assert_refused(response, relation, allowed)
            assert customer.owner.username == "sales_rep"

    def test_share(self, relation, request, portal, customer, outsider):
        user = arrange(relation, request, customer)
        before = CustomerShare.objects.count()
        response = portal.as_user(user).post(
            f"/customers/{customer.pk}/shares/", {"username": outsider.username, "level": "edit"}
        )
        allowed = EXPECTED[relation.name]
        if SHARE in allowed:
            assert response.status_code == 302
            assert CustomerShare.objects.filter(customer=customer, user=outsider, level="edit").exists()
        else:
            assert_refused(response, relation, allowed)
            assert CustomerShare.objects.count() == before
