"""Each user chooses the time zone and the date format the portal writes their times in (issue 11, point 18).

Through the portal's own settings page (/account/settings/), for every role; another user's pages keep
the installation's format; bad input is a form error that stores nothing.
"""

from datetime import UTC, date, datetime

import pytest

from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "sales_manager", "sales_rep", "support_manager", "support_rep"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sets_its_own_time_zone_and_date_format(portal, request, role):
    user = request.getfixturevalue(role)
    page = portal.as_user(user).get("/account/settings/")
    assert page.status_code == 200
    assert 'name="date_locale"' in page.content.decode()
    saved = portal.post("/account/settings/", {"time_zone": "America/New_York", "date_locale": "en-US"})
    assert saved.status_code == 302
    user.refresh_from_db()
    assert (user.time_zone, user.date_locale) == ("America/New_York", "en-US")


@pytest.mark.parametrize(
    ("date_locale", "time_zone", "day", "moment"),
    [
        ("", "", "6 Dec 2026", "6 Dec 2026, 23:30"),
        ("en-GB", "Europe/London", "6 Dec 2026", "6 Dec 2026, 23:30"),
        ("en-US", "America/New_York", "Dec 6, 2026", "Dec 6, 2026, 6:30 PM"),
        ("de-DE", "Europe/Berlin", "06.12.2026", "07.12.2026, 00:30"),
        ("fr-FR", "Europe/Paris", "06/12/2026", "07/12/2026 00:30"),
        ("iso", "Asia/Tokyo", "2026-12-06", "2026-12-07 08:30"),
    ],
)
def test_pages_write_dates_in_the_viewers_format_and_zone(
    portal, sales_rep, sales_manager, sales_team, date_locale, time_zone, day, moment
):
    customer = CustomerFactory(owner=sales_rep)
    customer_updated = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    type(customer).objects.filter(pk=customer.pk).update(updated_at=customer_updated)
    opportunity = OpportunityFactory(customer=customer, expected_close=date(2026, 12, 6))
    portal.as_user(sales_rep).post("/account/settings/", {"time_zone": time_zone, "date_locale": date_locale})
    assert f"<dd>{day}</dd>" in portal.get(f"/sales/opportunities/{opportunity.pk}/").content.decode()
    assert f"<dd>{moment}</dd>" in portal.get(f"/customers/{customer.pk}/").content.decode()
    # Their manager, who chose nothing, reads the same records in the installation's format and zone (UTC).
    manager = portal.as_user(sales_manager)
    assert "<dd>6 Dec 2026</dd>" in manager.get(f"/sales/opportunities/{opportunity.pk}/").content.decode()
    assert "<dd>6 Dec 2026, 23:30</dd>" in manager.get(f"/customers/{customer.pk}/").content.decode()


@pytest.mark.parametrize(
    ("posted", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons", "date_locale": ""}, "time_zone"),
        ({"time_zone": "Europe/Berlin\n", "date_locale": ""}, "time_zone"),
        ({"time_zone": "", "date_locale": "xx-XX"}, "date_locale"),
    ],
)
def test_bad_settings_are_a_form_error_and_store_nothing(portal, sales_rep, posted, field):
    answer = portal.as_user(sales_rep).post("/account/settings/", posted)
    assert answer.status_code == 400
    assert field in answer.context["form"].errors
    sales_rep.refresh_from_db()
    assert (sales_rep.time_zone, sales_rep.date_locale) == ("", "")


def test_settings_need_a_log_in(portal):
    answer = portal.as_user(None).post("/account/settings/", {"time_zone": "UTC", "date_locale": "iso"})
    assert answer.status_code == 302
    assert answer["Location"].startswith("/login/")


def test_the_api_says_which_format_and_zone_the_user_chose(api, portal, support_rep):
    portal.as_user(support_rep).post("/account/settings/", {"time_zone": "Europe/Paris", "date_locale": "fr-FR"})
    me = api.as_user(support_rep).get("/api/v1/me/").json()
    assert (me["time_zone"], me["date_locale"]) == ("Europe/Paris", "fr-FR")
    api.patch("/api/v1/me/", {"date_locale": "iso"}, format="json")
    support_rep.refresh_from_db()
    assert support_rep.date_locale == "fr-FR"  # /me/ is read-only: the settings page changes it
