"""Reads that the portal and the API share. Each one starts from the access policy."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import RowNumber

from accounts.models import User
from crm.customers.access import with_customer_viewable
from crm.customers.models import Customer

from .access import opportunities_visible_to, orders_visible_to, products_visible_to
from .models import CLOSED_STAGES, ZERO, Opportunity, Order, OrderStatus, Product, Stage


def opportunity_list(*, user: User) -> QuerySet[Opportunity]:
    # `viewable_customer_id`: whether the reader may name the customer (crm.customers.access.customer_name_shown).
    return with_customer_viewable(opportunities_visible_to(user).select_related("customer", "owner"), user)


def opportunity_get(*, user: User, opportunity_id) -> Opportunity:
    """The opportunity if `user` may view it; otherwise Opportunity.DoesNotExist, as if it did not exist."""
    return opportunity_list(user=user).select_related("updated_by").get(pk=opportunity_id)


def order_list(*, user: User) -> QuerySet[Order]:
    return with_customer_viewable(orders_visible_to(user).select_related("customer", "owner"), user)


def order_get(*, user: User, order_id) -> Order:
    """The order if `user` may view it; otherwise Order.DoesNotExist, as if it did not exist."""
    return order_list(user=user).get(pk=order_id)


def order_lines(*, order: Order):
    return order.lines.select_related("product")


BOOKED_STATUSES = (OrderStatus.PLACED, OrderStatus.SHIPPED)


def product_list(*, user: User) -> QuerySet[Product]:
    return products_visible_to(user)


def products_for_new_lines(*, user: User) -> QuerySet[Product]:
    return product_list(user=user).filter(active=True).order_by("name", "id")


@dataclass(frozen=True)
class StageColumn:
    stage: str
    label: str
    cards: list[Opportunity]
    count: int
    total: Decimal

    @property
    def hidden_count(self) -> int:
        return self.count - len(self.cards)


def pipeline_board(*, opportunities: QuerySet[Opportunity], cards_per_column: int = 50) -> list[StageColumn]:
    """One column per stage: its count and total over every opportunity given, and its first cards.

    Two queries whatever the number of opportunities: the totals by stage (one grouped
    query), and each column's first cards (most recently updated first).
    """
    figures = {
        row["stage"]: row
        for row in opportunities.order_by().values("stage").annotate(count=Count("id"), total=Sum("amount"))
    }
    cards_by_stage: dict[str, list[Opportunity]] = {stage: [] for stage in Stage.values}
    for card in _first_cards(opportunities.select_related("customer", "owner"), cards_per_column):
        cards_by_stage[card.stage].append(card)
    return [
        StageColumn(
            stage=stage,
            label=label,
            cards=cards_by_stage[stage],
            count=figures.get(stage, {}).get("count", 0),
            total=figures.get(stage, {}).get("total") or ZERO,
        )
        for stage, label in Stage.choices
    ]


def _first_cards(opportunities: QuerySet[Opportunity], per_stage: int) -> list[Opportunity]:
    """The first cards of every column, in one query.

    Where the database allows it (PostgreSQL), a UNION ALL of one LIMITed query per stage:
    each reads only its column's first rows from an index on (stage or owner and stage,
    updated_at). Elsewhere (SQLite) a window ranks every card, which is fine on small data.
    """
    newest_first = opportunities.order_by("-updated_at", "-id")
    if connections[opportunities.db].features.supports_slicing_ordering_in_compound:
        columns = [newest_first.filter(stage=stage)[:per_stage] for stage in Stage.values]
        cards = list(columns[0].union(*columns[1:], all=True))
        return sorted(cards, key=lambda card: (card.updated_at, card.pk), reverse=True)
    ranked = opportunities.annotate(
        rank=Window(RowNumber(), partition_by=[F("stage")], order_by=[F("updated_at").desc(), F("id").desc()])
    )
    return list(ranked.filter(rank__lte=per_stage).order_by("stage", "rank"))


@dataclass(frozen=True)
class CustomerSummary:
    """A customer's first rows of one kind, with figures over all of them."""

    rows: list
    count: int
    total: Decimal


def customer_opportunities(*, user: User, customer: Customer, limit: int = 10) -> CustomerSummary:
    """The opportunities on `customer` that `user` may view, with their count and open pipeline total."""
    open_amount = Case(When(~Q(stage__in=CLOSED_STAGES), then="amount"), default=Value(ZERO))
    rows = _with_figures(
        opportunities_visible_to(user).filter(customer=customer).select_related("owner"),
        total=Sum(open_amount),
    ).order_by("-updated_at", "-id")[:limit]
    return _summary(list(rows))


def customer_orders(*, user: User, customer: Customer, limit: int = 10) -> CustomerSummary:
    """The orders on `customer` that `user` may view, with their count and booked total (placed or shipped)."""
    booked_amount = Case(When(status__in=BOOKED_STATUSES, then="total"), default=Value(ZERO))
    rows = _with_figures(
        orders_visible_to(user).filter(customer=customer).select_related("owner"),
        total=Sum(booked_amount),
    ).order_by("-created_at", "-id")[:limit]
    return _summary(list(rows))


def _with_figures(queryset: QuerySet, *, total) -> QuerySet:
    # Window aggregates run over every matching row before LIMIT: the figures cost no query of their own.
    return queryset.annotate(
        matching_count=Window(Count("id")), matching_total=Window(total, output_field=DecimalField())
    )


def _summary(rows: list) -> CustomerSummary:
    if not rows:
        return CustomerSummary(rows=[], count=0, total=ZERO)
    return CustomerSummary(rows=rows, count=rows[0].matching_count, total=rows[0].matching_total or ZERO)
