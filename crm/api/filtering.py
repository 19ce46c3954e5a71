"""Filter fields shared by the FilterSets of every context (portal and API alike).

A reference filter (`?customer=7`, `?owner=3`) takes a whole number that a database id
can be, else it answers 400 naming the parameter. It checks no existence: an id the
user may not view filters to nothing, exactly like an id that does not exist, so that a
filter cannot tell anyone which records exist (ModelChoiceFilter would answer 400 for a
missing one and 200 for an invisible one).
"""

import django_filters
from django import forms

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
