"""Django admin for sales (admins only), and the policy's reasons that the access explainer will list."""

from decimal import Decimal

import pytest

from sales import access
from sales.models import Product
from tests.crm.scenario import share

from .factories import OpportunityFactory, OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(customer, widget):
    return {
        "opportunity": OpportunityFactory(customer=customer),
        "order": OrderFactory(customer=customer, lines=[(widget, 1)]),
        "product": widget,
    }


def test_the_sales_admin_pages_open_for_an_admin(portal, admin, records):
    client = portal.as_user(admin)
    for url in [
        "/admin/sales/product/",
        "/admin/sales/product/add/",
        f"/admin/sales/product/{records['product'].pk}/change/",
        "/admin/sales/opportunity/?q=Deal",
        f"/admin/sales/opportunity/{records['opportunity'].pk}/change/",
        "/admin/sales/order/?status__exact=draft",
        f"/admin/sales/order/{records['order'].pk}/change/",
    ]:
        assert client.get(url).status_code == 200, url


def test_an_admin_changes_a_product_in_django_admin_through_the_service(portal, admin, records):
    product = records["product"]
    response = portal.as_user(admin).post(
        f"/admin/sales/product/{product.pk}/change/",
        {"sku": product.sku, "name": "Widget XL", "unit_price": "21.00", "active": "on"},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.unit_price, product.version) == ("Widget XL", Decimal("21.00"), 2)


def test_an_admin_adds_a_product_in_django_admin(portal, admin, org):
    response = portal.as_user(admin).post(
        "/admin/sales/product/add/", {"sku": "NEW-1", "name": "New", "unit_price": "3.00", "active": "on"}
    )
    assert response.status_code == 302
    assert Product.objects.get(sku="NEW-1").unit_price == Decimal("3.00")


def test_orders_and_opportunities_are_read_only_in_django_admin(portal, admin, records, customer):
    order = records["order"]
    response = portal.as_user(admin).post(f"/admin/sales/order/{order.pk}/change/", {"status": "shipped"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "draft"


@pytest.mark.parametrize("persona", ["sales_rep", "sales_manager", "support_rep"])
def test_the_sales_admin_is_closed_to_other_roles(portal, request, records, persona):
    response = portal.as_user(request.getfixturevalue(persona)).get("/admin/sales/product/")
    assert response.status_code == 302


class TestReasons:
    def test_an_order_lists_why_each_user_may_see_it(self, customer, widget, sales_rep, sales_manager, support_rep):
        order = OrderFactory(customer=customer, lines=[(widget, 1)])
        assert [reason.text for reason in access.order_access_reasons(sales_rep, order)] == [
            "owner",
            "may view the customer (owner)",
        ]
        assert "manager of the owner" in [reason.text for reason in access.order_access_reasons(sales_manager, order)]
        support_reasons = access.order_access_reasons(support_rep, order)
        assert [reason.actions for reason in support_reasons] == [frozenset({"view"})]
        assert support_reasons[0].text.startswith("may view the customer (support directory")

    def test_a_share_of_the_customer_shows_as_a_reason_to_view_its_orders(self, customer, widget, other_rep):
        order = OrderFactory(customer=customer, lines=[(widget, 1)])
        share(customer, level="edit", user=other_rep)
        reasons = access.order_access_reasons(other_rep, order)
        assert [reason.text for reason in reasons] == ["may view the customer (change_customer granted to you)"]
        assert access.order_actions(other_rep, order) == {"view"}

    def test_an_opportunity_has_no_reason_for_support_even_as_its_owner(self, customer, support_rep, admin):
        opportunity = OpportunityFactory(customer=customer, owner=support_rep)
        assert access.opportunity_access_reasons(support_rep, opportunity) == []
        assert [reason.text for reason in access.opportunity_access_reasons(admin, opportunity)] == ["admin"]

    def test_products_need_no_record_reason(self, org, support_rep, admin):
        product = ProductFactory()
        assert support_rep.has_perm("sales.view_product", product)
        assert not support_rep.has_perm("sales.change_product", product)
        assert admin.has_perm("sales.delete_product", product)
