"""Support in Debian's chromium: what only a browser shows: claiming, replying and resolving in
place (htmx, no reload), the live SLA countdown, and the salesperson's read-only view without
internal notes. (Here, beside the Playwright fixtures, which allow one browser per process.)"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from support.models import Ticket
from tests.support.factories import TicketFactory, TicketMessageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_support_user_claims_replies_and_resolves(page, log_in, org, customer, support_rep, password):
    ticket = TicketFactory(customer=customer, team=org["support_team"], subject="Printer on fire")
    log_in(support_rep, password)

    page.goto("/support/queues/unassigned/")
    expect(page.get_by_test_id("count-unassigned")).to_have_text("1")
    page.get_by_role("link", name="Printer on fire").click()
    page.wait_for_url(f"**/support/tickets/{ticket.pk}/")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    countdown = page.get_by_test_id("sla-resolution")
    first_reading = countdown.text_content()
    expect(countdown).not_to_have_text(first_reading, timeout=3_000)  # it counts down live
    assert re.fullmatch(r"2d \d+h \d\dm \d\ds left", countdown.text_content().strip())  # 72 hours, to the second

    page.get_by_role("button", name="Take it").click()
    expect(page.get_by_test_id("assignee")).to_have_text(support_rep.display_name)

    page.get_by_label("Reply to the customer").fill("We are sending a technician.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_test_id("conversation")).to_contain_text("We are sending a technician.")
    expect(page.get_by_test_id("status")).to_have_text("Open")  # the first reply opened it
    # The properties carry the version the reply left; a status change sent before they show it is refused as stale.
    version_after_reply = str(Ticket.objects.get(pk=ticket.pk).version)
    expect(page.get_by_test_id("status-form").locator("input[name=version]")).to_have_value(version_after_reply)

    page.get_by_test_id("status-form").get_by_role("combobox").select_option("resolved")
    expect(page.get_by_test_id("status")).to_have_text("Resolved")
    expect(page.get_by_test_id("sla-resolution")).to_contain_text("done")

    assert page.evaluate("window.loadedOnce") is True
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.assignee == support_rep
    assert stored.first_response_at is not None
    assert stored.resolved_at is not None
    assert [message.to for message in mail.outbox] == [["c@example.com"]]  # the survey
    assert page.csp_violations == []


def test_a_salesperson_opens_their_customers_ticket_without_internal_notes(
    page, log_in, org, customer, support_rep, sales_rep, password
):
    ticket = TicketFactory(customer=customer, team=org["support_team"], subject="Invoice question")
    TicketMessageFactory(ticket=ticket, author=support_rep, body="We will credit the difference.")
    TicketMessageFactory(ticket=ticket, author=support_rep, body="Internal: customer is on a watch list", internal=True)
    log_in(sales_rep, password)

    page.goto(f"/customers/{customer.pk}/")
    page.get_by_test_id("customer-tickets").get_by_role("link", name=re.compile("Invoice question")).click()
    page.wait_for_url(f"**/support/tickets/{ticket.pk}/")

    conversation = page.get_by_test_id("conversation")
    expect(conversation).to_contain_text("We will credit the difference.")
    expect(conversation).not_to_contain_text("watch list")
    expect(page.locator("body")).not_to_contain_text("watch list")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_test_id("reply-form")).to_have_count(0)
    expect(page.get_by_test_id("ticket-controls")).to_have_count(0)
    assert page.csp_violations == []
