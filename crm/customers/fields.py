import django_filters
import django_filters.constants
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.platform.api.filtering import IdFilter, reader_of


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class CustomerNameField(serializers.Field):
    """`customer_name` (read-only): the record's customer's name if the reader may view that customer now, else null.

    `customer` stays the id (v1); the name follows the customer policy at read time
    (ACCESS.md), so a salesperson whose customer was unshared keeps the id of their
    order's customer and never learns its name. Lists answer from the selector's
    `viewable_customer_id`; a record fresh from a service asks the policy once.
    """

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True, allow_null=True)
        kwargs.setdefault("help_text", "The customer's name; null without a customer or one you cannot view.")
        super().__init__(**kwargs)

    def to_representation(self, record):
        from crm.customers.access import VIEWABLE_CUSTOMER_ID, customer_is_viewable, viewable_customer_ids

        if record.customer_id is None:
            return None
        if getattr(record, VIEWABLE_CUSTOMER_ID, None) != record.customer_id:
            # Not read for this reader, or its customer changed since: ask the policy (one query).
            reader = getattr(self.context.get("request"), "user", None)
            if reader is None:
                return None  # no reader to ask the policy for: name no customer
            viewable = viewable_customer_ids(reader, [record.customer_id])
            setattr(record, VIEWABLE_CUSTOMER_ID, record.customer_id if viewable else None)
        return record.customer.name if customer_is_viewable(record) else None


class VisibleCustomerField(serializers.PrimaryKeyRelatedField):
    """`customer` (written): a customer the writer may view now; the record's own customer also passes, so
    a record sent back as it was read is accepted (a salesperson's order on a customer since unshared).

    Any other customer the writer may not view is refused exactly like an id that does not exist
    (400, the same words): it does not exist for them (ACCESS.md, "What a refusal looks like").
    """

    def get_queryset(self):
        from crm.customers.access import customers_visible_to  # the policy imports the models this module must not
        from crm.customers.models import Customer

        visible = customers_visible_to(self.context["request"].user)
        instance = getattr(self.parent, "instance", None)
        current_id = getattr(instance, "customer_id", None) if instance is not None else None
        if current_id is None:
            return visible
        return Customer.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk=current_id))


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
        from crm.customers.access import customers_visible_to  # the policy imports the models this module must not

        user = reader_of(self.parent)
        if user is None:
            return qs.none()  # no reader to ask the policy for: name no customer
        viewable = customers_visible_to(user).filter(**{self.customer_lookup: value}).values("pk")
        return qs.filter(**{self.field_name: value, f"{self.customer_path}_id__in": viewable})


def customer_name_condition(filterset, text: str, *, customer: str = "customer"):
    """A search term's condition on the rows' customer name, among the customers the reader may view."""
    from crm.customers.access import customer_name_search

    user = reader_of(filterset)
    if user is None:
        return Q(pk__in=[])
    return customer_name_search(user, text, field=customer)
