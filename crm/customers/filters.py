"""Filters that the customer list shares between the portal and the API."""

import django_filters
from django.db.models import Q

from crm.customers.fields import VisibleCustomerFilter
from crm.customers.models import Contact, Customer
from crm.platform.api.filtering import FilterSet, IdFilter, IsoDateTimeFilter

CUSTOMER_ORDERINGS = ("name", "-name", "created_at", "-created_at", "updated_at", "-updated_at", "id", "-id")


def search_customers(queryset, name, value):
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value) | Q(phone__icontains=value))


class CustomerFilter(FilterSet):
    search = django_filters.CharFilter(method=search_customers, label="Search", max_length=200)
    owner = IdFilter(field_name="owner_id", names="user")
    industry = django_filters.CharFilter(lookup_expr="iexact", max_length=100)
    updated_after = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label="Updated from")
    updated_before = IsoDateTimeFilter(field_name="updated_at", lookup_expr="lt", label="Updated before")

    class Meta:
        model = Customer
        fields = ["search", "owner", "industry", "email"]


def search_contacts(queryset, name, value):
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(
        Q(first_name__icontains=value)
        | Q(last_name__icontains=value)
        | Q(email__icontains=value)
        | Q(phone__icontains=value)
    )


class ContactFilter(FilterSet):
    search = django_filters.CharFilter(method=search_contacts, max_length=200)
    customer = VisibleCustomerFilter(names="customer")

    class Meta:
        model = Contact
        fields = ["search", "customer", "email"]
