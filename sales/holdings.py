"""Opportunities and orders that users own on a customer, plugged into crm's customer holdings.

crm warns before removing a share whose users would keep records on a customer they may no
longer view, and may hand those records to the customer's owner (crm/customers/holdings.py).
"""

from django.db.models import F

from crm.customers.holdings import CustomerHolding, HeldRecord
from crm.platform.audit.bulk import reassign_and_record

from .models import Opportunity, Order


def _owned(model, kind: str, label: str):
    def owned(*, customer, owner_ids) -> list[HeldRecord]:
        rows = (
            model.objects.filter(customer=customer, owner_id__in=owner_ids)
            .select_related("owner")
            .order_by("owner_id", "id")
        )
        return [HeldRecord(kind, row.pk, f"{label} {row.pk}", row.owner_id, row.owner.display_name) for row in rows]

    return owned


def _reassign(model):
    def reassign(*, acting_user, customer, owner_ids, to_user, now) -> int:
        return reassign_and_record(
            model.objects.filter(customer=customer, owner_id__in=owner_ids),
            field="owner",
            to=to_user,
            version=F("version") + 1,
            updated_at=now,
            updated_by=acting_user,
        )

    return reassign


def opportunities_holding() -> CustomerHolding:
    return CustomerHolding(
        kind="opportunity",
        label="Opportunities",
        order=10,
        owned=_owned(Opportunity, "opportunity", "Opportunity"),
        reassign=_reassign(Opportunity),
    )


def orders_holding() -> CustomerHolding:
    return CustomerHolding(
        kind="order", label="Orders", order=20, owned=_owned(Order, "order", "Order"), reassign=_reassign(Order)
    )
