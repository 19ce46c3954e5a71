"""The orders API beyond the access table: nested lines, the computed total, transitions, hostile input."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sales.models import Order, OrderStatus

from .factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"


def line(product, quantity, **extra):
    return {"product": product.pk, "quantity": quantity, **extra}


class TestTotals:
    def test_the_total_is_the_exact_decimal_sum_of_the_lines(self, api, sales_rep, customer, widget, gadget):
        # 3 × 19.99 + 7 × 0.10 = 60.67 exactly (in binary floating point it is 60.669999...)
        response = api.as_user(sales_rep).post(
            URL, {"customer": customer.pk, "lines": [line(widget, 3), line(gadget, 7)]}
        )
        assert response.status_code == 201
        body = response.json()
        assert body["total"] == "60.67"
        assert body["lines"] == [
            {"product": widget.pk, "quantity": 3, "unit_price": "19.99"},
            {"product": gadget.pk, "quantity": 7, "unit_price": "0.10"},
        ]
        order = Order.objects.get()
        assert order.total == Decimal("60.67")
        assert isinstance(order.total, Decimal)

    def test_the_total_follows_every_change_of_lines(self, api, sales_rep, customer, widget, gadget):
        order = OrderFactory(customer=customer, lines=[(widget, 1)])
        client = api.as_user(sales_rep)
        assert (
            client.patch(f"{URL}{order.pk}/", {"lines": [line(widget, 2), line(gadget, 1)]}).json()["total"] == "40.08"
        )
        assert client.patch(f"{URL}{order.pk}/", {"lines": [line(gadget, 10)]}).json()["total"] == "1.00"
        assert client.patch(f"{URL}{order.pk}/", {"lines": []}).json()["total"] == "0.00"

    def test_a_price_is_captured_when_the_line_is_added(self, api, admin, sales_rep, customer, widget, gadget):
        order = OrderFactory(customer=customer, lines=[(widget, 1)])
        api.as_user(admin).patch(f"/api/v1/products/{widget.pk}/", {"unit_price": "25.00"})
        api.as_user(admin).patch(f"/api/v1/products/{gadget.pk}/", {"unit_price": "0.20"})
        body = api.as_user(sales_rep).patch(f"{URL}{order.pk}/", {"lines": [line(widget, 2), line(gadget, 1)]}).json()
        assert [row["unit_price"] for row in body["lines"]] == ["19.99", "0.20"]  # the widget keeps its old price
        assert body["total"] == "40.18"

    def test_a_total_too_large_to_store_is_400(self, api, sales_rep, customer):
        dear = ProductFactory(unit_price=Decimal("9999999999.99"))
        response = api.as_user(sales_rep).post(URL, {"customer": customer.pk, "lines": [line(dear, 1_000_000)]})
        assert response.status_code == 400
        assert "lines" in response.json()
        assert not Order.objects.exists()


# Every (from, to) pair of statuses. Written out here rather than read from the code, so that it can disagree.
TRANSITIONS = {
    ("draft", "placed"): True,
    ("draft", "shipped"): False,
    ("draft", "cancelled"): True,
    ("placed", "draft"): False,
    ("placed", "shipped"): True,
    ("placed", "cancelled"): True,
    ("shipped", "draft"): False,
    ("shipped", "placed"): False,
    ("shipped", "cancelled"): False,
    ("cancelled", "draft"): False,
    ("cancelled", "placed"): False,
    ("cancelled", "shipped"): False,
}


def order_in(status, customer, widget):
    order = OrderFactory(customer=customer, lines=[(widget, 1)])
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize(("before", "after"), TRANSITIONS, ids=lambda pair: pair)
def test_status_transitions(api, sales_rep, customer, widget, before, after):
    order = order_in(before, customer, widget)
    response = api.as_user(sales_rep).patch(f"{URL}{order.pk}/", {"status": after})
    order.refresh_from_db()
    if TRANSITIONS[(before, after)]:
        assert response.status_code == 200
        assert (order.status, order.version) == (after, 2)
        stamp = {"placed": "placed_at", "shipped": "shipped_at", "cancelled": "cancelled_at"}[after]
        assert response.json()[stamp] is not None
    else:
        assert response.status_code == 400
        assert f"cannot go from {before} to {after}" in response.json()["status"][0]
        assert (order.status, order.version) == (before, 1)


def test_placing_stamps_placed_at_and_an_empty_draft_cannot_be_placed(api, sales_rep, customer, widget):
    empty = OrderFactory(customer=customer)
    client = api.as_user(sales_rep)
    refused = client.patch(f"{URL}{empty.pk}/", {"status": "placed"})
    assert refused.status_code == 400
    assert "lines" in refused.json()
    before = timezone.now()
    placed = client.patch(f"{URL}{empty.pk}/", {"lines": [line(widget, 1)], "status": "placed"})
    assert placed.status_code == 200
    empty.refresh_from_db()
    assert empty.status == OrderStatus.PLACED
    assert empty.placed_at >= before


def test_an_order_may_be_placed_as_it_is_created(api, sales_rep, customer, widget):
    response = api.as_user(sales_rep).post(
        URL, {"customer": customer.pk, "status": "placed", "lines": [line(widget, 1)]}
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["placed_at"] is not None) == ("placed", True)


@pytest.mark.parametrize("status", ["shipped", "cancelled"])
def test_a_new_order_is_a_draft_or_placed(api, sales_rep, customer, widget, status):
    response = api.as_user(sales_rep).post(URL, {"customer": customer.pk, "status": status, "lines": [line(widget, 1)]})
    assert response.status_code == 400
    assert "status" in response.json()
    assert not Order.objects.exists()


class TestLinesOfAPlacedOrder:
    @pytest.mark.parametrize("status", ["placed", "shipped", "cancelled"])
    def test_changing_them_is_refused_with_a_clear_message(self, api, sales_rep, customer, widget, gadget, status):
        order = order_in(status, customer, widget)
        response = api.as_user(sales_rep).patch(f"{URL}{order.pk}/", {"lines": [line(widget, 1), line(gadget, 4)]})
        assert response.status_code == 400
        assert response.json()["lines"] == [f"The lines of a {status} order cannot be changed."]
        order.refresh_from_db()
        assert ([(x.product_id, x.quantity) for x in order.lines.all()], order.total, order.version) == (
            [(widget.pk, 1)],
            Decimal("19.99"),
            1,
        )

    def test_sending_them_back_unchanged_is_accepted(self, api, sales_rep, customer, widget):
        order = order_in("placed", customer, widget)
        body = api.as_user(sales_rep).get(f"{URL}{order.pk}/").json()
        response = api.put(f"{URL}{order.pk}/", body)
        assert response.status_code == 200

    def test_its_customer_cannot_change(self, api, sales_rep, customer, widget):
        from tests.factories import CustomerFactory

        order = order_in("placed", customer, widget)
        elsewhere = CustomerFactory(owner=sales_rep)
        response = api.as_user(sales_rep).patch(f"{URL}{order.pk}/", {"customer": elsewhere.pk})
        assert response.status_code == 400
        assert "customer" in response.json()
        order.refresh_from_db()
        assert order.customer == customer

    def test_it_is_order_history_and_is_not_deleted(self, api, sales_manager, customer, widget):
        order = order_in("placed", customer, widget)
        response = api.as_user(sales_manager).delete(f"{URL}{order.pk}/")
        assert response.status_code == 400
        assert Order.objects.filter(pk=order.pk).exists()


BAD_LINES = [
    pytest.param([{"product": "WIDGET", "quantity": 1}], id="product of the wrong type"),
    pytest.param([{"product": 999999, "quantity": 1}], id="unknown product"),
    pytest.param([{"product": "widget", "quantity": 0}], id="quantity zero"),
    pytest.param([{"product": "widget", "quantity": -2}], id="negative quantity"),
    pytest.param([{"product": "widget", "quantity": 1.5}], id="fractional quantity"),
    pytest.param([{"product": "widget", "quantity": 10_000_000}], id="quantity too large"),
    pytest.param([{"product": "widget"}], id="no quantity"),
    pytest.param([{"product": "widget", "quantity": 1, "discount": "50%"}], id="unknown key in a line"),
    pytest.param([{"product": "widget", "quantity": 1}, {"product": "widget", "quantity": 2}], id="product twice"),
    pytest.param([{"product": "retired", "quantity": 1}], id="retired product"),
    pytest.param("lots", id="lines not a list"),
    pytest.param(["widget"], id="line not an object"),
]


def resolve(lines, widget, retired):
    if not isinstance(lines, list):
        return lines
    ids = {"widget": widget.pk, "retired": retired.pk}
    return [
        {**item, "product": ids.get(item.get("product"), item.get("product"))} if isinstance(item, dict) else item
        for item in lines
    ]


@pytest.mark.parametrize("lines", BAD_LINES)
def test_bad_lines_are_400_and_change_nothing(api, sales_rep, customer, widget, lines):
    retired = ProductFactory(active=False)
    order = OrderFactory(customer=customer, lines=[(widget, 1)])
    response = api.as_user(sales_rep).patch(
        f"{URL}{order.pk}/", {"lines": resolve(lines, widget, retired)}, format="json"
    )
    assert response.status_code == 400
    assert "lines" in response.json()
    order.refresh_from_db()
    assert (order.lines.get().quantity, order.total, order.version) == (1, Decimal("19.99"), 1)


def test_a_retired_product_already_on_a_draft_may_stay(api, sales_rep, customer, widget):
    order = OrderFactory(customer=customer, lines=[(widget, 1)])
    widget.active = False
    widget.save()
    response = api.as_user(sales_rep).patch(f"{URL}{order.pk}/", {"lines": [line(widget, 4)]})
    assert response.status_code == 200
    assert response.json()["total"] == "79.96"


HOSTILE_WRITES = [
    pytest.param({"total": "0.01"}, 400, "total", id="total"),
    pytest.param({"placed_at": "2020-01-01T00:00:00Z"}, 400, "placed_at", id="placed_at"),
    pytest.param({"shipped_at": "2020-01-01T00:00:00Z"}, 400, "shipped_at", id="shipped_at"),
    pytest.param({"created_at": "2020-01-01T00:00:00Z"}, 400, "created_at", id="created_at"),
    pytest.param(
        {"lines": [{"product": "widget", "quantity": 1, "unit_price": "0.01"}]}, 400, "lines", id="unit_price"
    ),
    pytest.param({"version": 42, "status": "placed"}, 409, "version", id="a made-up version"),
    pytest.param({"owner": "teammate"}, 403, "detail", id="owner, for the salesperson who owns it"),
]


@pytest.mark.parametrize(("payload", "status", "field"), HOSTILE_WRITES)
def test_hostile_writes_are_refused_and_change_nothing(
    request, api, sales_rep, customer, widget, payload, status, field
):
    order = OrderFactory(customer=customer, lines=[(widget, 1)])
    payload = dict(payload)
    if payload.get("owner"):
        payload["owner"] = request.getfixturevalue(payload["owner"]).pk
    if "lines" in payload:
        payload["lines"] = [{**payload["lines"][0], "product": widget.pk}]
    response = api.as_user(sales_rep).patch(f"{URL}{order.pk}/", payload, format="json")
    assert response.status_code == status
    assert field in response.json()
    order.refresh_from_db()
    assert (order.total, order.status, order.owner, order.placed_at, order.version) == (
        Decimal("19.99"),
        OrderStatus.DRAFT,
        sales_rep,
        None,
        1,
    )
    assert order.lines.get().unit_price == Decimal("19.99")


def test_a_total_sent_on_create_is_refused(api, sales_rep, customer, widget):
    response = api.as_user(sales_rep).post(URL, {"customer": customer.pk, "total": "1.00", "lines": [line(widget, 1)]})
    assert response.status_code == 400
    assert "total" in response.json()
    assert not Order.objects.exists()


def test_the_captured_price_may_be_sent_back(api, sales_rep, customer, widget):
    order = OrderFactory(customer=customer, lines=[(widget, 1)])
    response = api.as_user(sales_rep).patch(
        f"{URL}{order.pk}/", {"lines": [line(widget, 2, unit_price="19.99")], "version": 1}
    )
    assert response.status_code == 200
    assert response.json()["total"] == "39.98"


def test_an_invisible_customer_is_answered_like_no_customer(api, sales_rep, other_rep, widget):
    from tests.factories import CustomerFactory

    hidden = CustomerFactory(name="Hidden Ltd", owner=other_rep)
    missing = api.as_user(sales_rep).post(URL, {"customer": 999999})
    invisible = api.post(URL, {"customer": hidden.pk})
    assert missing.status_code == invisible.status_code == 400
    assert missing.json()["customer"][0].replace("999999", "X") == invisible.json()["customer"][0].replace(
        str(hidden.pk), "X"
    )
    assert "Hidden" not in invisible.content.decode()


class TestListing:
    @pytest.fixture
    def orders(self, customer, teammate, widget, gadget):
        from tests.factories import CustomerFactory

        beta = CustomerFactory(name="Beta Corp", owner=teammate)
        big = OrderFactory(customer=customer, lines=[(widget, 10)])
        small = OrderFactory(customer=beta, lines=[(gadget, 1)])
        draft = OrderFactory(customer=customer, lines=[(gadget, 50)])
        Order.objects.filter(pk=big.pk).update(
            status="shipped", placed_at=datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
        )
        Order.objects.filter(pk=small.pk).update(
            status="placed", placed_at=datetime.datetime(2026, 5, 20, 12, tzinfo=datetime.UTC)
        )
        return {"big": big, "small": small, "draft": draft}

    @pytest.mark.parametrize(
        ("query", "names"),
        [
            ({"status": "placed"}, ["small"]),
            ({"status": ["placed", "shipped"]}, ["big", "small"]),
            ({"owner": "teammate"}, ["small"]),
            ({"customer": "beta"}, ["small"]),
            ({"placed_at_after": "2026-04-01"}, ["small"]),
            ({"placed_at_after": "2026-03-10", "placed_at_before": "2026-03-10"}, ["big"]),
            ({"search": "beta"}, ["small"]),
            ({"search": "order-number"}, ["draft"]),
            ({"ordering": "-total"}, ["big", "draft", "small"]),
        ],
    )
    def test_filters_search_and_ordering(self, api, sales_manager, teammate, orders, query, names):
        query = dict(query)
        if query.get("owner") == "teammate":
            query["owner"] = teammate.pk
        if query.get("customer") == "beta":
            query["customer"] = orders["small"].customer_id
        if query.get("search") == "order-number":
            query["search"] = f"#{orders['draft'].pk}"
        ids = [row["id"] for row in api.as_user(sales_manager).get(URL, query).json()["results"]]
        found = [name for order_id in ids for name, order in orders.items() if order.pk == order_id]
        assert found == names if "ordering" in query else sorted(found) == names

    def test_a_bad_filter_is_400(self, api, sales_rep, orders):
        assert api.as_user(sales_rep).get(URL, {"status": "lost"}).status_code == 400
        assert api.get(URL, {"placed_at_after": "last spring"}).status_code == 400
