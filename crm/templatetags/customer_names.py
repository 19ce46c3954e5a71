"""`{{ record|customer_name }}`: the name of a record's customer as its reader may see it.

The record comes from a selector that asked the customer policy for its reader
(`crm.customers.access.with_customer_viewable`); a customer the reader may not view now is
"a customer you cannot view", and a record without the policy's answer names none.
"""

from django import template

from crm.customers.access import customer_is_viewable, customer_name_shown

register = template.Library()


@register.filter
def customer_name(record) -> str:
    return customer_name_shown(record) or "—"


@register.filter
def customer_viewable(record) -> bool:
    return customer_is_viewable(record)
