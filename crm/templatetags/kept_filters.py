"""A list reached from a dashboard figure carries filters its form has no field for; keep them, in words.

{% load kept_filters %}
{% kept_filters_note filter "owner unresolved" %}  "Also filtered by Owner: Ann Smith; Unresolved: yes", and "Show all"
{% kept_filters_inputs filter "owner unresolved" %}  hidden inputs, so the form's next search keeps them

A reference (`?owner=3`, `?customer=7`) is named through its filter's reference kind
(crm.platform.audit.registry), among the records the viewer may view: an id they may not view, or
that names nothing, reads "#7", exactly alike, so that a caption reveals nothing.
A yes/no reads "yes"/"no", a choice its label, a day the portal's date format.
"""

from datetime import date, datetime

import django_filters
from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html, format_html_join

from accounts.access import teams_visible_to, users_visible_to
from crm.platform.api.filtering import IdFilter, as_record_id
from crm.platform.audit.registry import reference_kind
from crm.platform.dates import day_text, moment_text

register = template.Library()

# Users and teams are named in a caption only to those who may view them (a history names them to anyone).
CAPTION_SCOPES = {"user": users_visible_to, "team": teams_visible_to}

BOOLEAN_WORDS = {"true": "yes", "false": "no", "1": "yes", "0": "no", "yes": "yes", "no": "no"}
RANGE_SUFFIXES = {"_after": "from", "_before": "to", "_min": "from", "_max": "to"}


def _kept(filterset, names: str) -> list[tuple[str, str, str]]:
    """(name, label, value) for each named filter the request carries."""
    kept = []
    for name in names.split():
        for value in filterset.data.getlist(name) if hasattr(filterset.data, "getlist") else []:
            if value != "":
                kept.append((name, _label(filterset, name), value))
    return kept


def _filter_of(filterset, name: str):
    """The filter behind a parameter, and the part of a range it is ("from", "to") if it is one."""
    if name in filterset.filters:
        return filterset.filters[name], ""
    for suffix, part in RANGE_SUFFIXES.items():
        base = name.removesuffix(suffix)
        if base != name and base in filterset.filters:
            return filterset.filters[base], part
    return None, ""


def _label(filterset, name: str) -> str:
    found, part = _filter_of(filterset, name)
    label = str(found.label) if found is not None and found.label else name.replace("_", " ").capitalize()
    return f"{label} {part}" if part else label


def _described(filterset, kept, user) -> list[tuple[str, str]]:
    named = _names(filterset, kept, user)
    return [(label, _value_text(filterset, name, value, named)) for name, label, value in kept]


def _names(filterset, kept, user) -> dict[str, dict[int, str]]:
    """The names of the referenced records the viewer may view: a query per kind of reference."""
    wanted: dict[str, set[int]] = {}
    for name, _label_text, value in kept:
        found, _part = _filter_of(filterset, name)
        if isinstance(found, IdFilter) and found.names and (record_id := as_record_id(value)) is not None:
            wanted.setdefault(found.names, set()).add(record_id)
    named = {}
    for kind, ids in wanted.items():
        reference = reference_kind(kind)
        visible_to = CAPTION_SCOPES.get(kind) or (reference.visible_to if reference is not None else None)
        if visible_to is None or user is None or not user.is_authenticated:
            named[kind] = {}
            continue
        named[kind] = {record.pk: reference.label(record) for record in visible_to(user).filter(pk__in=ids)}
    return named


def _value_text(filterset, name: str, value: str, named) -> str:
    found, _part = _filter_of(filterset, name)
    if isinstance(found, IdFilter) and found.names:
        record_id = as_record_id(value)
        return named.get(found.names, {}).get(record_id) or f"#{value.lstrip('#')}"
    if isinstance(found, django_filters.BooleanFilter):
        return BOOLEAN_WORDS.get(value.strip().lower(), value)
    choices = getattr(found, "extra", {}).get("choices") if found is not None else None
    if choices and not callable(choices):
        return str({str(key): label for key, label in choices}.get(value, value))
    if isinstance(found, django_filters.DateTimeFilter):
        moment = _as_datetime(value)
        return moment_text(moment) if moment is not None else value
    if isinstance(found, django_filters.DateFilter | django_filters.DateFromToRangeFilter):
        day = _as_date(value)
        return day_text(day) if day is not None else value
    return value


def _as_datetime(value: str) -> datetime | None:
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _as_date(value: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


@register.simple_tag
def kept_filters_inputs(filterset, names: str) -> str:
    return format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}">',
        ((name, value) for name, _label, value in _kept(filterset, names)),
    )


@register.simple_tag(takes_context=True)
def kept_filters_note(context, filterset, names: str, clear_url: str = "?") -> str:
    kept = _kept(filterset, names)
    if not kept:
        return ""
    request = context.get("request")
    described = format_html_join("; ", "{}: {}", _described(filterset, kept, getattr(request, "user", None)))
    return format_html(
        '<p class="muted" data-testid="kept-filters">Also filtered by {}. <a href="{}">Show all</a></p>',
        described,
        clear_url,
    )
