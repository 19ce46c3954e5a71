"""Reads that the portal and the API share. Each one starts from the access policy."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User
from crm.customers.access import (
    ADMIN_ONLY_CODENAMES,
    CODENAME_OF_LEVEL,
    GRANTABLE_CODENAMES,
    can_grant_on_customer,
    contacts_visible_to,
    customers_visible_to,
    share_levels_grantable_by,
)
from crm.customers.models import (
    Activity,
    Contact,
    Customer,
    CustomerGroupObjectPermission,
    CustomerShare,
    CustomerUserObjectPermission,
)


def customer_list(*, user: User) -> QuerySet[Customer]:
    return customers_visible_to(user).select_related("owner")


def customer_get(*, user: User, customer_id) -> Customer:
    """The customer if `user` may view it; otherwise Customer.DoesNotExist, as if it did not exist."""
    return customer_list(user=user).get(pk=customer_id)


def contact_list(*, user: User) -> QuerySet[Contact]:
    return contacts_visible_to(user).select_related("customer")


def customer_contacts(*, customer: Customer) -> QuerySet[Contact]:
    return customer.contacts.all()


def customer_timeline(*, customer: Customer, limit: int = 50) -> list[Activity]:
    return list(customer.activities.select_related("author")[:limit])


def customer_shares(*, customer: Customer) -> QuerySet[CustomerShare]:
    return customer.shares.select_related("user", "team", "shared_by", "customer")


LEVEL_OF_CODENAME = {codename: level for level, codename in CODENAME_OF_LEVEL.items()}
GRANT_WORDS = {
    "view_customer": "View",
    "change_customer": "Edit",
    "share_customer": "Share and unshare",
    "delete_customer": "Delete (no longer grantable: grants nothing)",
    "reassign_customer": "Reassign (no longer grantable: grants nothing)",
}


@dataclass(frozen=True)
class CustomerGrant:
    """One grant on a customer as the Sharing page and `/customers/{id}/grants/` show it."""

    id: str  # "user-<row id>" or "team-<row id>": the two grant tables number their rows apart
    holder_type: str  # "user" or "team"
    user_id: int | None
    team_id: int | None
    holder_name: str
    permission: str  # the codename: view_customer, change_customer, share_customer
    what: str
    level: str | None  # the share level, for view and change grants
    share_id: int | None  # the share this grant backs, if it was made as a share
    admin_only: bool  # made in Django admin and revocable by admins only
    granted_at: datetime
    granted_by_id: int | None
    granted_by_name: str
    revocable: bool  # by the user who asked


def customer_grants(*, user: User, customer: Customer) -> list[CustomerGrant]:
    """Every grant on `customer` (shares and admins' grants): who, what, since when, by whom, and whether
    `user` may revoke it (what they could have made). A fixed number of queries, whatever the grants."""
    related = ("permission", "granted_by", "share", "share__shared_by")
    user_grants = CustomerUserObjectPermission.objects.filter(content_object=customer).select_related("user", *related)
    team_grants = CustomerGroupObjectPermission.objects.filter(content_object=customer).select_related(
        "group__team", *related
    )
    levels = share_levels_grantable_by(user, customer)
    rows = [_grant_row(user, levels, grant, "user") for grant in user_grants]
    rows += [_grant_row(user, levels, grant, "team") for grant in team_grants]
    return sorted(rows, key=lambda row: (row.granted_at, row.id))


def _grant_row(user: User, levels: list[str], grant, holder_type: str) -> CustomerGrant:
    codename = grant.permission.codename
    share = getattr(grant, "share", None)  # a reverse one-to-one: None when the grant backs no share
    if holder_type == "user":
        holder_id, team_id, holder_name = grant.user_id, None, grant.user.display_name
    else:
        team = getattr(grant.group, "team", None)
        holder_id, team_id, holder_name = None, team.pk if team else None, team.name if team else grant.group.name
    granted_by = share.shared_by if share is not None else grant.granted_by
    level = LEVEL_OF_CODENAME.get(codename)
    # as can_revoke_share and can_revoke_grant decide, with the levels `user` may give read once
    revocable = (share.level if share is not None else level) in levels if level else can_grant_on_customer(user)
    return CustomerGrant(
        id=f"{holder_type}-{grant.pk}",
        holder_type=holder_type,
        user_id=holder_id,
        team_id=team_id,
        holder_name=holder_name,
        permission=codename,
        what=GRANT_WORDS.get(codename, codename),
        level=level,
        share_id=share.pk if share is not None else None,
        admin_only=share is None and (codename in ADMIN_ONLY_CODENAMES or codename not in GRANTABLE_CODENAMES),
        granted_at=share.created_at if share is not None else grant.granted_at,
        granted_by_id=granted_by.pk if granted_by is not None else None,
        granted_by_name=granted_by.display_name if granted_by is not None else "",
        revocable=revocable,
    )


def customer_grant_get(*, customer: Customer, grant_id: str):
    """The grant row named `user-<id>` or `team-<id>` on `customer`, or None."""
    match = GRANT_ID.fullmatch(grant_id or "")
    if match is None:
        return None
    holder_type, row_id = match.groups()
    model = {"user": CustomerUserObjectPermission, "team": CustomerGroupObjectPermission}[holder_type]
    holder = "user" if holder_type == "user" else "group__team"
    grants = model.objects.filter(content_object=customer, pk=int(row_id))
    return grants.select_related("permission", "content_object", holder).first()


GRANT_ID = re.compile(r"(user|team)-([0-9]{1,18})")


SAME_EMAIL_SHOWN = 5


def customers_with_email(*, user: User, email: str, excluding: int | None = None) -> list[Customer]:
    """Customers `user` may view whose e-mail is `email` (any case), other than customer `excluding`.

    A warning, never a refusal: two customers may share an address (a group's accounts desk). It
    names only customers the user may view, so it tells nobody that a hidden one exists.
    """
    email = (email or "").strip()
    if not email:
        return []
    same = customers_visible_to(user).filter(email__iexact=email)
    if excluding is not None:
        same = same.exclude(pk=excluding)
    return list(same.order_by("name", "id")[:SAME_EMAIL_SHOWN])


def customer_email_warnings(*, user: User, email: str, excluding: int | None = None) -> list[dict]:
    """The API's `warnings` for a customer's e-mail: [] or one entry naming the customers that share it."""
    same = customers_with_email(user=user, email=email, excluding=excluding)
    if not same:
        return []
    names = ", ".join(f"{customer.name} (#{customer.pk})" for customer in same)
    return [
        {
            "field": "email",
            "code": "email_in_use",
            "message": f"This e-mail is also the e-mail of a customer you can see: {names}.",
            "customers": [customer.pk for customer in same],
        }
    ]
