"""Filters that the sales lists share between the portal and the API."""

from datetime import date, timedelta

import django_filters
from django.db.models import Q

from crm.customers.fields import VisibleCustomerFilter, customer_name_condition
from crm.platform.api.filtering import DateFilter, DateFromToRangeFilter, FilterSet, IdFilter, as_record_id
from crm.platform.periods import start_of

from .models import Opportunity, Order, OrderStatus, Product, Stage

OPPORTUNITY_ORDERINGS = (
    "name",
    "-name",
    "amount",
    "-amount",
    "expected_close",
    "-expected_close",
    "updated_at",
    "-updated_at",
    "id",
    "-id",
)
ORDER_ORDERINGS = ("created_at", "-created_at", "placed_at", "-placed_at", "total", "-total", "id", "-id")
PRODUCT_ORDERINGS = ("name", "-name", "sku", "-sku", "unit_price", "-unit_price", "id", "-id")


def _search(*fields):
    def search(queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return search


def closed_on_or_after(day: date) -> Q:
    """Won or lost on `day` or later (in the installation's time zone).

    A range from the start of the day rather than `__date`, so that an index on won_at or lost_at serves it.
    """
    since = start_of(day)
    return Q(won_at__gte=since) | Q(lost_at__gte=since)


def closed_on_or_before(day: date) -> Q:
    until = start_of(day + timedelta(days=1))
    return Q(won_at__lt=until) | Q(lost_at__lt=until)


def filter_closed_after(queryset, name, value):
    return queryset if value is None else queryset.filter(closed_on_or_after(value))


def filter_closed_before(queryset, name, value):
    return queryset if value is None else queryset.filter(closed_on_or_before(value))


class OpportunityFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=200)
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label="Stage")
    owner = IdFilter(field_name="owner_id", names="user")
    customer = VisibleCustomerFilter(names="customer")
    # ?expected_close_after=2026-01-01&expected_close_before=2026-03-31 (both inclusive)
    expected_close = DateFromToRangeFilter(label="Expected close")
    # ?closed_after=2026-04-01&closed_before=2026-06-30: won or lost within those days (both inclusive)
    closed_after = DateFilter(method=filter_closed_after, label="Won or lost on or after")
    closed_before = DateFilter(method=filter_closed_before, label="Won or lost on or before")

    class Meta:
        model = Opportunity
        fields = ["search", "stage", "owner", "customer", "expected_close", "closed_after", "closed_before"]

    def filter_search(self, queryset, name, value):
        # The customer's name matches only among the customers the reader may view now.
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | customer_name_condition(self, value))


class OrderFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=200)
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices, label="Status")
    owner = IdFilter(field_name="owner_id", names="user")
    customer = VisibleCustomerFilter(names="customer")
    # ?placed_at_after=2026-01-01&placed_at_before=2026-01-31 (whole days, both inclusive)
    placed_at = DateFromToRangeFilter(label="Placed")

    class Meta:
        model = Order
        fields = ["search", "status", "owner", "customer", "placed_at"]

    def filter_search(self, queryset, name, value):
        # "#37" names an order; other text a customer, among those the reader may view now.
        value = value.strip().removeprefix("#")
        if not value:
            return queryset
        condition = customer_name_condition(self, value)
        if (order_id := as_record_id(value)) is not None:
            condition |= Q(pk=order_id)
        return queryset.filter(condition)


class ProductFilter(FilterSet):
    search = django_filters.CharFilter(method=_search("name", "sku"), label="Search", max_length=200)
    active = django_filters.BooleanFilter(label="Sold")

    class Meta:
        model = Product
        fields = ["search", "active", "sku"]
