"""Records that users own on a customer, in contexts above crm (sales: opportunities, orders).

Removing a share warns first when the users it lets in own such records (they would keep
records on a customer they may no longer view), and may hand them to the customer's owner.
Contexts register their kinds from their AppConfig.ready(), so crm imports none of them:

    register_customer_holding(CustomerHolding(
        kind="opportunity", label="Opportunities", order=10,
        owned=lambda *, customer, owner_ids: [HeldRecord(...), ...],
        reassign=lambda *, acting_user, customer, owner_ids, to_user, now: count_moved,
    ))

`reassign` only writes: the share's removal has already checked who acts and to whom the
records go, in the same transaction.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from crm.customers.models import Customer


@dataclass(frozen=True)
class HeldRecord:
    kind: str  # "opportunity", "order"
    id: int
    label: str  # names the record by kind and id only: its name may be hidden from whoever reads it
    owner_id: int
    owner_name: str


@dataclass(frozen=True)
class CustomerHolding:
    kind: str
    label: str
    order: int
    owned: Callable[..., list[HeldRecord]]  # (*, customer, owner_ids) -> the records they own on it
    reassign: Callable[..., int]  # (*, acting_user, customer, owner_ids, to_user, now) -> how many moved


_holdings: dict[str, CustomerHolding] = {}


def register_customer_holding(holding: CustomerHolding) -> None:
    _holdings[holding.kind] = holding


def customer_holdings() -> list[CustomerHolding]:
    return sorted(_holdings.values(), key=lambda holding: (holding.order, holding.kind))


def records_owned_on(*, customer: Customer, owner_ids: Iterable[int]) -> list[HeldRecord]:
    """What the users `owner_ids` own on `customer`, every registered kind, in order."""
    owner_ids = sorted(set(owner_ids))
    if not owner_ids:
        return []
    return [
        record for holding in customer_holdings() for record in holding.owned(customer=customer, owner_ids=owner_ids)
    ]


def reassign_owned_on(
    *, acting_user: User, customer: Customer, owner_ids: Iterable[int], to_user: User, now: datetime
) -> dict[str, int]:
    owner_ids = sorted(set(owner_ids))
    return {
        holding.kind: holding.reassign(
            acting_user=acting_user, customer=customer, owner_ids=owner_ids, to_user=to_user, now=now
        )
        for holding in customer_holdings()
    }
