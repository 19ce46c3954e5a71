"""Issue 11 point 18: the opportunity form offers "Lost reason" only once the stage is "lost";
the server still refuses a lost reason on any other stage (portal and API)."""

import re

import pytest

from sales.models import Opportunity, Stage
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def lost_reason_wrapper(page: str) -> str:
    found = re.search(r'<div class="form-field" data-field="lost_reason"[^>]*>.*?</div>', page, re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize("persona", ["admin", "sales_manager", "sales_rep"])
def test_a_new_opportunity_form_hides_the_lost_reason(org, portal, request, persona):
    page = portal.as_user(request.getfixturevalue(persona)).get("/sales/opportunities/new/").content.decode()
    wrapper = lost_reason_wrapper(page)
    assert 'data-shown-when-stage="lost" hidden>' in wrapper
    assert "disabled" in wrapper


def test_the_edit_form_of_a_lost_deal_shows_its_reason(org, portal, sales_rep):
    deal = OpportunityFactory(customer=CustomerFactory(owner=sales_rep), stage=Stage.LOST, lost_reason="Price")
    page = portal.as_user(sales_rep).get(f"/sales/opportunities/{deal.pk}/edit/").content.decode()
    wrapper = lost_reason_wrapper(page)
    assert " hidden" not in wrapper
    assert "disabled" not in wrapper
    assert "Price" in wrapper


def test_a_lost_reason_on_another_stage_is_still_refused_and_shown(org, portal, sales_rep):
    customer = CustomerFactory(owner=sales_rep)
    response = portal.as_user(sales_rep).post(
        "/sales/opportunities/new/",
        {"customer": customer.pk, "name": "Deal", "stage": "proposal", "amount": "1", "lost_reason": "Why not"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["lost_reason"]
    assert " hidden" not in lost_reason_wrapper(response.content.decode())
    assert not Opportunity.objects.filter(customer=customer).exists()


def test_a_lost_deal_keeps_its_reason_through_the_form(org, portal, sales_rep):
    customer = CustomerFactory(owner=sales_rep)
    response = portal.as_user(sales_rep).post(
        "/sales/opportunities/new/",
        {"customer": customer.pk, "name": "Deal", "stage": "lost", "amount": "1", "lost_reason": "Budget"},
    )
    assert response.status_code == 302
    assert Opportunity.objects.get(customer=customer).lost_reason == "Budget"


def test_moving_a_lost_deal_back_without_the_hidden_reason_clears_it(org, portal, sales_rep):
    deal = OpportunityFactory(customer=CustomerFactory(owner=sales_rep), stage=Stage.LOST, lost_reason="Price")
    # The browser posts no lost_reason once the field is hidden (disabled).
    response = portal.as_user(sales_rep).post(
        f"/sales/opportunities/{deal.pk}/edit/",
        {"name": deal.name, "stage": "proposal", "amount": "1", "version": deal.version},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason) == (Stage.PROPOSAL, "")


def test_the_api_still_refuses_a_lost_reason_on_another_stage(api, org, sales_rep):
    customer = CustomerFactory(owner=sales_rep)
    response = api.as_user(sales_rep).post(
        "/api/v1/opportunities/",
        {"customer": customer.pk, "name": "Deal", "amount": "1", "stage": "proposal", "lost_reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "lost_reason" in response.json()
    assert not Opportunity.objects.filter(customer=customer).exists()
