"""ACCESS.md, "Customer C": every relation × action through the API (token auth, full URL stack)."""

import pytest

from crm.customers.models import Customer, CustomerShare
from tests.crm.scenario import CHANGE, DELETE, EXPECTED, REASSIGN, RELATIONS, SHARE, VIEW, arrange

pytestmark = pytest.mark.django_db


def refused_status(allowed: set[str], relation_name: str) -> int:
    if relation_name == "anonymous":
        return 401
    return 403 if VIEW in allowed else 404


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda r: r.name)
class TestCustomerApiAccess:
    def test_list(self, relation, request, api, customer):
        user = arrange(relation, request, customer)
        response = api.as_user(user).get("/api/v1/customers/")
        if relation.actor is None:
            assert response.status_code == 401
            return
        listed = [row["id"] for row in response.json()["results"]]
        assert (customer.pk in listed) == (VIEW in EXPECTED[relation.name])

    def test_search_and_filter(self, relation, request, api, customer):
        user = arrange(relation, request, customer)
        response = api.as_user(user).get("/api/v1/customers/", {"search": "Customer C", "owner": customer.owner_id})
        if relation.actor is None:
            assert response.status_code == 401
            return
        assert len(response.json()["results"]) == (1 if VIEW in EXPECTED[relation.name] else 0)

    def test_detail(self, relation, request, api, customer):
        user = arrange(relation, request, customer)
        response = api.as_user(user).get(f"/api/v1/customers/{customer.pk}/")
        allowed = EXPECTED[relation.name]
        if VIEW in allowed:
            assert response.status_code == 200
            assert response.json()["name"] == "Customer C"
        else:
            assert response.status_code == refused_status(allowed, relation.name)
            assert "Customer C" not in response.content.decode()

    def test_change(self, relation, request, api, customer):
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"/api/v1/customers/{customer.pk}/", {"name": "Renamed"})
        allowed = EXPECTED[relation.name]
        customer.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 200
            assert customer.name == "Renamed"
            assert customer.version == 2
        else:
            assert response.status_code == refused_status(allowed, relation.name)
            assert customer.name == "Customer C"
            assert customer.version == 1

    def test_delete(self, relation, request, api, customer):
        user = arrange(relation, request, customer)
        response = api.as_user(user).delete(f"/api/v1/customers/{customer.pk}/")
        allowed = EXPECTED[relation.name]
        if DELETE in allowed:
            assert response.status_code == 204
            assert not Customer.objects.filter(pk=customer.pk).exists()
        else:
            assert response.status_code == refused_status(allowed, relation.name)
            assert Customer.objects.filter(pk=customer.pk).exists()

    def test_reassign(self, relation, request, api, customer, teammate):
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"/api/v1/customers/{customer.pk}/", {"owner": teammate.pk})
        allowed = EXPECTED[relation.name]
        customer.refresh_from_db()
        if REASSIGN in allowed:
            assert response.status_code == 200
            assert customer.owner == teammate
        else:
            assert response.status_code == refused_status(allowed, relation.name)
            assert customer.owner.username == "sales_rep"

    def test_share(self, relation, request, api, customer, outsider):
        user = arrange(relation, request, customer)
        before = CustomerShare.objects.count()
        response = api.as_user(user).post(
            f"/api/v1/customers/{customer.pk}/shares/", {"user": outsider.pk, "level": "view"}
        )
        allowed = EXPECTED[relation.name]
        if SHARE in allowed:
            assert response.status_code == 201
            assert CustomerShare.objects.filter(customer=customer, user=outsider, level="view").exists()
        else:
            assert response.status_code == refused_status(allowed, relation.name)
            assert CustomerShare.objects.count() == before

    def test_unshare(self, relation, request, api, customer, outsider):
        from tests.crm.scenario import share

        user = arrange(relation, request, customer)
        existing = share(customer, level="view", user=outsider)
        response = api.as_user(user).delete(f"/api/v1/customers/{customer.pk}/shares/{existing.pk}/")
        allowed = EXPECTED[relation.name]
        if SHARE in allowed:
            assert response.status_code == 204
            assert not CustomerShare.objects.filter(pk=existing.pk).exists()
        else:
            assert response.status_code == refused_status(allowed, relation.name)
            assert CustomerShare.objects.filter(pk=existing.pk).exists()

    def test_has_perm_agrees(self, relation, request, customer):
        """Django's has_perm (used by admin, DRF and templates) answers from the same policy."""
        user = arrange(relation, request, customer)
        if user is None:
            return
        for action in (VIEW, CHANGE, DELETE, REASSIGN, SHARE):
            fresh = Customer.objects.get(pk=customer.pk)
            assert user.has_perm(f"crm.{action}_customer", fresh) == (action in EXPECTED[relation.name]), action
