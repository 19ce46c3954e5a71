"""The order page and its editor: lines added, changed and removed in place with the total, transitions, versions."""

import re
from decimal import Decimal

import pytest

from sales.models import Order, OrderStatus

from .factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def total_shown(page: str) -> str:
    return re.search(r'data-testid="order-total">([^<]+)<', page).group(1)


def post(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


@pytest.fixture
def draft(customer, widget):
    return OrderFactory(customer=customer, lines=[(widget, 1)])


class TestEditor:
    def test_lines_are_added_changed_and_removed_with_the_total_each_time(
        self, portal, sales_rep, draft, widget, gadget
    ):
        client = portal.as_user(sales_rep)
        base = f"/sales/orders/{draft.pk}"
        added = post(client, f"{base}/lines/", {"product": gadget.pk, "quantity": 7, "version": 1})
        assert added.status_code == 200
        assert total_shown(added.content.decode()) == "20.69 EUR"
        gadget_line = draft.lines.get(product=gadget)
        changed = post(client, f"{base}/lines/{gadget_line.pk}/", {"quantity": 2, "version": 2})
        assert total_shown(changed.content.decode()) == "20.19 EUR"
        widget_line = draft.lines.get(product=widget)
        removed = post(client, f"{base}/lines/{widget_line.pk}/delete/", {"version": 3})
        assert total_shown(removed.content.decode()) == "0.20 EUR"
        draft.refresh_from_db()
        assert (draft.total, draft.version) == (Decimal("0.20"), 4)
        assert [(line.product, line.quantity) for line in draft.lines.all()] == [(gadget, 2)]

    def test_adding_a_product_already_on_the_order_raises_its_quantity(self, portal, sales_rep, draft, widget):
        response = post(
            portal.as_user(sales_rep),
            f"/sales/orders/{draft.pk}/lines/",
            {"product": widget.pk, "quantity": 2, "version": 1},
        )
        assert total_shown(response.content.decode()) == "59.97 EUR"
        assert draft.lines.get().quantity == 3

    def test_the_fragment_is_the_editor_alone(self, portal, sales_rep, draft, gadget):
        response = post(
            portal.as_user(sales_rep),
            f"/sales/orders/{draft.pk}/lines/",
            {"product": gadget.pk, "quantity": 1, "version": 1},
        )
        page = response.content.decode()
        assert "<html" not in page
        assert 'data-testid="add-line-form"' in page
        assert 'name="version" value="2"' in page  # the next change is based on the new version

    def test_only_active_products_are_offered(self, portal, sales_rep, draft):
        retired = ProductFactory(name="Old fax", active=False)
        page = portal.as_user(sales_rep).get(f"/sales/orders/{draft.pk}/").content.decode()
        assert "Widget" in page
        assert retired.name not in page

    @pytest.mark.parametrize(
        "data",
        [
            {"quantity": 1, "version": 1},
            {"product": "not-a-product", "quantity": 1, "version": 1},
            {"product": "gadget", "quantity": 0, "version": 1},
            {"product": "gadget", "quantity": 1},
        ],
    )
    def test_bad_input_is_400_with_the_editor_and_changes_nothing(self, portal, sales_rep, draft, gadget, data):
        if data.get("product") == "gadget":
            data = {**data, "product": gadget.pk}
        response = post(portal.as_user(sales_rep), f"/sales/orders/{draft.pk}/lines/", data)
        assert response.status_code == 400
        assert 'data-testid="order-notice"' in response.content.decode()
        draft.refresh_from_db()
        assert (draft.lines.count(), draft.version) == (1, 1)

    def test_a_stale_editor_gets_409_naming_who_changed_the_order(
        self, portal, sales_manager, sales_rep, draft, gadget
    ):
        from django.test import Client

        post(
            portal.as_user(sales_rep),
            f"/sales/orders/{draft.pk}/lines/",
            {"product": gadget.pk, "quantity": 1, "version": 1},
        )
        manager = Client()
        manager.force_login(sales_manager, backend="accounts.backends.RoleModelBackend")
        response = post(manager, f"/sales/orders/{draft.pk}/status/", {"status": "cancelled", "version": 1})
        assert response.status_code == 409
        page = response.content.decode()
        assert f"{sales_rep.display_name} changed this order while you were editing it" in page
        assert total_shown(page) == "20.09 EUR"
        draft.refresh_from_db()
        assert (draft.status, draft.version) == (OrderStatus.DRAFT, 2)


class TestTransitions:
    def test_place_then_ship(self, portal, sales_rep, draft):
        client = portal.as_user(sales_rep)
        placed = post(client, f"/sales/orders/{draft.pk}/status/", {"status": "placed", "version": 1})
        page = placed.content.decode()
        assert 'data-testid="order-status">Placed<' in page
        assert 'data-testid="add-line-form"' not in page  # the lines of a placed order are final
        assert "Mark as shipped" in page
        assert "Cancel order" in page
        assert "Place order" not in page
        shipped = post(client, f"/sales/orders/{draft.pk}/status/", {"status": "shipped", "version": 2})
        assert 'data-testid="order-status">Shipped<' in shipped.content.decode()
        assert 'data-testid="order-transitions"' not in shipped.content.decode()
        draft.refresh_from_db()
        assert draft.status == OrderStatus.SHIPPED
        assert draft.placed_at < draft.shipped_at

    def test_an_illegal_transition_is_400_with_a_clear_message(self, portal, sales_rep, draft):
        Order.objects.filter(pk=draft.pk).update(status=OrderStatus.SHIPPED)
        response = post(
            portal.as_user(sales_rep), f"/sales/orders/{draft.pk}/status/", {"status": "draft", "version": 1}
        )
        assert response.status_code == 400
        assert "An order cannot go from shipped to draft. A shipped order is final." in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == OrderStatus.SHIPPED

    def test_editing_the_lines_of_a_placed_order_is_400(self, portal, sales_rep, draft, widget, gadget):
        client = portal.as_user(sales_rep)
        post(client, f"/sales/orders/{draft.pk}/status/", {"status": "placed", "version": 1})
        line = draft.lines.get()
        for url, data in [
            (f"/sales/orders/{draft.pk}/lines/", {"product": gadget.pk, "quantity": 1, "version": 2}),
            (f"/sales/orders/{draft.pk}/lines/{line.pk}/", {"quantity": 9, "version": 2}),
            (f"/sales/orders/{draft.pk}/lines/{line.pk}/delete/", {"version": 2}),
        ]:
            response = post(client, url, data)
            assert response.status_code == 400
            assert "The lines of a placed order cannot be changed." in response.content.decode()
        draft.refresh_from_db()
        assert ([(x.product, x.quantity) for x in draft.lines.all()], draft.total, draft.version) == (
            [(widget, 1)],
            Decimal("19.99"),
            2,
        )

    def test_an_empty_draft_cannot_be_placed(self, portal, sales_rep, customer):
        empty = OrderFactory(customer=customer)
        response = post(
            portal.as_user(sales_rep), f"/sales/orders/{empty.pk}/status/", {"status": "placed", "version": 1}
        )
        assert response.status_code == 400
        assert "Add at least one line" in response.content.decode()


class TestPages:
    def test_a_draft_is_deleted_but_a_placed_order_is_kept(self, portal, sales_manager, customer, widget):
        client = portal.as_user(sales_manager)
        draft = OrderFactory(customer=customer, lines=[(widget, 1)])
        placed = OrderFactory(customer=customer, lines=[(widget, 1)])
        Order.objects.filter(pk=placed.pk).update(status=OrderStatus.PLACED)
        assert client.post(f"/sales/orders/{draft.pk}/delete/").status_code == 302
        refused = client.post(f"/sales/orders/{placed.pk}/delete/")
        assert refused.status_code == 400
        assert "order history" in refused.content.decode()
        assert list(Order.objects.all()) == [placed]

    def test_the_list_filters_by_status_and_searches_by_customer(self, portal, sales_rep, customer, widget):
        draft = OrderFactory(customer=customer, lines=[(widget, 1)])
        shipped = OrderFactory(customer=customer, lines=[(widget, 1)])
        Order.objects.filter(pk=shipped.pk).update(status=OrderStatus.SHIPPED)
        client = portal.as_user(sales_rep)
        page = client.get("/sales/orders/", {"status": "shipped"}).content.decode()
        assert f'data-order-id="{shipped.pk}"' in page
        assert f'data-order-id="{draft.pk}"' not in page
        fragment = client.get("/sales/orders/", {"search": "nothing like it"}, HTTP_HX_REQUEST="true").content.decode()
        assert "No orders match." in fragment
        assert "<html" not in fragment
        assert client.get("/sales/orders/", {"status": "lost"}).status_code == 200  # shown as a filter error

    def test_the_customer_page_shows_the_booked_total(self, portal, support_rep, customer, widget, gadget):
        placed = OrderFactory(customer=customer, lines=[(widget, 2)])
        shipped = OrderFactory(customer=customer, lines=[(gadget, 3)])
        cancelled = OrderFactory(customer=customer, lines=[(widget, 9)])
        Order.objects.filter(pk=placed.pk).update(status=OrderStatus.PLACED)
        Order.objects.filter(pk=shipped.pk).update(status=OrderStatus.SHIPPED)
        Order.objects.filter(pk=cancelled.pk).update(status=OrderStatus.CANCELLED)
        page = portal.as_user(support_rep).get(f"/customers/{customer.pk}/").content.decode()
        assert 'data-testid="booked-total">40.28 EUR<' in page
        assert "3 orders" in page
        assert 'data-panel="opportunities"' not in page
