"""What only a browser shows: the htmx note without a reload, the 404 page, read-only controls."""

import pytest
from playwright.sync_api import expect

from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_salesperson_sees_only_their_customers_and_adds_a_note_without_reload(
    page, log_in, org, sales_rep, other_rep, password
):
    mine = CustomerFactory(name="Mine Ltd", owner=sales_rep)
    CustomerFactory(name="Theirs Ltd", owner=other_rep)
    log_in(sales_rep, password)

    page.goto("/customers/")
    table = page.get_by_test_id("customer-table")
    expect(table).to_contain_text("Mine Ltd")
    expect(table).not_to_contain_text("Theirs Ltd")

    page.get_by_role("link", name="Mine Ltd").click()
    page.wait_for_url(f"**/customers/{mine.pk}/")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    page.fill("textarea[name=body]", "Called about the renewal")
    page.get_by_role("button", name="Add to timeline").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("Called about the renewal")
    assert page.evaluate("window.loadedOnce") is True
    assert mine.activities.filter(body="Called about the renewal").exists()
    assert page.csp_violations == []


def test_a_salesperson_of_another_team_gets_the_404_page(page, log_in, org, sales_rep, other_rep, password):
    customer = CustomerFactory(name="Mine Ltd", owner=sales_rep)
    log_in(other_rep, password)
    response = page.goto(f"/customers/{customer.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Mine Ltd")


def test_a_support_user_opens_it_read_only(page, log_in, org, sales_rep, support_rep, password):
    customer = CustomerFactory(name="Mine Ltd", owner=sales_rep)
    log_in(support_rep, password)
    page.goto(f"/customers/{customer.pk}/")
    expect(page.get_by_role("heading", name="Mine Ltd")).to_be_visible()
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_test_id("note-form")).to_have_count(0)
    assert page.csp_violations == []
