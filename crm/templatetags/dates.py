"""{% load dates %}: {{ opportunity.expected_close|day }} and {{ ticket.created_at|when }}.

The one way a page writes a date or a time (crm/platform/dates.py): the locale's format, the viewer's time zone.
`{{ value|when_iso }}` is the machine-readable form for a <time datetime="..."> attribute.
"""

from django import template
from django.utils import timezone

from crm.platform.dates import day_text, moment_text

register = template.Library()


@register.filter
def day(value) -> str:
    return day_text(value)


@register.filter
def when(value) -> str:
    return moment_text(value)


@register.filter
def when_iso(value) -> str:
    if not value:
        return ""
    return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat(timespec="seconds")
