"""Demo data for `manage.py seed_demo`: products, opportunities in every stage, and a year of orders.

Idempotent: products are found by SKU, and a customer that already has opportunities
(or orders) gets no more of them.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from crm.customers.models import Customer
from crm.devtools.demo import DemoSeeder, register_demo_seeder
from sales.models import ZERO, Opportunity, Order, OrderLine, OrderStatus, Product, Stage

PRODUCTS = [
    ("CRM-SEAT-M", "CRM seat, monthly", "29.00"),
    ("CRM-SEAT-Y", "CRM seat, yearly", "290.00"),
    ("ONB-DAY", "Onboarding day", "950.00"),
    ("TRN-WEB", "Web training session", "180.00"),
    ("SUP-PREM", "Premium support, yearly", "1200.00"),
    ("INT-ERP", "ERP integration", "4500.00"),
    ("DATA-MIG", "Data migration", "2250.00"),
    ("API-PACK", "API call pack (1M)", "75.50"),
    ("HW-SCAN", "Barcode scanner", "149.99"),
    ("OLD-FAX", "Fax gateway (retired)", "99.00"),
]
RETIRED_SKUS = {"OLD-FAX"}
DEALS = ["Annual plan", "Team expansion", "Pilot project", "Support renewal", "Integration", "Training package"]
LOST_REASONS = ["Chose a competitor", "No budget this year", "Project cancelled"]


@transaction.atomic
def seed_sales(rng: random.Random) -> None:
    products = _seed_products()
    customers = list(
        Customer.objects.filter(owner__role__in=[Role.SALES, Role.MANAGER]).select_related("owner").order_by("name")
    )
    stages = Stage.values
    for index, customer in enumerate(customers):
        if not customer.opportunities.exists():
            # The first six customers start at stages 0 to 5, so every stage is filled.
            for offset in range(rng.randint(1, 3)):
                stage = stages[(index + index // len(stages) + offset * 3) % len(stages)]
                _seed_opportunity(rng, customer, DEALS[(index + offset) % len(DEALS)], stage)
        if not customer.orders.exists():
            _seed_orders(rng, customer, [p for p in products if p.active])


def _seed_products() -> list[Product]:
    products = []
    for sku, name, price in PRODUCTS:
        product, _ = Product.objects.get_or_create(
            sku=sku, defaults={"name": name, "unit_price": Decimal(price), "active": sku not in RETIRED_SKUS}
        )
        products.append(product)
    return products


def _seed_opportunity(rng: random.Random, customer: Customer, name: str, stage: str) -> None:
    today = timezone.localdate()
    closed_at = timezone.now() - timedelta(days=rng.randint(1, 120))
    Opportunity.objects.create(
        customer=customer,
        name=name,
        owner=customer.owner,
        stage=stage,
        amount=Decimal(rng.randrange(10, 400) * 250),
        expected_close=today + timedelta(days=rng.randint(-30, 180)),
        won_at=closed_at if stage == Stage.WON else None,
        lost_at=closed_at if stage == Stage.LOST else None,
        lost_reason=rng.choice(LOST_REASONS) if stage == Stage.LOST else "",
        updated_by=customer.owner,
    )


def _seed_orders(rng: random.Random, customer: Customer, products: list[Product]) -> None:
    now = timezone.now()
    for _ in range(rng.randint(1, 4)):
        created_at = now - timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 23))
        order = Order.objects.create(customer=customer, owner=customer.owner, updated_by=customer.owner)
        lines = [
            OrderLine(order=order, product=product, quantity=rng.randint(1, 12), unit_price=product.unit_price)
            for product in rng.sample(products, k=rng.randint(1, 3))
        ]
        OrderLine.objects.bulk_create(lines)
        status = _demo_status(rng, age=now - created_at)
        placed_at = created_at + timedelta(hours=2) if status != OrderStatus.DRAFT else None
        Order.objects.filter(pk=order.pk).update(
            status=status,
            total=sum((line.line_total for line in lines), ZERO),
            created_at=created_at,
            placed_at=placed_at,
            shipped_at=placed_at + timedelta(days=3) if status == OrderStatus.SHIPPED else None,
            cancelled_at=placed_at + timedelta(days=1) if status == OrderStatus.CANCELLED else None,
        )


def _demo_status(rng: random.Random, *, age: timedelta) -> str:
    if age < timedelta(days=30):
        return rng.choices([OrderStatus.DRAFT, OrderStatus.PLACED], weights=[1, 2])[0]
    return rng.choices([OrderStatus.SHIPPED, OrderStatus.CANCELLED], weights=[9, 1])[0]


register_demo_seeder(DemoSeeder("sales", 20, seed_sales))
