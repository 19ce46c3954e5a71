"""Fuzzing the API with schemathesis, from its own OpenAPI schema (/api/v1/schema/), with a token
of each role: no answer is a 5xx, and every answer the schema describes matches it.

Each operation gets schema-valid and schema-violating requests (schemathesis' positive and
negative modes), half of them about records that exist (ids from the security world), so that
the object-level code runs too. Every request runs in a savepoint that is rolled back.

Deterministic and bounded: a fixed seed (FUZZ_SEED), FUZZ_EXAMPLES examples per operation, mode
and role, and a time budget (FUZZ_BUDGET_SECONDS, shared evenly between the tests; past its share a
test sends no more requests). .ci/run runs this module as a step of its own.
"""

import os
import time

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from .test_authorization_matrix import schema_operations

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

SEED = int(os.environ.get("FUZZ_SEED", "20261126"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
BUDGET_SECONDS = float(os.environ.get("FUZZ_BUDGET_SECONDS", "300"))
ROLES = {"admin": "admin", "manager": "sales_manager", "sales": "sales_rep", "support": "support_rep"}
OPERATIONS = sorted(schema_operations())
TIME_SHARE = BUDGET_SECONDS / (len(OPERATIONS) * len(ROLES))
# Records that exist, by the path parameter's resource: fuzzed requests about them reach the object-level code.
RECORDS_BY_RESOURCE = {
    "users": ("user_sales_rep", "user_other_rep", "user_admin"),
    "teams": ("team_a", "team_support"),
    "customers": ("cust_rep", "cust_other", "cust_mgr"),
    "contacts": ("contact_rep", "contact_other"),
    "opportunities": ("opp_rep", "opp_other"),
    "products": ("product", "product_spare"),
    "orders": ("order_rep", "order_other"),
    "tickets": ("ticket_q", "ticket_b"),
    "feedback": ("fb_ticket", "fb_customer"),
    "shares": ("share_user", "share_team"),
    "messages": ("reply_q", "note_q"),
}


@pytest.fixture(scope="module")
def application():
    """The WSGI application as a server runs it, minus the connection closing a test database cannot take."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(application, world):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def server_errors():
    """Exceptions behind 5xx answers, so that a failure shows the traceback, not only the status."""
    errors = []

    def record(sender, request=None, **kwargs):
        import traceback

        errors.append(traceback.format_exc())

    got_request_exception.connect(record)
    yield errors
    got_request_exception.disconnect(record)


def existing_path_parameters(world, path: str) -> dict | None:
    """Path parameters naming records that exist: each id follows the collection it belongs to."""
    if "{collection}" in path:  # the access explainer: /api/v1/{collection}/{id}/access/
        return {"collection": "customers", "id": world.pk("cust_rep")}
    if "{record_type}" in path:  # a record's history: /api/v1/history/{record_type}/{record_id}/
        return {"record_type": "customer", "record_id": world.pk("cust_rep")}
    parts = [part for part in path.strip("/").split("/") if part]
    parameters = {}
    for index, part in enumerate(parts):
        if part.startswith("{"):
            records = RECORDS_BY_RESOURCE.get(parts[index - 1])
            if records is None:
                return None
            record = world.objects[records[0]]
            if parts[index - 1] == "shares":
                parameters["customer_pk"] = record.customer_id
            if parts[index - 1] == "messages":
                parameters["ticket_pk"] = record.ticket_id
            parameters.setdefault(part.strip("{}"), record.pk)
    return parameters or None


def strategies_for(operation, world, path: str):
    found = [operation.as_strategy(GenerationMode.POSITIVE)]
    try:
        negative = operation.as_strategy(GenerationMode.NEGATIVE)
        negative.validate()
        found.append(negative)
    except Exception:  # noqa: S110 - an operation with nothing to violate has no negative mode
        pass
    known = existing_path_parameters(world, path)
    if known:
        found.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))
        found.append(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known))
    return st.one_of(*found)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_name", OPERATIONS)
def test_no_input_gets_a_server_error(operation_name, role, api_schema, world, application, server_errors):
    method, path = operation_name.split(" ", 1)
    operation = api_schema[path][method]
    headers = {"Authorization": f"Token {world.tokens[ROLES[role]]}"}
    cases = strategies_for(operation, world, path)
    asked, started = [], []

    @hypothesis.seed(SEED)
    @hypothesis.settings(
        max_examples=EXAMPLES * 4,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=cases)
    def fuzz(case):
        started.append(started[0] if started else time.monotonic())
        if time.monotonic() - started[0] > TIME_SHARE:
            return  # this test's share of the time budget is spent
        server_errors.clear()
        with transaction.atomic():
            response = case.call(app=application, headers=headers)
            transaction.set_rollback(True)
        asked.append(response.status_code)
        try:
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance], headers=headers)
        except Exception as failure:
            if server_errors:
                failure.add_note("Server traceback:\n" + server_errors[-1])
            raise

    fuzz()
    assert asked, "no request was sent (the time budget is too small for this many tests)"
