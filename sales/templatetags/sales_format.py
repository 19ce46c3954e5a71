from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def money(value) -> str:
    """12500 -> "12,500.00 EUR": two decimals, grouped thousands, the installation's currency."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{amount:,.2f} {settings.CRM_CURRENCY}"
