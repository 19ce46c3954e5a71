"""The customer page is built from panels, a slot ("customer-panels") that sales and support fill.

A context registers a panel from its AppConfig.ready(), so crm never imports it:

    CUSTOMER_PANELS.register(SlotItem(
        key="orders", title="Order history", order=30, visible_to=access.sees_orders,
        template="sales/panels/customer_orders.html",
        build=orders_context,  # (*, user, customer) -> dict | None: None hides the panel
    ))

The build must ask its own access policy about the customer, and must not grow its query
count with the number of rows it shows.
"""

from crm.platform.slots import Slot

CUSTOMER_PANELS = Slot("customer-panels")
