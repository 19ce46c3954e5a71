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
