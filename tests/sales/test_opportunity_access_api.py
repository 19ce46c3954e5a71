"""ACCESS.md, "Opportunity P": every relation × action through the API (token auth, full URL stack)."""

import pytest

from sales.models import Opportunity, Stage

from .factories import OpportunityFactory
from .scenario import (
    CHANGE,
    DELETE,
    OPPORTUNITY_EXPECTED,
    OPPORTUNITY_RELATIONS,
    REASSIGN,
    VIEW,
    arrange,
    owner_of,
    reassign_target,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/opportunities/"


@pytest.fixture
def opportunity_for(customer, request):
    def make(relation):
        return OpportunityFactory(name="Deal P", customer=customer, owner=owner_of(relation, request))

    return make


def refused_status(relation, allowed) -> int:
    if relation.actor is None:
        return 401
    return 403 if VIEW in allowed else 404


@pytest.mark.parametrize("relation", OPPORTUNITY_RELATIONS, ids=lambda r: r.name)
class TestOpportunityApiAccess:
    def test_list_search_and_filters(self, relation, request, api, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        user = arrange(relation, request, customer)
        queries = [{}, {"search": "Deal P"}, {"customer": customer.pk, "stage": "prospecting"}]
        for query in queries:
            response = api.as_user(user).get(URL, query)
            if relation.actor is None:
                assert response.status_code == 401
                continue
            listed = [row["id"] for row in response.json()["results"]]
            assert (opportunity.pk in listed) == (VIEW in OPPORTUNITY_EXPECTED[relation.name]), query

    def test_detail(self, relation, request, api, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        user = arrange(relation, request, customer)
        response = api.as_user(user).get(f"{URL}{opportunity.pk}/")
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        if VIEW in allowed:
            assert response.status_code == 200
            assert response.json()["name"] == "Deal P"
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert "Deal P" not in response.content.decode()

    def test_change(self, relation, request, api, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"{URL}{opportunity.pk}/", {"name": "Renamed", "amount": "5.00"})
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        opportunity.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 200
            assert (opportunity.name, str(opportunity.amount), opportunity.version) == ("Renamed", "5.00", 2)
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert (opportunity.name, str(opportunity.amount), opportunity.version) == ("Deal P", "1000.00", 1)

    def test_move_to_another_stage(self, relation, request, api, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"{URL}{opportunity.pk}/", {"stage": "won", "version": 1})
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        opportunity.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 200
            assert opportunity.stage == Stage.WON
            assert opportunity.won_at is not None
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert (opportunity.stage, opportunity.won_at) == (Stage.PROSPECTING, None)

    def test_delete(self, relation, request, api, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        user = arrange(relation, request, customer)
        response = api.as_user(user).delete(f"{URL}{opportunity.pk}/")
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        if DELETE in allowed:
            assert response.status_code == 204
            assert not Opportunity.objects.filter(pk=opportunity.pk).exists()
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert Opportunity.objects.filter(pk=opportunity.pk).exists()

    def test_reassign(self, relation, request, api, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        before = opportunity.owner
        target = reassign_target(relation, request)
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"{URL}{opportunity.pk}/", {"owner": target.pk})
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        opportunity.refresh_from_db()
        if REASSIGN in allowed:
            assert response.status_code == 200
            assert opportunity.owner == target
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert opportunity.owner == before

    def test_has_perm_agrees(self, relation, request, customer, opportunity_for):
        """Django's has_perm (admin, DRF, templates) answers from the same rules."""
        opportunity = opportunity_for(relation)
        user = arrange(relation, request, customer)
        if user is None:
            return
        for action in (VIEW, CHANGE, DELETE, REASSIGN):
            fresh = Opportunity.objects.get(pk=opportunity.pk)
            expected = action in OPPORTUNITY_EXPECTED[relation.name]
            assert user.has_perm(f"sales.{action}_opportunity", fresh) == expected, action


# "Create: a sales user who can view C (becoming the owner), a manager." An invisible C is answered like no C.
CREATE_CASES = [
    pytest.param("sales_rep", {}, 201, "sales_rep", id="salesperson who owns C"),
    pytest.param("other_rep", {"user_share": "view"}, 201, "other_rep", id="salesperson C is shared with"),
    pytest.param("teammate", {}, 400, None, id="salesperson who cannot view C"),
    pytest.param("outsider", {}, 400, None, id="salesperson in no team"),
    pytest.param("sales_manager", {}, 201, "sales_manager", id="manager of C's owner"),
    pytest.param("other_manager", {}, 400, None, id="manager who cannot view C"),
    pytest.param("support_rep", {}, 403, None, id="support rep"),
    pytest.param("support_manager", {}, 201, "support_manager", id="support manager, who is a manager"),
    pytest.param("admin", {"owner": "sales_rep"}, 201, "sales_rep", id="admin naming the owner"),
    pytest.param("admin", {}, 400, None, id="admin without an owner"),
    pytest.param(None, {}, 401, None, id="anonymous"),
]


@pytest.mark.parametrize(("actor", "setup", "status", "owner"), CREATE_CASES)
def test_create(request, api, customer, other_rep, actor, setup, status, owner):
    from tests.crm.scenario import share

    if setup.get("user_share"):
        share(customer, level=setup["user_share"], user=other_rep)
    user = request.getfixturevalue(actor) if actor else None
    body = {"customer": customer.pk, "name": "New deal", "amount": "250.00"}
    if setup.get("owner"):
        body["owner"] = request.getfixturevalue(setup["owner"]).pk
    response = api.as_user(user).post(URL, body)
    assert response.status_code == status, response.content
    if status == 201:
        created = Opportunity.objects.get(name="New deal")
        assert created.owner == request.getfixturevalue(owner)
        assert response.json()["owner"] == created.owner_id
    else:
        assert not Opportunity.objects.filter(name="New deal").exists()
    if status == 400 and actor != "admin":
        assert "customer" in response.json()
