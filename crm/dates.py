"""Dates and times as the portal writes them: the locale's format (crm/formats), the viewer's time zone.

Templates use the `day` and `when` filters ({% load dates %}); Python that builds a label
(history rows, SLA clocks, chart months) uses these functions, so one format holds everywhere.
The viewer's time zone is activated per request by crm.middleware.UserTimeZoneMiddleware.
"""

import zoneinfo
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone

NOTHING = "—"


def day_text(value: date | datetime | None) -> str:
    """A calendar day ("6 Dec 2026"); an aware datetime is first taken to the viewer's time zone."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = _local(value)
    return formats.date_format(value, "DATE_FORMAT")


def moment_text(value: datetime | None) -> str:
    """A moment in the viewer's time zone ("6 Dec 2026, 14:05")."""
    if value is None or value == "":
        return NOTHING
    if not isinstance(value, datetime):
        return day_text(value)
    if timezone.is_aware(value):
        value = _local(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def _local(value: datetime) -> datetime:
    try:
        return timezone.localtime(value)
    except (OverflowError, ValueError):
        return value  # a moment at the calendar's edge (a filter's typed value): shown in its own offset


def month_text(value: date) -> str:
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


def is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


EARLIEST_BUSINESS_YEAR = 1900


def validate_business_date(value: date | datetime | None) -> None:
    """A business date (a deal's expected close, when an activity happened) before 1900 is a typo."""
    if value is not None and value.year < EARLIEST_BUSINESS_YEAR:
        raise ValidationError(
            f"Enter a date in {EARLIEST_BUSINESS_YEAR} or later.", code="before_business_dates", params={"value": value}
        )
