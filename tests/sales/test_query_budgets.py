"""Every sales list issues the same number of queries whatever its size (10 or 50 rows), and at most 10.

Measured at 10 rows, then at 50 with pytest-django's `django_assert_max_num_queries`: a query per row
(N+1) would cost 40 more, so the equal counts guard it.
"""

from decimal import Decimal

import pytest

from sales.models import Opportunity, Order, OrderLine, Product, Stage
from tests.crm.scenario import share
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

BUDGET = 10


def make_sales_records(owner, customer, count):
    """`count` opportunities spread over the stages, products, and orders with two lines each."""
    start = Product.objects.count()
    products = Product.objects.bulk_create(
        Product(sku=f"B-{start + n}", name=f"Bulk product {start + n}", unit_price=Decimal("2.50"))
        for n in range(count)
    )
    Opportunity.objects.bulk_create(
        Opportunity(
            customer=customer, owner=owner, name=f"Bulk deal {n}", stage=Stage.values[n % 6], amount=Decimal("10.00")
        )
        for n in range(count)
    )
    orders = Order.objects.bulk_create(
        Order(customer=customer, owner=owner, total=Decimal("7.50")) for _ in range(count)
    )
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product=products[(n + shift) % count], quantity=1 + shift, unit_price=Decimal("2.50"))
        for n, order in enumerate(orders)
        for shift in (0, 1)
    )


@pytest.fixture
def query_count(django_assert_max_num_queries):
    """`query_count(fetch, at_most=BUDGET)`: the queries `fetch()` issues (at most `at_most`); it answers 200."""

    def count(fetch, at_most=BUDGET) -> int:
        with django_assert_max_num_queries(at_most) as captured:
            response = fetch()
        assert response.status_code == 200
        return len(captured)

    return count


LISTS = {
    "portal board": lambda client, customer: client.get("/sales/pipeline/"),
    "portal board, htmx": lambda client, customer: client.get("/sales/pipeline/?search=Bulk", HTTP_HX_REQUEST="true"),
    "portal opportunities": lambda client, customer: client.get("/sales/opportunities/"),
    "portal orders": lambda client, customer: client.get("/sales/orders/"),
    "portal orders, htmx": lambda client, customer: client.get("/sales/orders/?status=draft", HTTP_HX_REQUEST="true"),
    "portal products": lambda client, customer: client.get("/sales/products/"),
    "portal customer page with its panels": lambda client, customer: client.get(f"/customers/{customer.pk}/"),
    "api opportunities": lambda client, customer: client.get("/api/v1/opportunities/?page_size=200"),
    "api orders": lambda client, customer: client.get("/api/v1/orders/?page_size=200"),
    "api products": lambda client, customer: client.get("/api/v1/products/?page_size=200"),
}
PIPELINE_LISTS = {"portal board", "portal board, htmx", "portal opportunities"}


PERSONAS = ["sales_rep", "sales_manager", "support_rep", "admin", "outsider"]
# The pipeline pages do not exist for support (their 404 is in the access tables).
CASES = [
    (list_name, persona)
    for list_name in LISTS
    for persona in PERSONAS
    if not (persona == "support_rep" and list_name in PIPELINE_LISTS)
]


@pytest.mark.parametrize(("list_name", "persona"), CASES)
def test_query_count_does_not_grow_with_rows(
    request, api, portal, query_count, customer, sales_rep, outsider, list_name, persona
):
    user = request.getfixturevalue(persona)
    client = api.as_user(user) if list_name.startswith("api") else portal.as_user(user)
    fetch = LISTS[list_name]
    share(customer, level="view", user=outsider)
    # The outsider's own records, on a customer of theirs.
    outsider_customer = CustomerFactory(owner=outsider)

    make_sales_records(sales_rep, customer, 10)
    make_sales_records(outsider, outsider_customer, 10)
    small = query_count(lambda: fetch(client, customer))

    make_sales_records(sales_rep, customer, 40)
    make_sales_records(outsider, outsider_customer, 40)
    large = query_count(lambda: fetch(client, customer), at_most=small)

    assert small == large <= BUDGET


@pytest.mark.parametrize("persona", ["sales_rep", "support_rep"])
def test_an_order_page_stays_within_budget(portal, request, query_count, customer, sales_rep, persona):
    make_sales_records(sales_rep, customer, 10)
    order = Order.objects.first()
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product=product, quantity=1, unit_price=Decimal("1.00"))
        for product in Product.objects.exclude(order_lines__order=order)
    )
    client = portal.as_user(request.getfixturevalue(persona))
    assert query_count(lambda: client.get(f"/sales/orders/{order.pk}/")) <= BUDGET
