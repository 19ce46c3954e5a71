"""What only a browser shows (issue 11 point 18): the opportunity form's "Lost reason" appears
when the stage becomes "lost" and goes when it changes back (static JS under the strict CSP),
and one navigation item is highlighted."""

import pytest
from playwright.sync_api import expect

from sales.models import Opportunity
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lost_reason_shows_only_for_the_lost_stage(page, log_in, org, sales_rep, password):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    log_in(sales_rep, password)
    page.goto("/sales/opportunities/new/")
    reason = page.locator("#id_lost_reason")
    expect(reason).to_be_hidden()

    page.select_option("#id_stage", "lost")
    expect(reason).to_be_visible()
    expect(reason).to_be_enabled()
    page.select_option("#id_stage", "proposal")
    expect(reason).to_be_hidden()

    page.select_option("#id_customer", str(customer.pk))
    page.fill("#id_name", "Lost one")
    page.fill("#id_amount", "10")
    page.select_option("#id_stage", "lost")
    reason.fill("Too expensive")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/new/" not in url)
    assert Opportunity.objects.get(name="Lost one").lost_reason == "Too expensive"
    assert page.csp_violations == []


def test_one_navigation_item_is_highlighted(page, log_in, org, support_rep, password):
    log_in(support_rep, password)
    page.goto("/support/feedback/")
    current = page.locator('header.site nav a[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("Feedback")
