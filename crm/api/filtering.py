"""Filter fields shared by the FilterSets of every context (portal and API alike).

A reference filter (`?customer=7`, `?owner=3`) takes a whole number that a database id
can be, else it answers 400 naming the parameter. It checks no existence: an id the
user may not view filters to nothing, exactly like an id that does not exist, so that a
filter cannot tell anyone which records exist (ModelChoiceFilter would answer 400 for a
missing one and 200 for an invisible one).
"""

import django_filters
import django_filters.constants
from django import forms
from django.db.models import Q

LARGEST_ID = 2**63 - 1  # a bigint column


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class IdFilter(WholeNumberFilter):
    """`names`: the reference kind (crm.audit.registry: "user", "customer", ...) that names the record in a
    list's caption ("Owner: Ann Smith"), among those the viewer may view."""

    def __init__(self, *args, names: str | None = None, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        self.names = names
        super().__init__(*args, **kwargs)


def as_record_id(text: str) -> int | None:
    """The id a search term names ("42", "#42"), if it names one a database can hold."""
    digits = text.strip().lstrip("#")
    if not (digits.isascii() and digits.isdigit()):
        return None
    number = int(digits)
    return number if 1 <= number <= LARGEST_ID else None


def reader_of(filterset) -> object | None:
    """The user a FilterSet filters for (portal views and the API pass `request`); None if it was given none."""
    request = getattr(filterset, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class VisibleCustomerFilter(IdFilter):
    """`?customer=7` (or `?customer_owner=3` with `by="owner_id"`): only rows whose customer the reader may view now.

    A customer the reader may not view filters to nothing, exactly like one that does not
    exist, even when they may view rows on it (a salesperson's order on a customer since
    unshared from them): the filter neither answers an error nor lists those rows.
    """

    def __init__(self, *args, customer: str = "customer", by: str = "pk", **kwargs):
        self.customer_path = customer
        self.customer_lookup = by
        kwargs.setdefault("field_name", f"{customer}_id" if by == "pk" else f"{customer}__{by}")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        from crm.access import customers_visible_to  # the policy imports the models this module must not

        user = reader_of(self.parent)
        if user is None:
            return qs.none()  # no reader to ask the policy for: name no customer
        viewable = customers_visible_to(user).filter(**{self.customer_lookup: value}).values("pk")
        return qs.filter(**{self.field_name: value, f"{self.customer_path}_id__in": viewable})


def customer_name_condition(filterset, text: str, *, customer: str = "customer"):
    """A search term's condition on the rows' customer name, among the customers the reader may view."""
    from crm.access import customer_name_search

    user = reader_of(filterset)
    if user is None:
        return Q(pk__in=[])
    return customer_name_search(user, text, field=customer)
