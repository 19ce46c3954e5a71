"""A list reached from a dashboard figure carries filters its form has no field for; keep them.

{% load kept_filters %}
{% kept_filters_note filter "owner closed_after" %}    the filters in words, and a link without them
{% kept_filters_inputs filter "owner closed_after" %}  hidden inputs, so the form's next search keeps them
"""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _kept(filterset, names: str) -> list[tuple[str, str, str]]:
    """(name, label, value) for each named filter the request carries."""
    kept = []
    for name in names.split():
        for value in filterset.data.getlist(name) if hasattr(filterset.data, "getlist") else []:
            if value != "":
                label = filterset.filters[name].label if name in filterset.filters else name
                kept.append((name, label or name.replace("_", " "), value))
    return kept


@register.simple_tag
def kept_filters_inputs(filterset, names: str) -> str:
    return format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}">',
        ((name, value) for name, _label, value in _kept(filterset, names)),
    )


@register.simple_tag
def kept_filters_note(filterset, names: str, clear_url: str = "?") -> str:
    kept = _kept(filterset, names)
    if not kept:
        return ""
    described = format_html_join("; ", "{}: {}", ((label, value) for _name, label, value in kept))
    return format_html(
        '<p class="muted" data-testid="kept-filters">Also filtered by {}. <a href="{}">Show all</a></p>',
        described,
        clear_url,
    )
