"""The customer page's sales panels (registered in crm.customers.panels.CUSTOMER_PANELS from SalesConfig.ready()).

Opportunities show only to those who see the pipeline, and only the ones they may view;
order history shows to everyone who can view the customer. Each panel costs a fixed
number of queries, whatever the number of records.
"""

from crm.customers.access import can_view_customer
from crm.platform.slots import SlotItem

from . import access, selectors

PANEL_ROWS = 10


def opportunities_panel() -> SlotItem:
    return SlotItem(
        key="opportunities",
        title="Opportunities",
        template="sales/panels/customer_opportunities.html",
        order=20,
        visible_to=access.sees_pipeline,
        build=opportunities_context,
    )


def orders_panel() -> SlotItem:
    return SlotItem(
        key="orders",
        title="Order history",
        template="sales/panels/customer_orders.html",
        order=30,
        visible_to=access.sees_orders,
        build=orders_context,
    )


def opportunities_context(*, user, customer) -> dict:
    return {
        "opportunities": selectors.customer_opportunities(user=user, customer=customer, limit=PANEL_ROWS),
        "can_create": access.can_create_opportunity(user, customer),
    }


def orders_context(*, user, customer) -> dict | None:
    if not can_view_customer(user, customer):
        return None
    return {
        "orders": selectors.customer_orders(user=user, customer=customer, limit=PANEL_ROWS),
        "can_create": access.can_create_order(user, customer),
    }
