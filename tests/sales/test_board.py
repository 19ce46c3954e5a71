"""The pipeline board: columns by stage with their totals, and the move of a card with the version check."""

import re
from decimal import Decimal

import pytest

from sales.models import Opportunity, Stage

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

BOARD = "/sales/pipeline/"


def column_figures(page: str) -> dict[str, tuple[str, str]]:
    """{stage: (count, total)} as the board shows them."""
    counts = dict(re.findall(r'data-testid="count-(\w+)">(\d+)<', page))
    totals = dict(re.findall(r'data-testid="total-(\w+)">([^<]+)<', page))
    return {stage: (counts[stage], totals[stage]) for stage in Stage.values}


def move(client, opportunity, stage, version, **query):
    suffix = "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else ""
    return client.post(
        f"/sales/opportunities/{opportunity.pk}/stage/{suffix}",
        {"stage": stage, "version": version},
        HTTP_HX_REQUEST="true",
    )


class TestColumns:
    def test_a_column_per_stage_with_its_count_and_exact_decimal_total(self, portal, sales_rep, customer):
        for amount in ("0.10", "0.20", "1999.99"):
            OpportunityFactory(customer=customer, stage=Stage.PROPOSAL, amount=Decimal(amount))
        OpportunityFactory(customer=customer, stage=Stage.WON, amount=Decimal("12345678.90"))
        page = portal.as_user(sales_rep).get(BOARD).content.decode()
        figures = column_figures(page)
        assert figures["proposal"] == ("3", "2,000.29 EUR")
        assert figures["won"] == ("1", "12,345,678.90 EUR")
        assert figures["prospecting"] == ("0", "0.00 EUR")
        assert list(re.findall(r'class="board-column"[^>]*aria-label="(\w+)"', page)) == [
            "Prospecting",
            "Qualification",
            "Proposal",
            "Negotiation",
            "Won",
            "Lost",
        ]

    def test_the_selector_sums_in_decimal(self, sales_rep, customer):
        from sales import selectors

        for amount in ("0.10", "0.20"):
            OpportunityFactory(customer=customer, stage=Stage.LOST, amount=Decimal(amount))
        columns = {column.stage: column for column in selectors.pipeline_board(opportunities=Opportunity.objects.all())}
        assert columns["lost"].total == Decimal("0.30")
        assert isinstance(columns["lost"].total, Decimal)

    def test_a_full_column_shows_its_first_cards_and_counts_all(self, portal, sales_rep, customer):
        Opportunity.objects.bulk_create(
            Opportunity(customer=customer, owner=sales_rep, name=f"Deal {n}", amount=Decimal("1.00")) for n in range(60)
        )
        page = portal.as_user(sales_rep).get(BOARD).content.decode()
        assert column_figures(page)["prospecting"] == ("60", "60.00 EUR")
        assert len(re.findall(r'data-card data-stage="prospecting"', page)) == 50
        assert "and 10 more" in page

    def test_a_manager_filters_the_board_by_owner(self, portal, sales_manager, sales_rep, teammate, customer):
        mine = OpportunityFactory(customer=customer, owner=sales_rep, name="Rep's deal")
        theirs = OpportunityFactory(customer=customer, owner=teammate, name="Teammate's deal")
        page = portal.as_user(sales_manager).get(BOARD, {"owner": teammate.pk}).content.decode()
        assert f'data-testid="card-{theirs.pk}"' in page
        assert f'data-testid="card-{mine.pk}"' not in page

    def test_an_htmx_request_gets_the_board_fragment(self, portal, sales_rep, customer):
        response = portal.as_user(sales_rep).get(BOARD, HTTP_HX_REQUEST="true")
        page = response.content.decode()
        assert page.lstrip().startswith('<div id="board"')
        assert "<html" not in page

    def test_the_board_loads_its_script_and_uses_no_inline_script(self, portal, sales_rep, customer):
        page = portal.as_user(sales_rep).get(BOARD).content.decode()
        assert '<script src="/static/js/sales.js" defer></script>' in page
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
        assert " style=" not in page
        assert " onclick=" not in page
        assert "hx-on" not in page


