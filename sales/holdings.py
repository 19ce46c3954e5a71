"""Opportunities and orders that users own on a customer, plugged into crm's customer holdings;
handing them over is a service of each record's (sales.services).

crm warns before removing a share whose users would keep records on a customer they may no
longer view, and may hand those records to the customer's owner (crm/customers/holdings.py).
"""

from crm.customers.holdings import CustomerHolding, HeldRecord

from .models import Opportunity, Order
from .services.opportunities import opportunities_hand_over
from .services.orders import orders_hand_over


def _owned(model, kind: str, label: str):
    def owned(*, customer, owner_ids) -> list[HeldRecord]:
        rows = (
            model.objects.filter(customer=customer, owner_id__in=owner_ids)
            .select_related("owner")
            .order_by("owner_id", "id")
        )
        return [HeldRecord(kind, row.pk, f"{label} {row.pk}", row.owner_id, row.owner.display_name) for row in rows]

    return owned


def opportunities_holding() -> CustomerHolding:
    return CustomerHolding(
        kind="opportunity",
        label="Opportunities",
        order=10,
        owned=_owned(Opportunity, "opportunity", "Opportunity"),
        reassign=opportunities_hand_over,
    )


def orders_holding() -> CustomerHolding:
    return CustomerHolding(
        kind="order", label="Orders", order=20, owned=_owned(Order, "order", "Order"), reassign=orders_hand_over
    )
