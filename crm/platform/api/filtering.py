"""Filter fields shared by the FilterSets of every context (portal and API alike).

A reference filter (`?customer=7`, `?owner=3`) takes a whole number that a database id
can be, else it answers 400 naming the parameter. It checks no existence: an id the
user may not view filters to nothing, exactly like an id that does not exist, so that a
filter cannot tell anyone which records exist (ModelChoiceFilter would answer 400 for a
missing one and 200 for an invisible one).
"""

from datetime import UTC, date, datetime

import django_filters
import django_filters.constants
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_filters.fields import DateRangeField, IsoDateTimeField
from rest_framework import filters

LARGEST_ID = 2**63 - 1  # a bigint column

# The days a date filter takes. A day's bounds in any time zone (UTC-12 to UTC+14), and the next
# day's start that "on or before" needs, must stay within years 1 to 9999, where Python's dates
# (and so the conversion to UTC before a query) end: a day at the calendar's very edge is refused
# with a field error, never an OverflowError.
EARLIEST_DAY, LATEST_DAY = date(1, 1, 2), date(9999, 12, 30)
OUT_OF_RANGE = f"Enter a date from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}."


def within_calendar(value) -> None:
    """A validator for date and date-time filter fields: the value (as UTC, for a time) lies in the range."""
    if isinstance(value, datetime):
        try:
            value = (timezone.make_aware(value) if timezone.is_naive(value) else value).astimezone(UTC).date()
        except (OverflowError, ValueError):
            raise ValidationError(OUT_OF_RANGE, code="out_of_range") from None
    if isinstance(value, date) and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


class CalendarDateField(forms.DateField):
    default_validators = [within_calendar]


class CalendarDateTimeField(IsoDateTimeField):
    default_validators = [within_calendar]

    def clean(self, value):
        moment = super().clean(value)
        # The same instant in UTC: Python takes offsets up to 23:59, PostgreSQL only up to 15:59.
        return moment.astimezone(UTC) if isinstance(moment, datetime) else moment


class CalendarDateRangeField(DateRangeField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields:
            field.validators.append(within_calendar)


class DateFilter(django_filters.DateFilter):
    """?day=YYYY-MM-DD, within the calendar's safe range (else 400 naming the parameter)."""

    field_class = CalendarDateField


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """?time=ISO 8601 date-time (an offset or the current time zone), within the calendar's safe range."""

    field_class = CalendarDateTimeField


class DateFromToRangeFilter(django_filters.DateFromToRangeFilter):
    """?name_after=&name_before= (whole days, both inclusive), within the calendar's safe range."""

    field_class = CalendarDateRangeField


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number a bigint column can hold (else 400). Never a Decimal: int(Decimal("1e999999"))
    takes the server a minute, and a number past the column's range is an OverflowError."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -LARGEST_ID - 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(*args, **kwargs)


class IdFilter(WholeNumberFilter):
    """`names`: the reference kind (crm.platform.audit.registry: "user", "customer", ...) that names the record in a
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


def reader_of(filterset) -> object | None:
    """The user a FilterSet filters for (portal views and the API pass `request`); None if it was given none."""
    request = getattr(filterset, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class OrderingFilter(filters.OrderingFilter):
    """DRF's ?ordering=, with the values a list accepts written into the OpenAPI schema as an enum."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, list | tuple) and fields:
            names = [field if isinstance(field, str) else field[0] for field in fields]
            for parameter in parameters:
                parameter["schema"]["enum"] = [value for name in names for value in (name, f"-{name}")]
        return parameters


class FilterSet(django_filters.FilterSet):
    """The project's FilterSets: filters made from a model's date and time fields take only safe dates,
    those made from its integer fields only whole numbers the column can hold."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        **{
            field: {"filter_class": WholeNumberFilter}
            for field in (
                models.AutoField,
                models.BigAutoField,
                models.SmallAutoField,
                models.IntegerField,
                models.BigIntegerField,
                models.SmallIntegerField,
                models.PositiveIntegerField,
                models.PositiveBigIntegerField,
                models.PositiveSmallIntegerField,
            )
        },
        models.DateField: {"filter_class": DateFilter},
        models.DateTimeField: {"filter_class": IsoDateTimeFilter},
    }
