"""The customer page is built from panels; contexts above crm (sales, support) add theirs.

A context registers a panel from its AppConfig.ready(), so crm never imports it:

    register_customer_panel(CustomerPanel(
        key="orders", title="Order history", order=30,
        template="sales/panels/customer_orders.html",
        context=lambda *, user, customer: {...} or None,  # None: not shown to this user
    ))

`context` must ask its own access policy, and must not grow its query count with
the number of rows it shows.
"""

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import User
from crm.customers.models import Customer


@dataclass(frozen=True)
class CustomerPanel:
    key: str
    title: str
    template: str
    order: int
    context: Callable[..., dict | None]


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str
    template: str
    context: dict


_panels: dict[str, CustomerPanel] = {}


def register_customer_panel(panel: CustomerPanel) -> None:
    _panels[panel.key] = panel


def customer_panels_for(*, user: User, customer: Customer) -> list[RenderedPanel]:
    """The panels `user` may see on `customer`'s page, in order, with their context."""
    rendered = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user=user, customer=customer)
        if context is not None:
            rendered.append(RenderedPanel(panel.key, panel.title, panel.template, context))
    return rendered
