"""Regressions of issue 11 point 10 through the URL stack (API and portal), as role personas:
dates at the calendar's edges, tampered keyset cursors and deeply nested JSON bodies answer
400 with a field message (or a clean page), never a 500. test_filter_sweep.py sweeps the rest.
"""

import base64
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.customers.models import Customer
from crm.platform.api.filtering import OUT_OF_RANGE
from sales.models import Stage
from support.models import Feedback
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory
from tests.support.factories import TicketFactory

pytestmark = pytest.mark.django_db

AHEAD, BEHIND = "Pacific/Kiritimati", "Etc/GMT+12"  # UTC+14 and UTC-12


@pytest.fixture
def records(org, sales_rep, support_team):
    customer = CustomerFactory(name="Maple Clinics", owner=sales_rep)
    CustomerFactory(name="Birch Dental", owner=sales_rep)
    for index in range(3):
        OpportunityFactory(customer=customer, name=f"Deal {index}", amount=Decimal(index), stage=Stage.WON)
        OrderFactory(customer=customer)
        ticket = TicketFactory(customer=customer, team=support_team, subject=f"Printer {index}")
        Feedback.objects.create(customer=customer, ticket=ticket, rating=3, comment="ok")
    Customer.objects.filter(pk=customer.pk).update(updated_at=timezone.now() - timedelta(days=1))
    return customer


# Dates at the calendar's edges: (role, path, parameter, value) -> 400 naming the parameter (API);
# a range (name_after, name_before) names its filter.
EDGE_DATES = [
    ("sales_rep", "/api/v1/opportunities/", "closed_before", "9999-12-31"),
    ("sales_rep", "/api/v1/opportunities/", "closed_after", "0001-01-01"),
    ("sales_manager", "/api/v1/opportunities/", "expected_close_after", "0001-01-01"),
    ("sales_manager", "/api/v1/opportunities/", "expected_close_before", "9999-12-31"),
    ("sales_rep", "/api/v1/orders/", "placed_at_before", "9999-12-31"),
    ("admin", "/api/v1/orders/", "placed_at_after", "0001-01-01"),
    ("sales_rep", "/api/v1/customers/", "updated_after", "9999-12-31T23:59:59-12:00"),
    ("support_rep", "/api/v1/customers/", "updated_before", "0001-01-01T00:00:00+14:00"),
    ("admin", "/api/v1/customers/", "updated_before", "9999-12-31T23:59:59.999999"),
    ("support_rep", "/api/v1/tickets/", "breached_after", "0001-01-01"),
    ("support_rep", "/api/v1/tickets/", "created_at_before", "9999-12-31"),
    ("support_rep", "/api/v1/feedback/", "created_at_after", "0001-01-01"),
]


@pytest.mark.parametrize("zone", [AHEAD, BEHIND])
@pytest.mark.parametrize(("role", "path", "name", "value"), EDGE_DATES)
def test_api_refuses_a_date_past_the_calendars_edge_with_a_field_error(
    api, records, request, settings, zone, role, path, name, value
):
    settings.TIME_ZONE = zone
    response = api.as_user(request.getfixturevalue(role)).get(path, {name: value})
    assert response.status_code == 400
    assert response.json() == {filter_name(name): [OUT_OF_RANGE]}


def filter_name(parameter: str) -> str:
    ranges = ("expected_close_", "placed_at_", "created_at_")
    return parameter.rsplit("_", 1)[0] if parameter.startswith(ranges) else parameter


