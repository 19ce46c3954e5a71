"""Reads that the portal and the API share. Each one starts from the access policy."""

from django.db.models import QuerySet

from accounts.models import User

from .access import activities_visible_to, contacts_visible_to, customers_visible_to
from .models import Activity, Contact, Customer, CustomerShare


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
    return customer.shares.select_related("user", "team")


def activity_list(*, user: User) -> QuerySet[Activity]:
    return activities_visible_to(user).select_related("author", "customer")


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
