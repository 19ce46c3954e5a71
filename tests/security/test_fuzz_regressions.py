"""Regressions for what the API fuzzer (test_api_fuzz.py) found, and the existence oracles found
while fixing them. Each was a 500, or an answer that told a user which records exist.

- A reference filter took any number: `?owner=-1.59e+37` answered 500 on SQLite (an integer the
  database cannot hold), and `?owner=1.5` filtered by owner 1. Reference filters now take a whole
  number a database id can be, else 400 naming the parameter.
- Searching orders or tickets by number: a long number answered 500 on SQLite, and a digit like
  "²" (str.isdigit() says yes, int() says no) answered 500 everywhere.
- `?customer=` on contacts and `?manager=` on teams answered 400 for an id that does not exist and
  200 for one that exists but is invisible: which records exist could be read off the answers.
- Numbers read with str.isdigit() then int(): "²" passes the first and fails the second, a 500 in
  the history's `before`, the explainer's `user`, the ticket and feedback forms' query ids, a
  `version` in a body, and customer ids in an imported file.
"""

import pytest
from django.db import transaction
from django.test import Client

pytestmark = pytest.mark.django_db

REFERENCE_FILTERS = [
    ("/api/v1/customers/", "owner"),
    ("/api/v1/contacts/", "customer"),
    ("/api/v1/opportunities/", "owner"),
    ("/api/v1/opportunities/", "customer"),
    ("/api/v1/orders/", "owner"),
    ("/api/v1/orders/", "customer"),
    ("/api/v1/tickets/", "team"),
    ("/api/v1/tickets/", "assignee"),
    ("/api/v1/tickets/", "customer"),
    ("/api/v1/feedback/", "customer"),
    ("/api/v1/feedback/", "ticket"),
    ("/api/v1/teams/", "manager"),
]
NOT_AN_ID = ["-1.5973561264893237e+37", "1e40", "99999999999999999999", "1.5", "-3", "0", "seven"]


def api_get(world, principal, path, params):
    with transaction.atomic():
        response = Client(raise_request_exception=False).get(
            path, params, HTTP_AUTHORIZATION=f"Token {world.tokens[principal]}"
        )
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize(("path", "parameter"), REFERENCE_FILTERS)
def test_a_reference_filter_takes_only_an_id(path, parameter, world):
    for value in NOT_AN_ID:
        response = api_get(world, "admin", path, {parameter: value})
        assert response.status_code == 400, (value, response.status_code)
        assert parameter in response.json(), response.json()


def test_the_feedback_rating_filter_takes_one_to_five(world):
    assert api_get(world, "admin", "/api/v1/feedback/", {"rating": "5"}).status_code == 200
    assert api_get(world, "admin", "/api/v1/feedback/", {"rating": "6"}).status_code == 400
    assert api_get(world, "admin", "/api/v1/feedback/", {"rating": "1e400"}).status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/orders/", "/api/v1/tickets/"])
@pytest.mark.parametrize("term", ["99999999999999999999", "²", "#²", "٣", "#0", "-5"])
def test_searching_by_number_never_fails(path, term, world):
    assert api_get(world, "admin", path, {"search": term}).status_code == 200


def test_searching_by_number_still_finds_the_record(world):
    found = api_get(world, "admin", "/api/v1/orders/", {"search": f"#{world.pk('order_rep')}"}).json()["results"]
    assert world.pk("order_rep") in [row["id"] for row in found]


@pytest.mark.parametrize(
    ("url", "term"),
    [("/sales/orders/", "99999999999999999999"), ("/support/queues/all/", "²"), ("/customers/", "\x00")],
)
def test_portal_searches_never_fail(url, term, world):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = world.sessions["admin"]
    with transaction.atomic():
        response = client.get(url, {"search": term})
        transaction.set_rollback(True)
    assert response.status_code == 200


# Existence oracles: a reference to a record the user may not view is answered exactly like a
# reference to no record, in filters and in the bodies of writes.

NO_SUCH_ID = 987654321
FILTERS_NAMING_INVISIBLE = [
    ("/api/v1/contacts/", "customer", "cust_mgr"),
    ("/api/v1/customers/", "owner", "user_other_support_manager"),
    ("/api/v1/orders/", "customer", "cust_mgr"),
    ("/api/v1/opportunities/", "customer", "cust_mgr"),
    ("/api/v1/tickets/", "customer", "cust_mgr"),
    ("/api/v1/tickets/", "team", "team_support_b"),
    ("/api/v1/feedback/", "ticket", "ticket_b"),
    ("/api/v1/teams/", "manager", "user_other_support_manager"),
]


