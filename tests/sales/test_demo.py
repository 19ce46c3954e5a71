"""`seed_demo` adds products, opportunities in every stage and a year of orders, and is idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from sales.models import Opportunity, Order, OrderStatus, Product, Stage

pytestmark = pytest.mark.django_db


def counts():
    return (Product.objects.count(), Opportunity.objects.count(), Order.objects.count())


def test_seed_demo_adds_the_sales_data_once():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert all(count > 0 for count in first)


def test_the_demo_fills_every_stage_and_a_year_of_orders():
    call_command("seed_demo")
    assert set(Opportunity.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert not Opportunity.objects.filter(stage=Stage.WON, won_at__isnull=True).exists()
    assert not Opportunity.objects.filter(stage=Stage.LOST, lost_reason="").exists()
    now = timezone.now()
    placed = Order.objects.exclude(placed_at=None)
    assert not placed.filter(placed_at__lt=now - timedelta(days=366)).exists()
    months = {(moment.year, moment.month) for moment in placed.values_list("placed_at", flat=True)}
    assert len(months) >= 10  # spread over the last 12 months
    assert {OrderStatus.SHIPPED, OrderStatus.PLACED, OrderStatus.CANCELLED} <= set(
        Order.objects.values_list("status", flat=True)
    )
    for order in Order.objects.prefetch_related("lines"):
        assert order.total == sum(line.line_total for line in order.lines.all())
        assert order.lines.exists()


def test_demo_owners_are_the_customers_owners():
    call_command("seed_demo")
    assert not Opportunity.objects.exclude(owner=F("customer__owner")).exists()
    assert not Order.objects.exclude(owner=F("customer__owner")).exists()
