"""Dates and times as the portal writes them: the locale's format (crm/formats), the viewer's time zone.

Templates use the `day` and `when` filters ({% load dates %}); Python that builds a label
(history rows, SLA clocks, chart months) uses these functions, so one format holds everywhere.
The viewer's time zone and date format (User.date_locale) are set per request by
crm.platform.middleware.ViewerPreferencesMiddleware.
"""

from contextvars import ContextVar
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone

NOTHING = "—"

# A user's date format (accounts.models.DateLocale): (a day, a moment) as Django date formats. A user who
# chose none gets the installation's (DATE_FORMAT and DATETIME_FORMAT, crm/formats).
LOCALE_FORMATS = {
    "en-GB": ("j M Y", "j M Y, H:i"),
    "en-US": ("M j, Y", "M j, Y, g:i A"),
    "de-DE": ("d.m.Y", "d.m.Y, H:i"),
    "fr-FR": ("d/m/Y", "d/m/Y H:i"),
    "iso": ("Y-m-d", "Y-m-d H:i"),
}
# The viewer's date format, set for one request by crm.platform.middleware.ViewerPreferencesMiddleware.
viewer_date_locale: ContextVar[str] = ContextVar("viewer_date_locale", default="")


def _format(which: int, installation_format: str) -> str:
    chosen = LOCALE_FORMATS.get(viewer_date_locale.get())
    return chosen[which] if chosen else installation_format


def day_text(value: date | datetime | None) -> str:
    """A calendar day ("6 Dec 2026"); an aware datetime is first taken to the viewer's time zone."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = _local(value)
    return formats.date_format(value, _format(0, "DATE_FORMAT"))


def moment_text(value: datetime | None) -> str:
    """A moment in the viewer's time zone ("6 Dec 2026, 14:05")."""
    if value is None or value == "":
        return NOTHING
    if not isinstance(value, datetime):
        return day_text(value)
    if timezone.is_aware(value):
        value = _local(value)
    return formats.date_format(value, _format(1, "DATETIME_FORMAT"))


def _local(value: datetime) -> datetime:
    try:
        return timezone.localtime(value)
    except (OverflowError, ValueError):
        return value  # a moment at the calendar's edge (a filter's typed value): shown in its own offset


def month_text(value: date) -> str:
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


EARLIEST_BUSINESS_YEAR = 1900


def validate_business_date(value: date | datetime | None) -> None:
    """A business date (a deal's expected close, when an activity happened) before 1900 is a typo."""
    if value is not None and value.year < EARLIEST_BUSINESS_YEAR:
        raise ValidationError(
            f"Enter a date in {EARLIEST_BUSINESS_YEAR} or later.", code="before_business_dates", params={"value": value}
        )