@pytest.mark.parametrize("zone", [AHEAD, BEHIND])
@pytest.mark.parametrize(
    ("role", "path", "query"),
    [
        ("sales_rep", "/api/v1/opportunities/", {"closed_before": "9999-12-30", "closed_after": "0001-01-02"}),
        ("sales_rep", "/api/v1/orders/", {"placed_at_after": "0001-01-02", "placed_at_before": "9999-12-30"}),
        ("support_rep", "/api/v1/tickets/", {"created_at_after": "0001-01-02", "breached_after": "0001-01-02"}),
        ("sales_rep", "/api/v1/customers/", {"updated_after": "0001-01-03T00:00:00+14:00"}),
        # An offset Python takes and PostgreSQL does not (found by the fuzzer): the same instant in UTC.
        ("sales_rep", "/api/v1/customers/", {"updated_before": "1326-02-04T07:38:50.481669-18:17"}),
        ("admin", "/api/v1/customers/", {"updated_after": "2026-01-01T10:00:00+23:59"}),
    ],
)
def test_api_takes_the_last_days_inside_the_calendar(api, records, request, settings, zone, role, path, query):
    settings.TIME_ZONE = zone
    response = api.as_user(request.getfixturevalue(role)).get(path, query)
    assert response.status_code == 200


@pytest.mark.parametrize("zone", [AHEAD, BEHIND])
@pytest.mark.parametrize(
    ("role", "path", "name", "value"),
    [
        ("sales_rep", "/sales/pipeline/", "closed_before", "9999-12-31"),
        ("sales_manager", "/sales/opportunities/", "closed_after", "0001-01-01"),
        ("sales_rep", "/sales/orders/", "placed_at_before", "9999-12-31"),
        ("admin", "/customers/", "updated_after", "9999-12-31T23:59:59-12:00"),
        ("support_rep", "/support/feedback/", "created_at_after", "0001-01-01"),
    ],
)
def test_portal_lists_and_boards_show_the_field_error(
    portal, records, request, settings, zone, role, path, name, value
):
    settings.TIME_ZONE = zone
    response = portal.as_user(request.getfixturevalue(role)).get(path, {name: value})
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()


@pytest.mark.parametrize(
    ("role", "path", "name", "value"),
    [
        ("sales_rep", "/sales/opportunities/export.csv", "closed_before", "9999-12-31"),
        ("sales_rep", "/sales/orders/export.csv", "placed_at_after", "0001-01-01"),
        ("sales_rep", "/customers/export.csv", "updated_before", "0001-01-01T00:00:00+14:00"),
        ("support_rep", "/support/feedback/export.csv", "created_at_before", "9999-12-31"),
    ],
)
def test_portal_exports_answer_400_naming_the_field(portal, records, request, settings, role, path, name, value):
    settings.TIME_ZONE = BEHIND
    response = portal.as_user(request.getfixturevalue(role)).get(path, {name: value})
    assert response.status_code == 400
    assert response.content.decode() == f"{filter_name(name)}: {OUT_OF_RANGE}"


# Tampered cursors


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def first_cursor(client, path, ordering) -> str:
    body = client.get(path, {"ordering": ordering, "page_size": 1}).json()
    return dict(part.split("=", 1) for part in body["next"].split("?", 1)[1].split("&"))["cursor"]


def with_value(cursor: str, literal: str) -> str:
    """The cursor (without its direction letter) with its first sort value replaced by raw JSON text."""
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    rest = ",".join(json.dumps(value) for value in payload["v"][1:])
    return b64('{"o":' + json.dumps(payload["o"]) + ',"v":[' + literal + "," + rest + "]}")


TAMPERED = [
    '"Deal\\u00000"',  # NUL: PostgreSQL refuses it in text
    "1e999999",
    "-1e999999",
    "NaN",
    "Infinity",
    '"1e999999"',
    '"NaN"',
    '"2026-02-30"',
    '"9999-12-31T23:59:59-12:00"',
    '"0001-01-01T00:00:00+14:00"',
    '"2026-01-01T10:00:00"',  # no offset
    str(10**40),
    "[]",
    "true",
]


@pytest.mark.parametrize("ordering", ["-amount", "expected_close", "-updated_at", "id"])
@pytest.mark.parametrize("literal", TAMPERED)
@pytest.mark.parametrize("direction", ["n", "p"])
def test_api_answers_a_tampered_cursor_with_400(api, records, sales_rep, ordering, literal, direction):
    client = api.as_user(sales_rep)
    cursor = first_cursor(client, "/api/v1/opportunities/", ordering)
    tampered = direction + with_value(cursor[1:], literal)
    response = client.get("/api/v1/opportunities/", {"ordering": ordering, "page_size": 1, "cursor": tampered})
    assert response.status_code == 400
    assert response.json() == {"cursor": ["Invalid cursor"]}