class TestMove:
    def test_a_move_answers_the_board_with_both_totals_changed(self, portal, sales_rep, customer):
        card = OpportunityFactory(customer=customer, stage=Stage.PROSPECTING, amount=Decimal("250.50"))
        OpportunityFactory(customer=customer, stage=Stage.PROSPECTING, amount=Decimal("100.00"))
        response = move(portal.as_user(sales_rep), card, "proposal", 1)
        assert response.status_code == 200
        figures = column_figures(response.content.decode())
        assert figures["prospecting"] == ("1", "100.00 EUR")
        assert figures["proposal"] == ("1", "250.50 EUR")
        card.refresh_from_db()
        assert (card.stage, card.version, card.updated_by) == (Stage.PROPOSAL, 2, sales_rep)

    def test_two_clients_move_the_same_card_and_the_second_gets_409(self, portal, sales_manager, sales_rep, customer):
        from django.test import Client

        card = OpportunityFactory(customer=customer, name="Contested", stage=Stage.QUALIFICATION)
        rep_client = portal.as_user(sales_rep)
        manager_client = Client()
        manager_client.force_login(sales_manager, backend="accounts.backends.RoleModelBackend")
        # Both loaded the board showing version 1.
        assert f'data-version="1" data-move-url="/sales/opportunities/{card.pk}/stage/"' in (
            manager_client.get(BOARD).content.decode()
        )
        first = move(rep_client, card, "negotiation", 1)
        second = move(manager_client, card, "lost", 1)
        assert first.status_code == 200
        assert second.status_code == 409
        fragment = second.content.decode()
        assert fragment.lstrip().startswith('<div id="board"')
        assert f"{sales_rep.display_name} changed “Contested”" in fragment
        assert "now in Negotiation" in fragment
        assert "your move was not saved" in fragment
        # The answer is the current board: the card sits in Negotiation with its new version.
        assert column_figures(fragment)["negotiation"][0] == "1"
        assert 'data-version="2"' in fragment
        card.refresh_from_db()
        assert (card.stage, card.version, card.lost_at) == (Stage.NEGOTIATION, 2, None)

    def test_a_retry_with_the_current_version_succeeds(self, portal, sales_rep, customer):
        card = OpportunityFactory(customer=customer)
        client = portal.as_user(sales_rep)
        assert move(client, card, "proposal", 1).status_code == 200
        assert move(client, card, "negotiation", 1).status_code == 409
        assert move(client, card, "negotiation", 2).status_code == 200
        card.refresh_from_db()
        assert (card.stage, card.version) == (Stage.NEGOTIATION, 3)

    @pytest.mark.parametrize(
        "data", [{"stage": "closed", "version": 1}, {"stage": "won"}, {"stage": "won", "version": "x"}, {}]
    )
    def test_a_move_that_cannot_be_read_is_400_and_changes_nothing(self, portal, sales_rep, customer, data):
        card = OpportunityFactory(customer=customer)
        response = portal.as_user(sales_rep).post(
            f"/sales/opportunities/{card.pk}/stage/", data, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 400
        assert 'data-testid="board-notice"' in response.content.decode()
        card.refresh_from_db()
        assert (card.stage, card.version) == (Stage.PROSPECTING, 1)

    def test_the_answer_keeps_the_boards_filter(self, portal, sales_manager, sales_rep, teammate, customer):
        card = OpportunityFactory(customer=customer, owner=sales_rep)
        other = OpportunityFactory(customer=customer, owner=teammate, name="Teammate's deal")
        response = move(portal.as_user(sales_manager), card, "won", 1, owner=sales_rep.pk)
        page = response.content.decode()
        assert f'data-testid="card-{card.pk}"' in page
        assert f'data-testid="card-{other.pk}"' not in page

    def test_without_htmx_a_move_redirects_to_the_board(self, portal, sales_rep, customer):
        card = OpportunityFactory(customer=customer)
        response = portal.as_user(sales_rep).post(
            f"/sales/opportunities/{card.pk}/stage/", {"stage": "won", "version": 1}
        )
        assert response.status_code == 302
        assert response["Location"] == BOARD
        card.refresh_from_db()
        assert card.stage == Stage.WON

    def test_a_get_is_not_a_move(self, portal, sales_rep, customer):
        card = OpportunityFactory(customer=customer)
        assert portal.as_user(sales_rep).get(f"/sales/opportunities/{card.pk}/stage/").status_code == 405


def test_the_sales_home_leads_each_role_to_its_page(portal, sales_rep, support_rep, org):
    assert portal.as_user(sales_rep).get("/sales/")["Location"] == BOARD
    assert portal.as_user(support_rep).get("/sales/")["Location"] == "/sales/orders/"


@pytest.mark.parametrize(
    ("persona", "shown"), [("sales_rep", True), ("sales_manager", True), ("admin", True), ("support_rep", False)]
)
def test_the_pipeline_is_in_the_navigation_only_for_those_who_see_it(portal, request, org, persona, shown):
    page = portal.as_user(request.getfixturevalue(persona)).get("/").content.decode()
    assert ('href="/sales/pipeline/"' in page) == shown
    assert 'href="/sales/orders/"' in page
    assert 'href="/sales/products/"' in page
