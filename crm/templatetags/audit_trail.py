"""`{% audit_trail record %}`: the history panel of a record's page.

The panel loads its entries with htmx from the record's history page (its own
request, with its own constant query budget), so the record's page costs no query
more; without script it is a link to that page. The history page answers 404 to
anyone who may not view the record, like the record's own page.
"""

from django import template
from django.urls import reverse

from crm.platform.audit.registry import record_type_of

register = template.Library()


@register.inclusion_tag("crm/_audit_trail.html")
def audit_trail(record):
    return {"history_url": reverse("record-history", args=[record_type_of(type(record)), record.pk])}
