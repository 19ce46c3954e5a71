"""ACCESS.md, "Opportunity P": every relation × action through the portal (session, CSRF, middleware)."""

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


@pytest.fixture
def opportunity_for(customer, request):
    def make(relation):
        return OpportunityFactory(name="Deal P", customer=customer, owner=owner_of(relation, request))

    return make


def assert_refused(response, relation, allowed):
    if relation.actor is None:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == (403 if VIEW in allowed else 404)
        assert VIEW in allowed or "Deal P" not in response.content.decode()


def sees_pipeline(relation) -> bool:
    return relation.actor not in (None, "support_rep")


@pytest.mark.parametrize("relation", OPPORTUNITY_RELATIONS, ids=lambda r: r.name)
class TestOpportunityPortalAccess:
    def test_board_and_list(self, relation, request, portal, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        for url in ("/sales/pipeline/", "/sales/opportunities/", "/sales/opportunities/?search=Deal"):
            response = client.get(url)
            if relation.actor is None:
                assert response.status_code == 302
            elif not sees_pipeline(relation):
                assert response.status_code == 404  # the pipeline does not exist for support
                assert "Deal P" not in response.content.decode()
            else:
                page = response.content.decode()
                shown = (
                    f'data-testid="card-{opportunity.pk}"' in page or f'data-opportunity-id="{opportunity.pk}"' in page
                )
                assert shown == (VIEW in OPPORTUNITY_EXPECTED[relation.name]), url

    def test_board_totals_count_only_what_is_visible(self, relation, request, portal, customer, opportunity_for):
        opportunity_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        if not sees_pipeline(relation):
            return
        page = client.get("/sales/pipeline/").content.decode()
        expected = "1,000.00 EUR" if VIEW in OPPORTUNITY_EXPECTED[relation.name] else "0.00 EUR"
        assert f'data-testid="total-prospecting">{expected}<' in page

    def test_customer_page_panel(self, relation, request, portal, customer, opportunity_for):
        opportunity_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.get(f"/customers/{customer.pk}/")
        if response.status_code != 200:
            return  # the customer itself is not theirs to see (the customer table tests that)
        page = response.content.decode()
        assert ('data-panel="opportunities"' in page) == sees_pipeline(relation)
        assert ("Deal P" in page) == (VIEW in OPPORTUNITY_EXPECTED[relation.name])

    def test_detail_and_its_controls(self, relation, request, portal, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.get(f"/sales/opportunities/{opportunity.pk}/")
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        if VIEW not in allowed:
            assert_refused(response, relation, allowed)
            return
        page = response.content.decode()
        assert (f"/sales/opportunities/{opportunity.pk}/edit/" in page) == (CHANGE in allowed)
        assert (f"/sales/opportunities/{opportunity.pk}/delete/" in page) == (DELETE in allowed)
        edit_form = client.get(f"/sales/opportunities/{opportunity.pk}/edit/").content.decode()
        assert ('name="owner"' in edit_form) == (REASSIGN in allowed)

    def test_change(self, relation, request, portal, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.post(
            f"/sales/opportunities/{opportunity.pk}/edit/",
            {"name": "Renamed", "stage": "proposal", "amount": "7.50", "version": 1},
        )
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        opportunity.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 302
            assert (opportunity.name, opportunity.stage, str(opportunity.amount)) == ("Renamed", "proposal", "7.50")
        else:
            assert_refused(response, relation, allowed)
            assert (opportunity.name, opportunity.stage, opportunity.version) == ("Deal P", "prospecting", 1)

    def test_move_on_the_board(self, relation, request, portal, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.post(
            f"/sales/opportunities/{opportunity.pk}/stage/",
            {"stage": "negotiation", "version": 1},
            HTTP_HX_REQUEST="true",
        )
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        opportunity.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 200
            assert opportunity.stage == Stage.NEGOTIATION
        else:
            assert_refused(response, relation, allowed)
            assert (opportunity.stage, opportunity.version) == (Stage.PROSPECTING, 1)

    def test_delete(self, relation, request, portal, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.post(f"/sales/opportunities/{opportunity.pk}/delete/")
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        if DELETE in allowed:
            assert response.status_code == 302
            assert not Opportunity.objects.filter(pk=opportunity.pk).exists()
        else:
            assert_refused(response, relation, allowed)
            assert Opportunity.objects.filter(pk=opportunity.pk).exists()

    def test_reassign(self, relation, request, portal, customer, opportunity_for):
        opportunity = opportunity_for(relation)
        before = opportunity.owner
        target = reassign_target(relation, request)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.post(
            f"/sales/opportunities/{opportunity.pk}/edit/",
            {"name": "Deal P", "stage": "prospecting", "amount": "1000.00", "owner": target.pk, "version": 1},
        )
        allowed = OPPORTUNITY_EXPECTED[relation.name]
        opportunity.refresh_from_db()
        if REASSIGN in allowed:
            assert response.status_code == 302
            assert opportunity.owner == target
        elif CHANGE in allowed:
            # The form has no owner field for them: the owner they sent is ignored, the rest is saved.
            assert response.status_code == 302
            assert opportunity.owner == before
        else:
            assert_refused(response, relation, allowed)
            assert opportunity.owner == before


CREATE_CASES = [
    pytest.param("sales_rep", 302, id="salesperson who owns C"),
    pytest.param("teammate", 200, id="salesperson who cannot view C: form error"),
    pytest.param("sales_manager", 302, id="manager of C's owner"),
    pytest.param("support_rep", 404, id="support rep: no pipeline pages"),
    pytest.param(None, 302, id="anonymous: to the login page"),
]


@pytest.mark.parametrize(("actor", "status"), CREATE_CASES)
def test_create(request, portal, customer, actor, status):
    client = portal.as_user(request.getfixturevalue(actor) if actor else None)
    response = client.post(
        "/sales/opportunities/new/",
        {"customer": customer.pk, "name": "New deal", "stage": "prospecting", "amount": "10.00"},
    )
    assert response.status_code == status
    created = Opportunity.objects.filter(name="New deal").first()
    if actor in ("sales_rep", "sales_manager"):
        assert created.owner == request.getfixturevalue(actor)
        assert response["Location"] == f"/sales/opportunities/{created.pk}/"
    else:
        assert created is None
    if status == 200:
        assert "customer" in response.context["form"].errors
