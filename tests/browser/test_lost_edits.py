"""Edits made quickly one after another in the portal are all kept, in Debian's chromium:
the pipeline's stage menu then a drag of the same card, a quantity changed just before
"Place order", and the History panel following the ticket's claim, reply and status change.
A request that fails is shown in a banner, and what the user asked for after it is not sent
behind their back."""

import re
import threading
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from sales.models import Opportunity, Order, OrderStatus, Stage
from sales.services import opportunities as opportunity_services
from support.models import Ticket, TicketStatus
from support.services import tickets as ticket_services
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory, ProductFactory
from tests.support.factories import TicketFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_answers(page) -> list[tuple[str, str, int]]:
    answers = []
    page.on("response", lambda response: answers.append((response.request.method, response.url, response.status)))
    return answers


def test_a_stage_menu_move_then_a_drag_of_the_same_card_both_save(page, log_in, org, sales_rep, password):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    card = OpportunityFactory(customer=customer, name="Fleet deal", stage=Stage.QUALIFICATION)
    log_in(sales_rep, password)
    page.goto("/sales/pipeline/")
    answers = record_answers(page)
    move_url = f"/sales/opportunities/{card.pk}/stage/"

    with page.expect_response(lambda response: move_url in response.url) as by_menu:
        page.get_by_label("Move Fleet deal to stage").select_option("proposal")
    assert by_menu.value.status == 200
    expect(page.get_by_test_id("column-proposal").get_by_test_id(f"card-{card.pk}")).to_have_attribute(
        "data-version", "2"
    )

    with page.expect_response(lambda response: move_url in response.url) as by_drag:
        page.get_by_test_id(f"card-{card.pk}").drag_to(page.get_by_test_id("column-won"))
    assert by_drag.value.status == 200
    expect(page.get_by_test_id("column-won").get_by_test_id(f"card-{card.pk}")).to_be_visible()
    expect(page.get_by_test_id("board-notice")).to_have_count(0)

    card.refresh_from_db()
    assert (card.stage, card.version) == (Stage.WON, 3)
    # The card's menu did not set off the board's filter: no redraw of the old board crossed the moves.
    assert [(method, status) for method, url, status in answers if "/sales/" in url] == [("POST", 200), ("POST", 200)]
    expect(page.get_by_test_id("request-problem")).to_have_count(0)
    assert page.csp_violations == []


def test_the_board_filter_still_follows_its_own_fields(page, log_in, org, sales_manager, sales_rep, password):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    OpportunityFactory(customer=customer, name="Rep deal", owner=sales_rep)
    OpportunityFactory(customer=customer, name="Manager deal", owner=sales_manager)
    log_in(sales_manager, password)
    page.goto("/sales/pipeline/")
    expect(page.get_by_test_id("board")).to_contain_text("Manager deal")

    page.get_by_label("Owner").select_option(label=sales_rep.display_name)
    expect(page.get_by_test_id("board")).not_to_contain_text("Manager deal")
    expect(page.get_by_test_id("board")).to_contain_text("Rep deal")

    page.get_by_label("Search").fill("nothing like it")
    expect(page.get_by_test_id("board")).not_to_contain_text("Rep deal")
    assert Opportunity.objects.filter(stage=Stage.PROSPECTING).count() == 2


@pytest.fixture
def draft(org, sales_rep):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    widget = ProductFactory(name="Widget", unit_price=Decimal("19.99"))
    return OrderFactory(customer=customer, lines=[(widget, 1)])


def test_a_quantity_changed_just_before_place_order_is_the_one_placed(page, log_in, sales_rep, password, draft):
    log_in(sales_rep, password)
    page.goto(f"/sales/orders/{draft.pk}/")
    answers = record_answers(page)
    editor = page.get_by_test_id("order-editor")

    editor.get_by_label("Quantity of Widget").fill("5")  # no blur: the click below sends the change
    editor.get_by_role("button", name="Place order").click()

    expect(page.get_by_test_id("order-status")).to_have_text("Placed")
    expect(page.get_by_test_id("order-total")).to_have_text("99.95 EUR")
    order = Order.objects.get(pk=draft.pk)
    assert (order.status, order.total, order.lines.get().quantity) == (OrderStatus.PLACED, Decimal("99.95"), 5)
    writes = [(url.split(f"/orders/{draft.pk}/")[1], status) for method, url, status in answers if method == "POST"]
    assert writes == [(f"lines/{order.lines.get().pk}/", 200), ("status/", 200)]
    expect(page.get_by_test_id("order-notice")).to_have_count(0)
    expect(page.get_by_test_id("request-problem")).to_have_count(0)
    assert page.csp_violations == []


