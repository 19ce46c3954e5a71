"""Bulk products, opportunities, orders and order lines for `manage.py seed_bulk` (see crm.devtools.seeding).

Opportunities and orders belong to their customer's owner. The older a record, the
likelier it is closed: opportunities won or lost (with won_at / lost_at, and a reason
when lost), orders shipped or cancelled (with placed_at, shipped_at, cancelled_at as
the transitions would have stamped them). A line keeps its product's price, and an
order's total is the sum of its lines, as sales.services keeps it.
"""

from array import array
from datetime import timedelta

from crm.devtools.bulk_seed import CustomerFacts
from crm.devtools.seeding import BulkRun, spread
from sales.models import STAGE_PROBABILITY, Opportunity, Order, OrderLine, OrderStatus, Product, Stage

FULL_SCALE_OPPORTUNITIES = 200_000
FULL_SCALE_ORDERS = 300_000
FULL_SCALE_ORDER_LINES = 1_000_000
MAX_LINES_PER_ORDER = 12
PRODUCT_LINES = [
    ("SEAT", "CRM seat", [29, 290]),
    ("ONB", "Onboarding day", [950]),
    ("TRN", "Training session", [180, 640]),
    ("SUP", "Support plan", [1200, 2400, 6000]),
    ("INT", "Integration", [4500, 9000]),
    ("MIG", "Data migration", [2250]),
    ("API", "API call pack", [75.5, 640]),
    ("HW", "Barcode scanner", [149.99, 219]),
    ("LIC", "Add-on licence", [49, 99, 199]),
    ("CON", "Consulting hours (10)", [1450]),
]
TIERS = ["Basic", "Team", "Business", "Enterprise", "Education", "Non-profit"]
DEALS = ["Annual plan", "Team expansion", "Pilot project", "Support renewal", "Integration", "Training package",
         "Hardware refresh", "Multi-year deal", "Upsell", "New region"]  # fmt: skip
LOST_REASONS = ["Chose a competitor", "No budget this year", "Project cancelled", "No decision", "Price too high"]
OPEN_STAGES = [Stage.PROSPECTING, Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION]


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02}"


class SalesSeeder:
    name = "sales"
    order = 30
    model_labels = ("sales.Product", "sales.Opportunity", "sales.Order", "sales.OrderLine")

    def seed(self, run: BulkRun) -> None:
        customers: CustomerFacts = run.facts["customers"]
        products = _seed_products(run)
        _seed_opportunities(run, customers)
        _seed_orders(run, customers, products)


def _seed_products(run: BulkRun) -> list[tuple[int, int]]:
    """The catalogue (the same at every scale); returns the active products as (id, price in cents)."""
    rng = run.rng("products")
    first_id, rows, active = run.first_id(Product), [], []
    created = run.base_time - run.history - timedelta(days=60)
    for code, name, prices in PRODUCT_LINES:
        for price in prices:
            for tier in TIERS:
                product_id = first_id + len(rows)
                cents = round(price * 100 * (0.5 if tier in ("Education", "Non-profit") else 1))
                is_active = rng.random() > 0.08
                sku = f"{code}-{round(price)}-{tier[:3].upper()}"
                rows.append((product_id, 1, sku, f"{name}, {tier}", _money(cents), is_active, created, created))
                if is_active:
                    active.append((product_id, cents))
    columns = ("id", "version", "sku", "name", "unit_price", "active", "created_at", "updated_at")
    run.copy(Product, columns, rows, total=len(rows))
    return active


OPPORTUNITY_COLUMNS = (
    "id", "version", "customer_id", "name", "stage", "amount", "expected_close", "probability_override", "owner_id",
    "won_at", "lost_at", "lost_reason", "created_at", "updated_at", "updated_by_id",
)  # fmt: skip


def _seed_opportunities(run: BulkRun, customers: CustomerFacts) -> None:
    count = run.count(FULL_SCALE_OPPORTUNITIES)
    run.copy(Opportunity, OPPORTUNITY_COLUMNS, _opportunity_rows(run, customers, count), total=count)


def _opportunity_rows(run: BulkRun, customers: CustomerFacts, count: int):
    rng = run.rng("opportunities")
    first_id = run.first_id(Opportunity)
    for index in range(count):
        created = spread(index, count, rng)
        customer = customers.pick(rng, created)
        created = max(created, customers.created_at(customer) + timedelta(minutes=5))
        owner_id = customers.owner_ids[customer]
        age = run.base_time - created
        stage = _opportunity_stage(rng, age)
        closed_at = created + age * rng.uniform(0.05, 0.9) if stage in (Stage.WON, Stage.LOST) else None
        updated = closed_at or created + age * rng.random() ** 2
        if closed_at is not None:
            expected_close = closed_at.date()
        else:
            expected_close = (created + timedelta(days=rng.randint(20, 240))).date()
        override = None
        if closed_at is None and rng.random() < 0.08:
            override = max(0, min(100, STAGE_PROBABILITY[stage] + rng.choice([-15, -10, -5, 5, 10, 15])))
        amount = max(100, round(rng.lognormvariate(9, 1.1) / 50) * 50) * 100
        yield (
            first_id + index, _opportunity_version(stage), customers.first_id + customer,
            f"{rng.choice(DEALS)} {created.year}", stage, _money(amount), expected_close, override, owner_id,
            closed_at if stage == Stage.WON else None, closed_at if stage == Stage.LOST else None,
            rng.choice(LOST_REASONS) if stage == Stage.LOST else "", created, updated, owner_id,
        )  # fmt: skip


