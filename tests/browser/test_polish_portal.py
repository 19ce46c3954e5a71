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
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/sales/opportunities/" in url and "/new/" not in url)
    assert Opportunity.objects.get(name="Lost one").lost_reason == "Too expensive"
    assert page.csp_violations == []


def test_one_navigation_item_is_highlighted(page, log_in, org, support_rep, password):
    log_in(support_rep, password)
    page.goto("/support/feedback/")
    current = page.locator('header.site nav a[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("Feedback")


@pytest.mark.parametrize("width", [1280, 1024, 800])
def test_the_admin_homes_teams_card_is_not_clipped(page, log_in, org, admin, password, width):
    from accounts.models import Role, TeamKind
    from tests.factories import TeamFactory, UserFactory

    manager = UserFactory(
        username="a_manager_with_a_rather_long_username", role=Role.MANAGER, first_name="", last_name=""
    )
    TeamFactory(name="Enterprise Accounts Northern Europe and Baltics", kind=TeamKind.SALES, manager=manager)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(admin, password)
    page.goto("/")
    card = page.locator('article[data-section="teams"]')
    expect(card.get_by_test_id("admin-teams")).to_be_visible()
    sizes = card.evaluate(
        "card => ({card: card.clientWidth, content: card.scrollWidth,"
        " table: card.querySelector('table').getBoundingClientRect().right,"
        " right: card.getBoundingClientRect().right})"
    )
    assert sizes["content"] <= sizes["card"], sizes
    assert sizes["table"] <= sizes["right"] + 0.5, sizes
    expect(card.locator("th", has_text="Members")).to_be_in_viewport()


def test_the_customer_form_warns_live_of_an_email_in_use(page, log_in, org, sales_rep, password):
    CustomerFactory(name="Acme Visible", owner=sales_rep, email="desk@acme.test")
    log_in(sales_rep, password)
    page.goto("/customers/new/")
    page.fill("#id_name", "Acme Two")
    page.fill("#id_email", "DESK@acme.test")
    page.locator("#id_email").blur()
    warning = page.get_by_test_id("email-warning")
    expect(warning).to_contain_text("Acme Visible")
    page.fill("#id_email", "other@acme.test")
    page.locator("#id_email").blur()
    expect(warning).to_have_count(0)
    assert page.csp_violations == []