def test_a_failed_change_is_shown_and_what_followed_it_is_not_sent(page, log_in, sales_rep, password, draft):
    log_in(sales_rep, password)
    page.goto(f"/sales/orders/{draft.pk}/")
    line = draft.lines.get()
    page.route(
        f"**/sales/orders/{draft.pk}/lines/{line.pk}/",
        lambda route: route.fulfill(status=503, body="database is locked", content_type="text/html"),
    )
    editor = page.get_by_test_id("order-editor")

    editor.get_by_label("Quantity of Widget").fill("5")
    editor.get_by_role("button", name="Place order").click()

    problem = page.get_by_test_id("request-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("nothing was changed")
    expect(problem).to_contain_text("Your next change was not sent")
    expect(page.get_by_test_id("order-status")).to_have_text("Draft")
    order = Order.objects.get(pk=draft.pk)
    assert (order.status, order.version, order.lines.get().quantity) == (OrderStatus.DRAFT, 1, 1)
    problem.get_by_role("button", name="Dismiss").click()
    expect(problem).to_have_count(0)
    assert page.csp_violations == []


def test_a_server_error_on_the_ticket_page_is_shown(page, log_in, org, sales_rep, support_rep, password):
    ticket = TicketFactory(customer=CustomerFactory(owner=sales_rep), team=org["support_team"])
    log_in(support_rep, password)
    page.goto(f"/support/tickets/{ticket.pk}/")
    page.route(f"**/support/tickets/{ticket.pk}/claim/", lambda route: route.fulfill(status=500, body="boom"))

    page.get_by_role("button", name="Take it").click()

    expect(page.get_by_test_id("request-problem")).to_contain_text("That did not work (error 500)")
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_the_tickets_history_follows_claim_reply_and_status(page, log_in, org, sales_rep, support_rep, password):
    ticket = TicketFactory(customer=CustomerFactory(owner=sales_rep), team=org["support_team"], subject="Jammed")
    log_in(support_rep, password)
    page.goto(f"/support/tickets/{ticket.pk}/")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    history = page.get_by_test_id("audit-trail")
    expect(history.get_by_test_id("audit-rows")).to_be_visible()
    expect(history.locator('tr[data-field="assignee"]')).to_have_count(0)

    page.get_by_role("button", name="Take it").click()
    expect(history.locator('tr[data-field="assignee"]').first).to_contain_text(support_rep.display_name)

    page.get_by_label("Reply to the customer").fill("On our way.")
    page.get_by_role("button", name="Send reply").click()
    expect(history.locator('tr[data-field="status"]').first).to_contain_text(re.compile("open", re.IGNORECASE))

    page.get_by_test_id("status-form").get_by_role("combobox").select_option("pending")
    expect(page.get_by_test_id("status")).to_contain_text("Pending")
    expect(history.locator('tr[data-field="status"]').first).to_contain_text(re.compile("pending", re.IGNORECASE))

    # A reply, then at once a status, without waiting for the reply's answer: the status waits its
    # turn, then carries the version the reply left; both land, and the history shows the status.
    page.get_by_label("Reply to the customer").fill("Fixed, we think.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_test_id("status-form").get_by_role("combobox").select_option("resolved")
    expect(page.get_by_test_id("status")).to_have_text("Resolved")
    expect(page.get_by_test_id("conversation")).to_contain_text("Fixed, we think.")
    expect(history.locator('tr[data-field="status"]').first).to_contain_text(re.compile("resolved", re.IGNORECASE))
    expect(page.get_by_test_id("ticket-error")).to_have_count(0)

    assert page.evaluate("window.loadedOnce") is True
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.RESOLVED
    expect(page.get_by_test_id("request-problem")).to_have_count(0)
    assert page.csp_violations == []


def test_a_list_filter_follows_its_own_fields(page, log_in, org, sales_rep, password):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    OpportunityFactory(customer=customer, name="Early deal", stage=Stage.PROSPECTING)
    OpportunityFactory(customer=customer, name="Late deal", stage=Stage.NEGOTIATION)
    log_in(sales_rep, password)
    page.goto("/sales/opportunities/")
    table = page.get_by_test_id("opportunity-table")
    expect(table).to_contain_text("Early deal")

    page.get_by_label("Stage").select_option(label="Negotiation")
    expect(table).not_to_contain_text("Early deal")
    expect(table).to_contain_text("Late deal")

    page.get_by_label("Search").fill("nothing like it")
    expect(table).not_to_contain_text("Late deal")
    assert page.csp_violations == []


def test_a_drag_made_while_the_menu_move_is_in_flight_waits_for_it(page, log_in, org, sales_rep, password, monkeypatch):
    customer = CustomerFactory(name="Acme", owner=sales_rep)
    card = OpportunityFactory(customer=customer, name="Fleet deal", stage=Stage.QUALIFICATION)
    log_in(sales_rep, password)
    page.goto("/sales/pipeline/")
    answers = record_answers(page)
    # The first move waits in the server until the drag is over, so the drag is made while it is in flight.
    drag_done = threading.Event()
    real_move = opportunity_services.opportunity_move

    def held_move(**kwargs):
        if kwargs["stage"] == Stage.PROPOSAL:
            drag_done.wait(timeout=10)
        return real_move(**kwargs)

    monkeypatch.setattr(opportunity_services, "opportunity_move", held_move)

    page.get_by_label("Move Fleet deal to stage").select_option("proposal")
    page.get_by_test_id(f"card-{card.pk}").drag_to(page.get_by_test_id("column-won"))
    expect(page.get_by_test_id("column-won").get_by_test_id(f"card-{card.pk}")).to_be_visible()  # shown at once
    drag_done.set()

    expect(page.get_by_test_id("column-won").get_by_test_id(f"card-{card.pk}")).to_have_attribute("data-version", "3")
    card.refresh_from_db()
    assert (card.stage, card.version) == (Stage.WON, 3)
    assert [status for method, url, status in answers if "/stage/" in url] == [200, 200]
    expect(page.get_by_test_id("board-notice")).to_have_count(0)
    expect(page.get_by_test_id("request-problem")).to_have_count(0)


def test_a_reply_sent_while_a_note_is_in_flight_waits_and_lands(
    page, log_in, org, sales_rep, support_rep, password, monkeypatch
):
    ticket = TicketFactory(customer=CustomerFactory(owner=sales_rep), team=org["support_team"], subject="Jammed")
    log_in(support_rep, password)
    page.goto(f"/support/tickets/{ticket.pk}/")
    # The note waits in the server until the reply has been asked for; its answer then redraws the
    # conversation, reply form included, and the reply is sent from the redrawn form with its text.
    reply_asked = threading.Event()
    real_create = ticket_services.message_create

    def held_create(**kwargs):
        if kwargs["internal"]:
            reply_asked.wait(timeout=10)
        return real_create(**kwargs)

    monkeypatch.setattr(ticket_services, "message_create", held_create)

    page.get_by_label("Internal note (staff only)").fill("Check the warranty.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_label("Reply to the customer").fill("Parts are on order.")
    page.get_by_role("button", name="Send reply").click()
    reply_asked.set()

    conversation = page.get_by_test_id("conversation")
    expect(conversation.get_by_test_id("reply")).to_contain_text("Parts are on order.")
    expect(conversation.get_by_test_id("internal-note")).to_contain_text("Check the warranty.")
    expect(page.get_by_test_id("request-problem")).to_have_count(0)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert list(stored.messages.order_by("pk").values_list("body", "internal")) == [
        ("Check the warranty.", True),
        ("Parts are on order.", False),
    ]
    assert page.csp_violations == []


def test_enter_in_a_quantity_saves_it_once(page, log_in, sales_rep, password, draft):
    log_in(sales_rep, password)
    page.goto(f"/sales/orders/{draft.pk}/")
    answers = record_answers(page)

    quantity = page.get_by_test_id("order-editor").get_by_label("Quantity of Widget")
    quantity.fill("3")
    quantity.press("Enter")

    expect(page.get_by_test_id("order-total")).to_have_text("59.97 EUR")
    page.wait_for_timeout(500)  # a second request, if any, would have been sent by now
    assert [status for method, url, status in answers if method == "POST"] == [200]
    order = Order.objects.get(pk=draft.pk)
    assert (order.version, order.lines.get().quantity) == (2, 3)
    expect(page.get_by_test_id("order-notice")).to_have_count(0)