@pytest.mark.parametrize("offset", ["-18:17", "+23:59", "+15:59"])
def test_api_takes_a_cursor_time_at_any_offset_python_reads(api, records, sales_rep, offset):
    """PostgreSQL refuses offsets past 15:59 that Python reads (found by the fuzzer): the instant goes as UTC."""
    client = api.as_user(sales_rep)
    cursor = first_cursor(client, "/api/v1/opportunities/", "-updated_at")
    moved = "n" + with_value(cursor[1:], f'"2026-01-01T10:00:00{offset}"')
    response = client.get("/api/v1/opportunities/", {"ordering": "-updated_at", "page_size": 1, "cursor": moved})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("literal", "status"), [('"Deal\\u00000"', 400), ("[]", 400), ("true", 400), ('"1e999999"', 200)]
)
def test_api_takes_any_text_but_nul_in_a_cursor_on_a_name(api, records, sales_rep, literal, status):
    client = api.as_user(sales_rep)
    cursor = first_cursor(client, "/api/v1/opportunities/", "name")
    response = client.get(
        "/api/v1/opportunities/", {"ordering": "name", "cursor": "n" + with_value(cursor[1:], literal)}
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "cursor",
    ["n" + b64("[" * 100_000), "n" + "A" * 10_000, "n\x00", "n" + b64('{"o":["id"],"v":[1]}')[:-2], "nW1s"],
)
def test_api_answers_a_garbled_cursor_with_400(api, records, support_rep, cursor):
    response = api.as_user(support_rep).get("/api/v1/tickets/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json() == {"cursor": ["Invalid cursor"]}


@pytest.mark.parametrize("literal", TAMPERED)
@pytest.mark.parametrize("position", ["after", "before"])
def test_portal_shows_the_first_page_for_a_tampered_cursor(api, portal, records, sales_rep, literal, position):
    """The portal's customer list by date of creation: a cursor it cannot use shows the first page."""
    cursor = first_cursor(api.as_user(sales_rep), "/api/v1/customers/", "created_at")
    tampered = with_value(cursor[1:], literal)
    response = portal.as_user(sales_rep).get("/customers/", {"ordering": "created_at", position: tampered})
    assert response.status_code == 200
    assert "Maple Clinics" in response.content.decode()
    assert "Birch Dental" in response.content.decode()


@pytest.mark.parametrize("value", ["1e30", str(2**64), "1e999999", "1.5"])
def test_a_number_filter_past_a_bigint_is_refused(api, records, support_rep, value):
    """?ticket_assignee= was a Decimal filter: 1e30 reached the database as a 31-digit id (OverflowError)."""
    response = api.as_user(support_rep).get("/api/v1/feedback/", {"ticket_assignee": value})
    assert response.status_code == 400
    assert list(response.json()) == ["ticket_assignee"]


# Deeply nested JSON bodies

DEEP_BODIES = ["[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000]


@pytest.mark.parametrize("body", DEEP_BODIES, ids=["arrays", "objects", "closed-arrays"])
@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("sales_rep", "post", "/api/v1/customers/"),
        ("sales_rep", "patch", "customer"),
        ("admin", "post", "/api/v1/teams/"),
        ("support_rep", "post", "/api/v1/tickets/"),
        (None, "post", "/api/v1/auth/token/"),
    ],
)
def test_a_deeply_nested_json_body_answers_400_json(api, records, request, body, role, method, path):
    user = request.getfixturevalue(role) if role else None
    if path == "customer":
        path = f"/api/v1/customers/{records.pk}/"
    before = Customer.objects.values_list("name", "version").get(pk=records.pk)
    response = getattr(api.as_user(user), method)(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested too deeply" in response.json()["detail"]
    assert Customer.objects.values_list("name", "version").get(pk=records.pk) == before
