"""Issue 11 point 18: dates in one format and the user's time zone, history with field labels,
one highlighted navigation item, business dates before 1900 refused."""

import re
import zoneinfo
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from crm.platform.audit.registry import BOOKKEEPING_FIELDS, audited_models
from sales.models import Opportunity
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def nav_current(response) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', response.content.decode())


# One highlighted navigation item


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", ["Home"]),
        ("/customers/", ["Customers"]),
        ("/sales/pipeline/", ["Pipeline"]),
        ("/sales/opportunities/", ["Opportunities"]),
        ("/sales/opportunities/new/", ["Opportunities"]),
        ("/sales/orders/", ["Orders"]),
        ("/sales/products/", ["Products"]),
        ("/support/queues/all/", ["Tickets"]),
        ("/support/feedback/", ["Feedback"]),
        ("/dashboard/", ["Dashboard"]),
    ],
)
def test_exactly_one_navigation_item_is_current(org, portal, sales_manager, path, current):
    response = portal.as_user(sales_manager).get(path)
    assert response.status_code == 200
    assert nav_current(response) == current


@pytest.mark.parametrize("persona", ["admin", "sales_manager", "sales_rep", "support_manager", "support_rep"])
def test_the_feedback_page_highlights_only_feedback_for_every_role(org, portal, request, persona):
    response = portal.as_user(request.getfixturevalue(persona)).get("/support/feedback/")
    assert response.status_code == 200
    assert nav_current(response) == ["Feedback"]


# Dates: one format, the user's time zone


def test_pages_write_times_in_the_users_time_zone_and_one_format(org, portal, sales_rep):
    customer = CustomerFactory(owner=sales_rep, name="Zoned")
    opportunity = OpportunityFactory(customer=customer, expected_close=date(2026, 3, 5))
    moment = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    Opportunity.objects.filter(pk=opportunity.pk).update(updated_at=moment)
    client = portal.as_user(sales_rep)

    in_utc = client.get(f"/sales/opportunities/{opportunity.pk}/").content.decode()
    assert "15 Jan 2026, 23:30" in in_utc
    assert "5 Mar 2026" in in_utc

    sales_rep.time_zone = "Europe/Berlin"
    sales_rep.save(update_fields=["time_zone"])
    in_berlin = client.get(f"/sales/opportunities/{opportunity.pk}/").content.decode()
    assert "16 Jan 2026, 00:30" in in_berlin  # the next day in Berlin
    assert "15 Jan 2026, 23:30" not in in_berlin
    assert "5 Mar 2026" in in_berlin  # a calendar day has no time zone
    listed = client.get("/sales/opportunities/").content.decode()
    assert "5 Mar 2026" in listed
    assert "2026-03-05" not in re.sub(r'(value|href|datetime)="[^"]*"', "", listed)


def test_the_time_zone_ends_with_the_request(org, portal, sales_rep):
    sales_rep.time_zone = "Asia/Tokyo"
    sales_rep.save(update_fields=["time_zone"])
    portal.as_user(sales_rep).get("/customers/")
    assert timezone.get_current_timezone_name() == "UTC"


def test_an_unknown_time_zone_is_refused(org, sales_rep):
    from django.core.exceptions import ValidationError

    sales_rep.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError):
        sales_rep.full_clean()


