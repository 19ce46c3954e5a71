"""The portal's one way of writing dates and times in English (FORMAT_MODULE_PATH = "crm.formats").

Every page writes a day as "6 Dec 2026" and a moment as "6 Dec 2026, 14:05" in the viewer's
time zone, through the `day` and `when` filters (crm/templatetags/dates.py) and `crm.platform.dates`.
Form inputs keep Django's English input formats (ISO first), which `<input type="date">` needs.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
TIME_FORMAT = "H:i"
