"""Sales' benchmark cases (the pipeline board) and floors; found by crm's `manage.py bench`.

Also the rows the customer page's floor renders for the sales panels (opportunities, orders).
"""

from collections import defaultdict
from decimal import Decimal

from django.middleware.csrf import get_token
from django.urls import reverse

from crm.devtools.benchmark.registry import (
    BenchCase,
    RowSource,
    html_rows,
    ids_of,
    in_key_order,
    register_case,
    register_floor,
    register_row_source,
    render_floor,
)
from sales.models import Opportunity, Order, Stage


def pipeline_floor(request, keys):
    """The cards the board showed, in one query, in their stage's column (with that column's count and total)."""
    ids = ids_of(keys, "opportunity")
    cards = in_key_order(Opportunity.objects.select_related("customer", "owner").in_bulk(ids), ids)
    cards_by_stage = defaultdict(list)
    for card in cards:
        cards_by_stage[card.stage].append(card)
    columns = [
        {
            "stage": stage,
            "label": label,
            "cards": cards_by_stage[stage],
            "count": len(cards_by_stage[stage]),
            "total": sum((card.amount for card in cards_by_stage[stage]), Decimal(0)),
        }
        for stage, label in Stage.choices
    ]
    context = {"columns": columns, "stages": Stage.choices, "csrf_token": get_token(request)}  # each card's move form
    return render_floor("sales/bench/board_floor.html", context)


def _opportunities(ids: list[int]) -> list[Opportunity]:
    return in_key_order(Opportunity.objects.select_related("owner").in_bulk(ids), ids)


def _orders(ids: list[int]) -> list[Order]:
    return in_key_order(Order.objects.in_bulk(ids), ids)


register_floor("pipeline", pipeline_floor)
register_row_source(RowSource("opportunity", _opportunities, "sales/bench/opportunity_rows.html"))
register_row_source(RowSource("order", _orders, "sales/bench/order_rows.html"))

board_cards = html_rows(r'id="opportunity-(\d+)"', "opportunity")
for persona in ("sales", "sales_manager"):
    register_case(BenchCase("pipeline board", persona, lambda user: reverse("sales-board"), "pipeline", board_cards))
