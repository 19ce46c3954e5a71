"""What only a browser shows of the dashboard: Chart.js draws the charts under the strict CSP, and a
click on a bar opens the filtered list behind it (Playwright, Debian chromium)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from sales.models import Stage
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAR_CENTRE = """([chartKey, label]) => {
  const canvas = document.querySelector(`#chart-${chartKey} canvas`);
  const chart = Chart.getChart(canvas);
  const index = chart.data.labels.indexOf(label);
  const bar = chart.getDatasetMeta(0).data[index];
  return {x: bar.x, y: (bar.y + bar.base) / 2};
}"""


def click_bar(page, chart_key: str, label: str) -> None:
    canvas = page.locator(f"#chart-{chart_key} canvas")
    expect(canvas).to_be_visible()
    page.wait_for_function(f"() => window.Chart && Chart.getChart(document.querySelector('#chart-{chart_key} canvas'))")
    centre = page.evaluate(BAR_CENTRE, [chart_key, label])
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + centre["x"], box["y"] + centre["y"])


def test_a_manager_clicks_a_chart_bar_and_lands_on_the_filtered_list(
    page, log_in, org, sales_manager, sales_rep, teammate, other_rep, password
):
    mine = CustomerFactory(name="Acme", owner=sales_rep)
    theirs = CustomerFactory(name="Elsewhere", owner=other_rep)
    proposals = {
        OpportunityFactory(customer=mine, name="Fleet deal", stage=Stage.PROPOSAL, amount=Decimal("1500.00")).pk,
        OpportunityFactory(
            customer=mine, name="Team deal", stage=Stage.PROPOSAL, owner=teammate, amount=Decimal("99")
        ).pk,
    }
    OpportunityFactory(customer=mine, name="Early deal", stage=Stage.PROSPECTING, amount=Decimal("700.00"))
    OpportunityFactory(customer=theirs, name="Not theirs", stage=Stage.PROPOSAL, amount=Decimal("5000.00"))

    log_in(sales_manager, password)
    page.goto("/dashboard/")
    expect(page.get_by_test_id("figure-pipeline-total")).to_have_text("2,299.00 EUR")
    expect(page.get_by_test_id("chart-table-pipeline-by-stage")).to_contain_text("1,599.00 EUR")

    click_bar(page, "pipeline-by-stage", "Proposal")

    page.wait_for_url("**/sales/opportunities/?stage=proposal")
    rows = page.locator("[data-opportunity-id]")
    expect(rows).to_have_count(2)
    shown = {int(rows.nth(n).get_attribute("data-opportunity-id")) for n in range(rows.count())}
    assert shown == proposals
    assert page.csp_violations == []


def test_a_manager_asks_who_can_see_a_customer(page, log_in, org, sales_manager, sales_rep, support_rep, password):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    log_in(sales_manager, password)
    page.goto(f"/customers/{customer.pk}/")
    page.get_by_test_id("who-can-see").click()
    page.wait_for_url(f"**/access/customer/{customer.pk}/")
    viewers = page.get_by_test_id("viewers")
    expect(viewers.locator('[data-user="sales_rep"] [data-action="view"]')).to_contain_text("owner")
    expect(viewers.locator('[data-user="support_rep"] [data-action="view"]')).to_contain_text("support directory")
    expect(viewers.locator('[data-user="other_rep"]')).to_have_count(0)
    assert page.csp_violations == []