def _opportunity_version(stage: str) -> int:
    """One change per stage it went through."""
    return 1 + OPEN_STAGES.index(stage) if stage in OPEN_STAGES else 4


def _opportunity_stage(rng, age: timedelta) -> str:
    if age > timedelta(days=120):
        won, lost = 0.40, 0.45
    elif age > timedelta(days=30):
        won, lost = 0.20, 0.20
    else:
        won, lost = 0.03, 0.02
    draw = rng.random()
    if draw < won:
        return Stage.WON
    if draw < won + lost:
        return Stage.LOST
    return rng.choices(OPEN_STAGES, weights=[35, 25, 22, 18])[0]


ORDER_COLUMNS = (
    "id", "version", "customer_id", "owner_id", "status", "total", "placed_at", "shipped_at", "cancelled_at",
    "created_at", "updated_at", "updated_by_id",
)  # fmt: skip


def _seed_orders(run: BulkRun, customers: CustomerFacts, products: list[tuple[int, int]]) -> None:
    """Orders first (their totals from a pass over the lines' stream), then the same stream again as lines."""
    count = run.count(FULL_SCALE_ORDERS)
    line_counts = _line_counts(run, count, min(MAX_LINES_PER_ORDER, len(products)))
    first_order_id = run.first_id(Order)
    orders = _order_rows(run, customers, first_order_id, _order_lines(run, line_counts, products), count)
    run.copy(Order, ORDER_COLUMNS, orders, total=count)
    lines = _line_rows(run, first_order_id, _order_lines(run, line_counts, products))
    run.copy(OrderLine, ("id", "order_id", "product_id", "quantity", "unit_price"), lines, total=sum(line_counts))


def _line_counts(run: BulkRun, orders: int, most: int) -> array:
    """One line per order, and the rest given out at random (no order above `most`)."""
    counts = array("B", [1]) * orders
    rng = run.rng("order-line-counts")
    spare = run.count(FULL_SCALE_ORDER_LINES) - orders
    while spare > 0:
        index = rng.randrange(orders)
        if counts[index] < most:
            counts[index] += 1
            spare -= 1
    return counts


def _order_lines(run: BulkRun, line_counts: array, products: list[tuple[int, int]]):
    """Per order, its lines as (product id, quantity, unit price in cents): distinct products, at their price."""
    rng = run.rng("order-lines")
    for count in line_counts:
        yield [
            (product_id, min(50, int(rng.paretovariate(1.3))), cents)
            for product_id, cents in rng.sample(products, count)
        ]


def _order_rows(run: BulkRun, customers: CustomerFacts, first_id: int, lines_per_order, count: int):
    rng = run.rng("orders")
    for index, lines in enumerate(lines_per_order):
        created = spread(index, count, rng)
        customer = customers.pick(rng, created)
        created = max(created, customers.created_at(customer) + timedelta(minutes=5))
        status, cancelled_after_placing = _order_status(rng, run.base_time - created)
        placed = shipped = cancelled = None
        if status in (OrderStatus.PLACED, OrderStatus.SHIPPED) or cancelled_after_placing:
            placed = _later(rng, created, run.base_time, hours=48)
        if status == OrderStatus.SHIPPED:
            shipped = _later(rng, placed, run.base_time, hours=24 * 7)
        if status == OrderStatus.CANCELLED:
            cancelled = _later(rng, placed or created, run.base_time, hours=24 * 5)
        owner_id = customers.owner_ids[customer]
        total = sum(quantity * cents for _, quantity, cents in lines)
        transitions = sum(moment is not None for moment in (placed, shipped, cancelled))
        yield (
            first_id + index, 1 + len(lines) + transitions, customers.first_id + customer, owner_id, status,
            _money(total), placed, shipped, cancelled, created, shipped or cancelled or placed or created, owner_id,
        )  # fmt: skip


def _later(rng, moment, limit, *, hours: float):
    """A moment after `moment`: up to `hours` later, and never past `limit` (then halfway there at most)."""
    return moment + min(timedelta(hours=rng.uniform(0.5, hours)), (limit - moment) * rng.uniform(0.1, 0.5))


def _order_status(rng, age: timedelta) -> tuple[str, bool]:
    """The order's status and, for a cancelled one, whether it was placed first."""
    if age < timedelta(days=3):
        weights = {OrderStatus.DRAFT: 40, OrderStatus.PLACED: 50, OrderStatus.SHIPPED: 0, OrderStatus.CANCELLED: 10}
    elif age < timedelta(days=30):
        weights = {OrderStatus.DRAFT: 10, OrderStatus.PLACED: 30, OrderStatus.SHIPPED: 50, OrderStatus.CANCELLED: 10}
    else:
        weights = {OrderStatus.DRAFT: 1, OrderStatus.PLACED: 2, OrderStatus.SHIPPED: 88, OrderStatus.CANCELLED: 9}
    status = rng.choices(list(weights), weights=list(weights.values()))[0]
    return status, status == OrderStatus.CANCELLED and rng.random() < 0.5


def _line_rows(run: BulkRun, first_order_id: int, lines_per_order):
    line_id = run.first_id(OrderLine)
    for index, lines in enumerate(lines_per_order):
        for product_id, quantity, cents in lines:
            yield (line_id, first_order_id + index, product_id, quantity, _money(cents))
            line_id += 1


BULK_SEEDERS = [SalesSeeder()]
