"""Fixtures of the sales tests: customer C (owned by sales_rep) and products to order."""

from decimal import Decimal

import pytest

from tests.factories import CustomerFactory

from .factories import ProductFactory


@pytest.fixture
def customer(org, sales_rep):
    return CustomerFactory(name="Customer C", owner=sales_rep)


@pytest.fixture
def widget(db):
    return ProductFactory(sku="WID-1", name="Widget", unit_price=Decimal("19.99"))


@pytest.fixture
def gadget(db):
    return ProductFactory(sku="GAD-1", name="Gadget", unit_price=Decimal("0.10"))
