"""What only a browser shows of records: the history panel loading into a record's page, and an
import from upload through the dry run to the finished job, with its export round trip."""

import pytest
from playwright.sync_api import expect

from crm.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_change_shows_in_the_history_panel_of_the_record(page, log_in, org, sales_rep, password):
    customer = CustomerFactory(name="Mine Ltd", owner=sales_rep, email="mine@example.com")
    log_in(sales_rep, password)
    page.goto(f"/customers/{customer.pk}/edit/")
    page.fill("input[name=name]", "Mine and Sons Ltd")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/customers/{customer.pk}/")

    trail = page.get_by_test_id("audit-trail")
    expect(trail.get_by_test_id("audit-rows")).to_be_visible()  # swapped in by htmx
    latest = trail.locator("li[data-action=changed]").first
    expect(latest).to_contain_text(sales_rep.display_name)
    expect(latest.locator("tr[data-field=name]")).to_contain_text("Mine Ltd")
    expect(latest.locator("tr[data-field=name]")).to_contain_text("Mine and Sons Ltd")
    assert page.csp_violations == []


def test_an_import_from_upload_to_done(page, log_in, org, sales_rep, password, tmp_path):
    upload = tmp_path / "customers.csv"
    upload.write_text("name,email\nGood Co,good@example.com\nBad Co,not-an-address\nAlso Good,also@example.com\n")
    log_in(sales_rep, password)
    page.goto("/customers/")
    page.get_by_test_id("import-link").click()
    page.set_input_files("input[name=file]", str(upload))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_test_id("dry-run-errors")).to_have_text("1")
    expect(page.get_by_test_id("dry-run-table")).to_contain_text("Enter a valid email address.")
    assert not Customer.objects.filter(name="Good Co").exists()

    page.get_by_test_id("run-import").click()  # without a broker the task runs at once
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("import-counts")).to_contain_text("2 imported")
    with page.expect_download() as download:
        page.get_by_test_id("error-csv").click()
    assert "not-an-address" in download.value.path().read_text()
    assert set(Customer.objects.values_list("name", flat=True)) == {"Good Co", "Also Good"}
    assert page.csp_violations == []


def test_the_dry_runs_table_fits_its_card(page, log_in, org, sales_rep, password, tmp_path):
    """Long cells and long messages: the table scrolls inside its card; the page does not grow sideways."""
    upload = tmp_path / "wide.csv"
    long_name = "N" * 300
    upload.write_text(
        "name,email,phone,industry,owner\n"
        + "".join(
            f"{long_name},not-an-address-{n}-{'x' * 80},{'1' * 60},{'Industry ' * 12},nobody-{n}\n" for n in range(5)
        )
    )
    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(sales_rep, password)
    page.goto("/imports/new/")
    page.set_input_files("input[name=file]", str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("dry-run-errors")).to_have_text("5")
    expect(page.get_by_test_id("nothing-to-import")).to_be_visible()
    expect(page.get_by_test_id("run-import")).to_have_count(0)

    card = page.get_by_test_id("import-progress").bounding_box()
    scroller = page.get_by_test_id("dry-run-scroll")
    box = scroller.bounding_box()
    assert box["x"] >= card["x"]
    assert box["x"] + box["width"] <= card["x"] + card["width"]
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls inside it
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.csp_violations == []
