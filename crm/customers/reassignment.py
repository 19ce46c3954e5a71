"""Customers in the team reassignment (registered from CrmConfig.ready()).

The move itself is a service (crm.customers.services.customers_reassign_owner); here it is plugged
into crm.staff.reassignment, with the count its preview shows.
"""

from datetime import datetime

from accounts.models import Team, TeamKind, User
from crm.customers import services
from crm.customers.models import Customer
from crm.staff.reassignment import Mover, Pending


def count_customers(*, team: Team, from_user: User) -> list[Pending]:
    return [Pending("customers", "customers", Customer.objects.filter(owner=from_user).count(), one="customer")]


def move_customers(
    *, acting_user: User, team: Team, from_user: User, to_user: User, now: datetime, include_closed: bool = False
) -> int:
    return services.customers_reassign_owner(acting_user=acting_user, from_user=from_user, to_user=to_user, now=now)


def customers_mover() -> Mover:
    return Mover(
        kind="customers",
        label="Customers they own",
        one="customer",
        team_kind=TeamKind.SALES,
        order=10,
        move=move_customers,
        count=count_customers,
    )