def test_history_writes_times_in_the_users_format_and_zone(portal, support_org, support_manager, ticket):
    support_manager.time_zone = "America/New_York"
    support_manager.save(update_fields=["time_zone"])
    client = portal.as_user(support_manager)
    response = client.post(f"/support/tickets/{ticket.pk}/priority/", {"priority": "urgent", "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    page = client.get(f"/history/ticket/{ticket.pk}/").content.decode()
    local_due = timezone.localtime(ticket.sla_due_at, timezone=zoneinfo.ZoneInfo("America/New_York"))
    assert f"{local_due.day} {local_due:%b %Y, %H:%M}" in page
    assert " UTC" not in page


# History field labels


def test_history_names_the_sla_field_as_people_write_it(portal, support_org, support_manager, ticket):
    client = portal.as_user(support_manager)
    response = client.post(f"/support/tickets/{ticket.pk}/priority/", {"priority": "urgent", "version": ticket.version})
    assert response.status_code == 302
    page = client.get(f"/history/ticket/{ticket.pk}/").content.decode()
    assert re.search(r'data-field="sla_due_at"><th scope="row">SLA due at</th>', page)
    assert "Sla due at" not in page


ACRONYMS = re.compile(r"\b(sla|sku|csat|url|id|ip|api)\b")


def test_every_audited_field_has_a_readable_label():
    for spec in audited_models():
        for model_field in spec.model._meta.concrete_fields:
            if model_field.name in BOOKKEEPING_FIELDS:
                continue
            label = spec.field_labels.get(model_field.name) or str(model_field.verbose_name)
            assert not ACRONYMS.search(label), f"{spec.model.__name__}.{model_field.name}: {label!r}"


# Business dates before 1900


@pytest.mark.parametrize("expected_close", ["1899-12-31", "0001-01-01", "0999-06-01"])
def test_an_expected_close_before_1900_is_a_field_error_in_the_portal(portal, org, sales_rep, expected_close):
    customer = CustomerFactory(owner=sales_rep)
    opportunity = OpportunityFactory(customer=customer, name="Stable", expected_close=date(2026, 1, 1))
    client = portal.as_user(sales_rep)
    data = {"name": "Deal", "stage": "prospecting", "amount": "1", "expected_close": expected_close}
    created = client.post("/sales/opportunities/new/", {"customer": customer.pk, **data})
    edited = client.post(f"/sales/opportunities/{opportunity.pk}/edit/", {"version": 1, **data})
    for response in (created, edited):
        assert response.status_code == 200
        assert response.context["form"].errors["expected_close"] == ["Enter a date in 1900 or later."]
    assert Opportunity.objects.filter(customer=customer).count() == 1
    opportunity.refresh_from_db()
    assert (opportunity.expected_close, opportunity.version) == (date(2026, 1, 1), 1)


@pytest.mark.parametrize("expected_close", ["1899-12-31", "0001-01-01"])
def test_an_expected_close_before_1900_is_a_field_error_in_the_api(api, org, sales_rep, expected_close):
    customer = CustomerFactory(owner=sales_rep)
    opportunity = OpportunityFactory(customer=customer, name="Stable", expected_close=date(2026, 1, 1))
    client = api.as_user(sales_rep)
    created = client.post(
        "/api/v1/opportunities/",
        {"customer": customer.pk, "name": "Deal", "amount": "1", "expected_close": expected_close},
        format="json",
    )
    assert created.status_code == 400
    assert created.json()["expected_close"] == ["Enter a date in 1900 or later."]
    edited = client.patch(
        f"/api/v1/opportunities/{opportunity.pk}/", {"expected_close": expected_close, "version": 1}, format="json"
    )
    assert edited.status_code == 400
    assert "expected_close" in edited.json()
    opportunity.refresh_from_db()
    assert (opportunity.expected_close, opportunity.version) == (date(2026, 1, 1), 1)
    assert Opportunity.objects.filter(customer=customer).count() == 1


def test_an_expected_close_in_1900_is_fine(api, org, sales_rep):
    customer = CustomerFactory(owner=sales_rep)
    response = api.as_user(sales_rep).post(
        "/api/v1/opportunities/",
        {"customer": customer.pk, "name": "Old", "amount": "1", "expected_close": "1900-01-01"},
        format="json",
    )
    assert response.status_code == 201


def test_every_record_page_writes_its_times_in_the_users_zone(portal, support_org, support_manager, ticket):
    """Ticket, customer and feedback pages: one format, the viewer's zone (Tokyo: UTC+9)."""
    from crm.customers.models import Customer
    from support.models import Feedback, Ticket
    from tests.support.factories import FeedbackFactory

    moment = datetime(2026, 2, 27, 20, 15, tzinfo=UTC)  # 28 Feb 2026, 05:15 in Tokyo
    Ticket.objects.filter(pk=ticket.pk).update(created_at=moment)
    Customer.objects.filter(pk=ticket.customer_id).update(updated_at=moment)
    feedback = FeedbackFactory(customer=ticket.customer, ticket=ticket)
    Feedback.objects.filter(pk=feedback.pk).update(created_at=moment)
    support_manager.time_zone = "Asia/Tokyo"
    support_manager.save(update_fields=["time_zone"])
    client = portal.as_user(support_manager)
    for path in (f"/support/tickets/{ticket.pk}/", f"/customers/{ticket.customer_id}/", "/support/feedback/"):
        page = client.get(path).content.decode()
        assert "28 Feb 2026, 05:15" in page, path
        assert "27 Feb 2026" not in page, path
        assert "2026-02-2" not in re.sub(r'(value|href|datetime)="[^"]*"', "", page), path