@pytest.mark.parametrize(("path", "parameter", "invisible"), FILTERS_NAMING_INVISIBLE)
def test_a_filter_naming_an_invisible_record_answers_like_one_naming_none(path, parameter, invisible, world):
    hidden = api_get(world, "sales_rep", path, {parameter: world.pk(invisible)})
    missing = api_get(world, "sales_rep", path, {parameter: NO_SUCH_ID})
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()) == (200, missing.json())
    assert hidden.json()["results"] == []


WRITES_NAMING_INVISIBLE = [
    ("POST", "/api/v1/contacts/", lambda pk: {"customer": pk, "first_name": "X"}, "cust_mgr"),
    ("POST", "/api/v1/orders/", lambda pk: {"customer": pk}, "cust_mgr"),
    ("POST", "/api/v1/opportunities/", lambda pk: {"customer": pk, "name": "X"}, "cust_mgr"),
    ("POST", "/api/v1/tickets/", lambda pk: {"customer": pk, "subject": "X", "team": 1}, "cust_mgr"),
    ("POST", "/api/v1/feedback/", lambda pk: {"customer": pk, "rating": 3}, "cust_mgr"),
    ("POST", "/api/v1/customers/", lambda pk: {"name": "X", "owner": pk}, "user_other_rep"),
]


@pytest.mark.parametrize(("method", "path", "body", "invisible"), WRITES_NAMING_INVISIBLE)
def test_a_write_naming_an_invisible_record_answers_like_one_naming_none(method, path, body, invisible, world):
    def send(pk):
        import json

        with transaction.atomic():
            response = Client().generic(
                method,
                path,
                json.dumps(body(pk)),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {world.tokens['sales_rep']}",
            )
            transaction.set_rollback(True)
        return response.status_code, response.content.decode().replace(str(pk), "<id>")

    assert send(world.pk(invisible)) == send(NO_SUCH_ID)


@pytest.mark.parametrize(
    "path", ["/api/v1/customers/{}/", "/api/v1/orders/{}/", "/api/v1/tickets/{}/", "/api/v1/tickets/{}/messages/"]
)
def test_a_record_that_is_invisible_answers_like_one_that_does_not_exist(path, world):
    invisible = {"customers": "cust_mgr", "orders": "order_rep", "tickets": "ticket_b"}[path.split("/")[3]]
    principal = "other_rep" if invisible != "ticket_b" else "sales_rep"
    hidden = api_get(world, principal, path.format(world.pk(invisible)), {})
    missing = api_get(world, principal, path.format(NO_SUCH_ID), {})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# Numbers read from query strings, forms and files: str.isdigit() says yes to "²" (and "٣"), which int()
# refuses or reads as another number; each of these answered 500 before.

ODD_NUMBERS = ["²", "٣", "99999999999999999999999"]


def portal_get(world, principal, path, params):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = world.sessions[principal]
    with transaction.atomic():
        response = client.get(path, params)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("number", ODD_NUMBERS)
def test_odd_numbers_in_query_strings_are_not_a_server_error(number, world):
    customer = world.pk("cust_rep")
    assert portal_get(world, "admin", f"/history/customer/{customer}/", {"before": number}).status_code == 200
    assert portal_get(world, "admin", f"/access/customer/{customer}/", {"user": number}).status_code == 200
    assert portal_get(world, "admin", "/support/tickets/new/", {"customer": number}).status_code == 200
    assert portal_get(world, "admin", "/support/feedback/new/", {"ticket": number}).status_code == 404
    assert api_get(world, "admin", f"/api/v1/history/customer/{customer}/", {"before": number}).status_code == 200
    explained = api_get(world, "admin", f"/api/v1/customers/{customer}/access/", {"user": number})
    assert explained.status_code == 400
    assert "user" in explained.json()


@pytest.mark.parametrize("version", ["²", "٣"])
def test_an_odd_version_is_a_400(version, world):
    import json

    with transaction.atomic():
        response = Client(raise_request_exception=False).patch(
            f"/api/v1/customers/{world.pk('cust_rep')}/",
            json.dumps({"name": "X", "version": version}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {world.tokens['sales_rep']}",
        )
        transaction.set_rollback(True)
    assert response.status_code == 400
    assert "version" in response.json()


def test_an_import_naming_an_odd_customer_id_reports_the_row(world):
    from crm.imports import services

    with transaction.atomic():
        job = services.import_check(
            acting_user=world.users["sales_rep"],
            kind="contacts",
            file_name="contacts.csv",
            content="customer,first_name\n²,Pat\n".encode(),
        )
        transaction.set_rollback(True)
    assert job.dry_run_errors, "the row naming no customer is reported, not a crash"
