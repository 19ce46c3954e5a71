"""ACCESS.md, "Order R": every relation × action through the portal (session, CSRF, middleware)."""

import pytest

from sales.models import Order, OrderStatus

from .factories import OrderFactory
from .scenario import (
    CHANGE,
    DELETE,
    ORDER_EXPECTED,
    ORDER_RELATIONS,
    REASSIGN,
    VIEW,
    arrange,
    owner_of,
    reassign_target,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_for(customer, request, widget):
    def make(relation):
        return OrderFactory(customer=customer, owner=owner_of(relation, request), lines=[(widget, 2)])

    return make


def assert_refused(response, relation, allowed):
    if relation.actor is None:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == (403 if VIEW in allowed else 404)
        assert VIEW in allowed or "39.98" not in response.content.decode()


@pytest.mark.parametrize("relation", ORDER_RELATIONS, ids=lambda r: r.name)
class TestOrderPortalAccess:
    def test_list_and_search(self, relation, request, portal, customer, order_for):
        order = order_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        for query in ({}, {"search": "Customer C"}, {"status": "draft"}):
            response = client.get("/sales/orders/", query)
            if relation.actor is None:
                assert response.status_code == 302
                continue
            listed = f'data-order-id="{order.pk}"' in response.content.decode()
            assert listed == (VIEW in ORDER_EXPECTED[relation.name]), query

    def test_customer_page_order_history(self, relation, request, portal, customer, order_for):
        order = order_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.get(f"/customers/{customer.pk}/")
        if VIEW not in ORDER_EXPECTED[relation.name]:
            # Here, those who may not see R may not see C either: 404 (the anonymous are sent to log in).
            assert response.status_code == (302 if relation.actor is None else 404)
            return
        assert response.status_code == 200
        page = response.content.decode()
        # Whoever can view the customer sees its whole order history.
        assert 'data-panel="orders"' in page
        assert f'data-order-id="{order.pk}"' in page
        assert 'data-testid="booked-total">0.00 EUR<' in page  # a draft is not booked

    def test_detail_and_its_controls(self, relation, request, portal, customer, order_for):
        order = order_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.get(f"/sales/orders/{order.pk}/")
        allowed = ORDER_EXPECTED[relation.name]
        if VIEW not in allowed:
            assert_refused(response, relation, allowed)
            return
        page = response.content.decode()
        assert 'data-testid="order-total">39.98 EUR<' in page
        assert ('data-testid="add-line-form"' in page) == (CHANGE in allowed)
        assert ('data-testid="order-transitions"' in page) == (CHANGE in allowed)
        assert ('data-testid="read-only"' in page) == (CHANGE not in allowed)
        assert ('data-testid="reassign"' in page) == (REASSIGN in allowed)
        assert (f"/sales/orders/{order.pk}/delete/" in page) == (DELETE in allowed)

    def test_add_a_line(self, relation, request, portal, customer, order_for, gadget):
        order = order_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.post(
            f"/sales/orders/{order.pk}/lines/",
            {"product": gadget.pk, "quantity": 3, "version": 1},
            HTTP_HX_REQUEST="true",
        )
        allowed = ORDER_EXPECTED[relation.name]
        order.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 200
            assert 'data-testid="order-total">40.28 EUR<' in response.content.decode()
            assert (order.lines.count(), str(order.total)) == (2, "40.28")
        else:
            assert_refused(response, relation, allowed)
            assert (order.lines.count(), str(order.total), order.version) == (1, "39.98", 1)

    def test_place(self, relation, request, portal, customer, order_for):
        order = order_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.post(
            f"/sales/orders/{order.pk}/status/", {"status": "placed", "version": 1}, HTTP_HX_REQUEST="true"
        )
        allowed = ORDER_EXPECTED[relation.name]
        order.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 200
            assert (order.status, order.placed_at is not None) == (OrderStatus.PLACED, True)
        else:
            assert_refused(response, relation, allowed)
            assert (order.status, order.placed_at) == (OrderStatus.DRAFT, None)

    def test_reassign(self, relation, request, portal, customer, order_for):
        order = order_for(relation)
        before = order.owner
        target = reassign_target(relation, request)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.post(f"/sales/orders/{order.pk}/reassign/", {"owner": target.pk, "version": 1})
        allowed = ORDER_EXPECTED[relation.name]
        order.refresh_from_db()
        if REASSIGN in allowed:
            assert response.status_code == 302
            assert order.owner == target
        else:
            assert_refused(response, relation, allowed)
            assert order.owner == before

    def test_delete(self, relation, request, portal, customer, order_for):
        order = order_for(relation)
        client = portal.as_user(arrange(relation, request, customer))
        response = client.post(f"/sales/orders/{order.pk}/delete/")
        allowed = ORDER_EXPECTED[relation.name]
        if DELETE in allowed:
            assert response.status_code == 302
            assert not Order.objects.filter(pk=order.pk).exists()
        else:
            assert_refused(response, relation, allowed)
            assert Order.objects.filter(pk=order.pk).exists()


CREATE_CASES = [
    pytest.param("sales_rep", 302, id="salesperson who owns C"),
    pytest.param("teammate", 200, id="salesperson who cannot view C: form error"),
    pytest.param("sales_manager", 302, id="manager of C's owner"),
    pytest.param("support_rep", 403, id="support rep"),
    pytest.param(None, 302, id="anonymous: to the login page"),
]


@pytest.mark.parametrize(("actor", "status"), CREATE_CASES)
def test_create(request, portal, customer, actor, status):
    client = portal.as_user(request.getfixturevalue(actor) if actor else None)
    response = client.post("/sales/orders/new/", {"customer": customer.pk})
    assert response.status_code == status
    created = Order.objects.first()
    if actor in ("sales_rep", "sales_manager"):
        assert (created.owner, created.status) == (request.getfixturevalue(actor), OrderStatus.DRAFT)
        assert response["Location"] == f"/sales/orders/{created.pk}/"
    else:
        assert created is None
    if status == 200:
        assert "customer" in response.context["form"].errors
