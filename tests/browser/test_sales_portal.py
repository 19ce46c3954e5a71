"""What only a browser shows on the sales pages: drag and drop on the pipeline board, and the
order editor's lines and total changing in place (Playwright, Debian chromium)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from sales.models import Opportunity, Order, OrderStatus, Stage
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drag(page, card_id: int, stage: str):
    with page.expect_response(lambda response: f"/opportunities/{card_id}/stage/" in response.url) as answer:
        page.get_by_test_id(f"card-{card_id}").drag_to(page.get_by_test_id(f"column-{stage}"))
    return answer.value


def test_dragging_a_card_to_another_stage_saves_it_and_changes_both_totals(page, log_in, org, sales_rep, password):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    card = OpportunityFactory(
        customer=customer, name="Fleet deal", stage=Stage.QUALIFICATION, amount=Decimal("1500.25")
    )
    OpportunityFactory(customer=customer, name="Small deal", stage=Stage.QUALIFICATION, amount=Decimal("100.00"))
    OpportunityFactory(customer=customer, name="Late deal", stage=Stage.PROPOSAL, amount=Decimal("50.00"))
    log_in(sales_rep, password)
    page.goto("/sales/pipeline/")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    expect(page.get_by_test_id("total-qualification")).to_have_text("1,600.25 EUR")
    expect(page.get_by_test_id("total-proposal")).to_have_text("50.00 EUR")

    assert drag(page, card.pk, "proposal").status == 200

    expect(page.get_by_test_id("total-qualification")).to_have_text("100.00 EUR")
    expect(page.get_by_test_id("total-proposal")).to_have_text("1,550.25 EUR")
    expect(page.get_by_test_id("column-proposal").get_by_test_id(f"card-{card.pk}")).to_be_visible()
    expect(page.get_by_test_id("count-proposal")).to_have_text("2")
    assert page.evaluate("window.loadedOnce") is True
    card.refresh_from_db()
    assert (card.stage, card.version) == (Stage.PROPOSAL, 2)

    # The redrawn card carries its new version: a second drag saves too.
    assert drag(page, card.pk, "won").status == 200
    expect(page.get_by_test_id("total-won")).to_have_text("1,500.25 EUR")
    expect(page.get_by_test_id("total-proposal")).to_have_text("50.00 EUR")
    card.refresh_from_db()
    assert (card.stage, card.version) == (Stage.WON, 3)
    assert page.csp_violations == []


def test_a_stale_card_shows_who_moved_it_and_the_board_reloads(page, log_in, org, sales_rep, sales_manager, password):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    card = OpportunityFactory(customer=customer, name="Contested", stage=Stage.PROSPECTING, amount=Decimal("10.00"))
    log_in(sales_rep, password)
    page.goto("/sales/pipeline/")
    # Meanwhile the manager moves the card to Negotiation (version 2).
    Opportunity.objects.filter(pk=card.pk).update(stage=Stage.NEGOTIATION, version=2, updated_by=sales_manager)

    assert drag(page, card.pk, "lost").status == 409

    notice = page.get_by_test_id("board-notice")
    expect(notice).to_contain_text(f"{sales_manager.display_name} changed “Contested”")
    expect(notice).to_contain_text("now in Negotiation")
    expect(page.get_by_test_id("column-negotiation").get_by_test_id(f"card-{card.pk}")).to_be_visible()
    expect(page.get_by_test_id("total-lost")).to_have_text("0.00 EUR")
    card.refresh_from_db()
    assert (card.stage, card.version) == (Stage.NEGOTIATION, 2)
    assert page.csp_violations == []


def test_building_an_order_with_two_lines_and_placing_it(page, log_in, org, sales_rep, password):
    CustomerFactory(name="Acme", owner=sales_rep)
    ProductFactory(name="Widget", unit_price=Decimal("19.99"))
    ProductFactory(name="Gadget", unit_price=Decimal("0.10"))
    log_in(sales_rep, password)

    page.goto("/sales/orders/new/")
    page.get_by_label("Customer").select_option(label="Acme")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/sales/orders/*/")
    page.evaluate("window.loadedOnce = true")
    editor = page.get_by_test_id("order-editor")
    expect(page.get_by_test_id("order-total")).to_have_text("0.00 EUR")

    editor.get_by_label("Product").select_option(label="Widget · 19.99 EUR")
    editor.get_by_label("Quantity", exact=True).fill("3")
    editor.get_by_role("button", name="Add line").click()
    expect(page.get_by_test_id("order-total")).to_have_text("59.97 EUR")

    editor.get_by_label("Product").select_option(label="Gadget · 0.10 EUR")
    editor.get_by_label("Quantity", exact=True).fill("7")
    editor.get_by_role("button", name="Add line").click()
    expect(page.get_by_test_id("order-total")).to_have_text("60.67 EUR")
    expect(page.get_by_test_id("order-lines").locator("tbody tr")).to_have_count(2)

    # Remove a line and add it back: the total follows each time, in place.
    editor.get_by_role("button", name="Remove Gadget").click()
    expect(page.get_by_test_id("order-total")).to_have_text("59.97 EUR")
    editor.get_by_label("Product").select_option(label="Gadget · 0.10 EUR")
    editor.get_by_label("Quantity", exact=True).fill("7")
    editor.get_by_role("button", name="Add line").click()
    expect(page.get_by_test_id("order-total")).to_have_text("60.67 EUR")

    editor.get_by_role("button", name="Place order").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Placed")
    expect(page.get_by_test_id("add-line-form")).to_have_count(0)
    expect(page.get_by_test_id("placed-at")).not_to_have_text("—")
    assert page.evaluate("window.loadedOnce") is True

    order = Order.objects.get()
    assert (order.status, order.total, order.lines.count()) == (OrderStatus.PLACED, Decimal("60.67"), 2)
    assert order.placed_at is not None
    assert page.csp_violations == []


def test_a_card_deleted_meanwhile_leaves_the_board_when_dropped(page, log_in, org, sales_rep, password):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    card = OpportunityFactory(customer=customer, name="Gone soon", stage=Stage.PROSPECTING, amount=Decimal("10.00"))
    log_in(sales_rep, password)
    page.goto("/sales/pipeline/")
    Opportunity.objects.filter(pk=card.pk).delete()

    assert drag(page, card.pk, "won").status == 404

    expect(page.get_by_test_id(f"card-{card.pk}")).to_have_count(0)
    expect(page.get_by_test_id("total-won")).to_have_text("0.00 EUR")
    expect(page.get_by_test_id("count-prospecting")).to_have_text("0")
    assert page.csp_violations == []
