"""ACCESS.md, "Order R": every relation × action through the API (token auth, full URL stack)."""

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

URL = "/api/v1/orders/"


@pytest.fixture
def order_for(customer, request, widget):
    def make(relation):
        return OrderFactory(customer=customer, owner=owner_of(relation, request), lines=[(widget, 2)])

    return make


def refused_status(relation, allowed) -> int:
    if relation.actor is None:
        return 401
    return 403 if VIEW in allowed else 404


@pytest.mark.parametrize("relation", ORDER_RELATIONS, ids=lambda r: r.name)
class TestOrderApiAccess:
    def test_list_search_and_filters(self, relation, request, api, customer, order_for):
        order = order_for(relation)
        user = arrange(relation, request, customer)
        for query in ({}, {"search": "Customer C"}, {"customer": customer.pk, "status": "draft"}):
            response = api.as_user(user).get(URL, query)
            if relation.actor is None:
                assert response.status_code == 401
                continue
            listed = [row["id"] for row in response.json()["results"]]
            assert (order.pk in listed) == (VIEW in ORDER_EXPECTED[relation.name]), query

    def test_detail(self, relation, request, api, customer, order_for, widget):
        order = order_for(relation)
        user = arrange(relation, request, customer)
        response = api.as_user(user).get(f"{URL}{order.pk}/")
        allowed = ORDER_EXPECTED[relation.name]
        if VIEW in allowed:
            assert response.status_code == 200
            body = response.json()
            assert body["lines"] == [{"product": widget.pk, "quantity": 2, "unit_price": "19.99"}]
            assert body["total"] == "39.98"
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert "39.98" not in response.content.decode()

    def test_change_lines(self, relation, request, api, customer, order_for, widget):
        order = order_for(relation)
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"{URL}{order.pk}/", {"lines": [{"product": widget.pk, "quantity": 5}]})
        allowed = ORDER_EXPECTED[relation.name]
        order.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 200
            assert (order.lines.get().quantity, str(order.total), order.version) == (5, "99.95", 2)
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert (order.lines.get().quantity, str(order.total), order.version) == (2, "39.98", 1)

    def test_place(self, relation, request, api, customer, order_for):
        order = order_for(relation)
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"{URL}{order.pk}/", {"status": "placed", "version": 1})
        allowed = ORDER_EXPECTED[relation.name]
        order.refresh_from_db()
        if CHANGE in allowed:
            assert response.status_code == 200
            assert order.status == OrderStatus.PLACED
            assert response.json()["placed_at"] is not None
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert (order.status, order.placed_at) == (OrderStatus.DRAFT, None)

    def test_delete(self, relation, request, api, customer, order_for):
        order = order_for(relation)
        user = arrange(relation, request, customer)
        response = api.as_user(user).delete(f"{URL}{order.pk}/")
        allowed = ORDER_EXPECTED[relation.name]
        if DELETE in allowed:
            assert response.status_code == 204
            assert not Order.objects.filter(pk=order.pk).exists()
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert Order.objects.filter(pk=order.pk).exists()

    def test_reassign(self, relation, request, api, customer, order_for):
        order = order_for(relation)
        before = order.owner
        target = reassign_target(relation, request)
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"{URL}{order.pk}/", {"owner": target.pk})
        allowed = ORDER_EXPECTED[relation.name]
        order.refresh_from_db()
        if REASSIGN in allowed:
            assert response.status_code == 200
            assert order.owner == target
        else:
            assert response.status_code == refused_status(relation, allowed)
            assert order.owner == before

    def test_has_perm_agrees(self, relation, request, customer, order_for):
        order = order_for(relation)
        user = arrange(relation, request, customer)
        if user is None:
            return
        for action in (VIEW, CHANGE, DELETE, REASSIGN):
            fresh = Order.objects.get(pk=order.pk)
            assert user.has_perm(f"sales.{action}_order", fresh) == (action in ORDER_EXPECTED[relation.name]), action


# "Create: a sales user or manager who can view C." An invisible C is answered like no C.
CREATE_CASES = [
    pytest.param("sales_rep", {}, 201, "sales_rep", id="salesperson who owns C"),
    pytest.param("other_rep", {"user_share": "view"}, 201, "other_rep", id="salesperson C is shared with"),
    pytest.param("teammate", {}, 400, None, id="salesperson who cannot view C"),
    pytest.param("sales_manager", {}, 201, "sales_manager", id="manager of C's owner"),
    pytest.param("sales_manager", {"owner": "teammate"}, 201, "teammate", id="manager naming their member"),
    pytest.param("other_manager", {}, 400, None, id="manager who cannot view C"),
    pytest.param("support_rep", {}, 403, None, id="support rep, who can view C"),
    pytest.param("admin", {"owner": "sales_rep"}, 201, "sales_rep", id="admin naming the owner"),
    pytest.param(None, {}, 401, None, id="anonymous"),
]


@pytest.mark.parametrize(("actor", "setup", "status", "owner"), CREATE_CASES)
def test_create(request, api, customer, other_rep, widget, actor, setup, status, owner):
    from tests.crm.scenario import share

    if setup.get("user_share"):
        share(customer, level=setup["user_share"], user=other_rep)
    user = request.getfixturevalue(actor) if actor else None
    body = {"customer": customer.pk, "lines": [{"product": widget.pk, "quantity": 3}]}
    if setup.get("owner"):
        body["owner"] = request.getfixturevalue(setup["owner"]).pk
    response = api.as_user(user).post(URL, body)
    assert response.status_code == status, response.content
    if status == 201:
        created = Order.objects.get()
        assert created.owner == request.getfixturevalue(owner)
        assert (created.status, str(created.total)) == (OrderStatus.DRAFT, "59.97")
        assert response.json()["total"] == "59.97"
    else:
        assert not Order.objects.exists()
    if status == 400:
        assert "customer" in response.json()
