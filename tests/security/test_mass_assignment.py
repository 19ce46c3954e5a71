"""Mass assignment: every writable endpoint of the API (and the portal's forms), sent hostile values
for owner, team, assignee, version, timestamps, totals, role and superuser flags.

Each row says who sends what, the answer (status) and why (the 400's field, or the words of the
403/409), and whether ACCESS.md allows the change. Unless it does, the stored record is exactly as
before, no record was added, and no user gained a role, a superuser or staff flag, or lost one.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

LONG_AGO = "2000-01-01T00:00:00Z"


@dataclass(frozen=True)
class Hostile:
    name: str
    actor: str
    method: str
    path: str  # "{record}" is replaced by the record's id
    body: object  # a dict, or a function of the world giving one
    status: int
    field: str | None = None  # for a 400: the field the answer names
    says: str | None = None  # for a 403/409: words of its "detail"
    allowed: bool = False  # ACCESS.md allows the change: the stored record changes
    watch: tuple[str, ...] = ()  # records that must not change (default: the one in the path)
    creates: str | None = None  # "app.model" whose row count must not grow (for POST)

    def in_path(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{(\w+)\}", self.path))

    def watched(self) -> tuple[str, ...]:
        return self.watch or self.in_path()

    def operation(self) -> str:
        """The operation as the OpenAPI schema names it."""
        return f"{self.method} {schema_path(self.path)}"


def schema_path(path: str) -> str:
    nested = {"shares": "{customer_pk}", "messages": "{ticket_pk}"}
    path = re.sub(r"\{\w+\}(?=/(shares|messages)/)", lambda match: nested[match.group(1)], path)
    return re.sub(r"\{(?!customer_pk|ticket_pk)\w+\}", "{id}", path)


def u(name):
    return lambda world: world.user_id(name)


def r(name):
    return lambda world: world.pk(name)


def resolve(value, world):
    """The body with every function of the world in it (ids of users and records) called."""
    if callable(value):
        return value(world)
    if isinstance(value, dict):
        return {key: resolve(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, world) for item in value]
    return value


ROWS = [
    # Customers: the owner changes but does not reassign; only managers (of the owner) and admins reassign.
    Hostile("owner reassigns", "sales_rep", "PATCH", "/api/v1/customers/{cust_rep}/", {"owner": u("teammate")}, 403,
            says="may not set the field 'owner'"),
    Hostile("manager reassigns to a stranger", "sales_manager", "PATCH", "/api/v1/customers/{cust_rep}/",
            {"owner": u("other_rep")}, 400, field="owner"),
    Hostile("manager reassigns to a member", "sales_manager", "PATCH", "/api/v1/customers/{cust_rep}/",
            {"owner": u("teammate")}, 200, allowed=True),
    Hostile("stale version", "sales_rep", "PATCH", "/api/v1/customers/{cust_rep}/", {"name": "X", "version": 99}, 409,
            says="changed since the version you sent"),
    Hostile("version not a number", "sales_rep", "PATCH", "/api/v1/customers/{cust_rep}/", {"version": "latest"}, 400,
            field="version"),
    Hostile("version negative", "sales_rep", "PATCH", "/api/v1/customers/{cust_rep}/", {"version": -1}, 400,
            field="version"),
    Hostile("version as a boolean", "sales_rep", "PATCH", "/api/v1/customers/{cust_rep}/", {"version": True}, 400,
            field="version"),
    Hostile("created_at", "sales_rep", "PATCH", "/api/v1/customers/{cust_rep}/", {"created_at": LONG_AGO}, 400,
            field="created_at"),
    Hostile("updated_at", "sales_rep", "PATCH", "/api/v1/customers/{cust_rep}/", {"updated_at": LONG_AGO}, 400,
            field="updated_at"),
    Hostile("id", "sales_rep", "PATCH", "/api/v1/customers/{cust_rep}/", {"id": 424242}, 400, field="id"),
    Hostile("superuser flag on a customer", "sales_rep", "PATCH", "/api/v1/customers/{cust_rep}/",
            {"is_superuser": True}, 400, field="is_superuser"),
    Hostile("view-only change", "support_rep", "PATCH", "/api/v1/customers/{cust_rep}/", {"name": "X"}, 403,
            says="may view this customer but not change it"),
    Hostile("create owned by another", "sales_rep", "POST", "/api/v1/customers/",
            {"name": "New", "owner": u("teammate")}, 403, says="may not set the field 'owner'", creates="crm.customer"),
    Hostile("create with a version", "sales_rep", "POST", "/api/v1/customers/", {"name": "New", "version": 7}, 201,
            allowed=True),
    Hostile("create with timestamps", "sales_rep", "POST", "/api/v1/customers/",
            {"name": "New", "created_at": LONG_AGO}, 400, field="created_at", creates="crm.customer"),
    Hostile("support creates", "support_rep", "POST", "/api/v1/customers/", {"name": "New"}, 403,
            says="may not create customers", creates="crm.customer"),
    # Shares
    Hostile("share at a made-up level", "sales_rep", "POST", "/api/v1/customers/{cust_rep}/shares/",
            {"user": u("teammate"), "level": "owner"}, 400, field="level", creates="crm.customershare"),
    Hostile("share with a deactivated user", "sales_rep", "POST", "/api/v1/customers/{cust_rep}/shares/",
            {"user": u("inactive"), "level": "view"}, 400, field="user", creates="crm.customershare"),
    Hostile("share with the owner", "sales_rep", "POST", "/api/v1/customers/{cust_rep}/shares/",
            {"user": u("sales_rep"), "level": "edit"}, 400, field="user", creates="crm.customershare"),
    Hostile("share naming another customer", "sales_rep", "POST", "/api/v1/customers/{cust_rep}/shares/",
            {"user": u("teammate"), "level": "view", "customer": r("cust_mgr")}, 400, field="customer",
            creates="crm.customershare"),
    Hostile("edit share re-shares", "teammate", "POST", "/api/v1/customers/{cust_other}/shares/",
            {"user": u("support_rep"), "level": "edit"}, 403, says="Only the owner",
            creates="crm.customershare"),
    # Contacts follow their customer
    Hostile("contact moved to an invisible customer", "teammate", "PATCH", "/api/v1/contacts/{contact_other}/",
            {"customer": r("cust_mgr")}, 400, field="customer"),
    Hostile("contact moved to a view-only customer", "sales_rep", "PATCH", "/api/v1/contacts/{contact_rep}/",
            {"customer": r("cust_other")}, 403, says="not change it"),
    Hostile("contact on a view-only customer", "sales_rep", "POST", "/api/v1/contacts/",
            {"customer": r("cust_other"), "first_name": "X"}, 403, says="not change it", creates="crm.contact"),
    Hostile("contact with an id", "sales_rep", "POST", "/api/v1/contacts/",
            {"customer": r("cust_rep"), "first_name": "X", "id": 1}, 400, field="id", creates="crm.contact"),
    Hostile("contact version", "sales_rep", "PATCH", "/api/v1/contacts/{contact_rep}/", {"version": 5}, 409,
            says="changed since the version you sent"),
    # Users: admins only; no flag that grants more than a role
    Hostile("user makes themselves admin", "sales_rep", "PATCH", "/api/v1/users/{user_sales_rep}/", {"role": "admin"},
            403, says="not change it"),
    Hostile("user makes themselves superuser", "sales_rep", "PATCH", "/api/v1/users/{user_sales_rep}/",
            {"is_superuser": True}, 403, says="not change it"),
    Hostile("manager promotes a member", "sales_manager", "PATCH", "/api/v1/users/{user_sales_rep}/",
            {"role": "manager"}, 403, says="not change it"),
    Hostile("admin sets superuser", "admin", "PATCH", "/api/v1/users/{user_sales_rep}/", {"is_superuser": True}, 400,
            field="is_superuser"),
    Hostile("admin sets staff", "admin", "PATCH", "/api/v1/users/{user_sales_rep}/", {"is_staff": True}, 400,
            field="is_staff"),
    Hostile("admin sets last_login", "admin", "PATCH", "/api/v1/users/{user_sales_rep}/", {"last_login": LONG_AGO},
            400, field="last_login"),
    Hostile("admin gives a team member another role", "admin", "PATCH", "/api/v1/users/{user_sales_rep}/",
            {"role": "support"}, 400, field="role"),
    Hostile("admin demotes a superuser", "admin", "PATCH", "/api/v1/users/{user_admin}/", {"role": "sales"}, 400,
            field="role"),
    Hostile("admin deactivates a user", "admin", "PATCH", "/api/v1/users/{user_other_rep}/", {"is_active": False},
            200, allowed=True),
    Hostile("create a superuser", "admin", "POST", "/api/v1/users/",
            {"username": "mallory", "role": "admin", "is_superuser": True}, 400, field="is_superuser",
            creates="accounts.user"),
    Hostile("non-admin creates a user", "sales_manager", "POST", "/api/v1/users/",
            {"username": "mallory", "role": "admin"}, 403, says="may not create users", creates="accounts.user"),
    # Teams
    Hostile("manager adds a member", "sales_manager", "PATCH", "/api/v1/teams/{team_a}/",
            {"members": [u("sales_rep"), u("teammate"), u("other_rep")]}, 403, says="not change it"),
    Hostile("admin names a salesperson manager", "admin", "PATCH", "/api/v1/teams/{team_a}/",
            {"manager": u("sales_rep")}, 400, field="manager"),
    Hostile("admin puts support in a sales team", "admin", "PATCH", "/api/v1/teams/{team_a}/",
            {"members": [u("support_rep")]}, 400, field="members"),
    Hostile("manager creates a team", "sales_manager", "POST", "/api/v1/teams/",
            {"name": "Mine", "kind": "sales", "manager": u("sales_manager")}, 403, says="may not create teams",
            creates="accounts.team"),
    Hostile("team managed by a salesperson", "admin", "POST", "/api/v1/teams/",
            {"name": "Odd", "kind": "sales", "manager": u("sales_rep")}, 400, field="manager", creates="accounts.team"),
    # Bulk reassignment: within one team, by its manager or an admin
    Hostile("member moves the team's work", "teammate", "POST", "/api/v1/teams/{team_a}/reassign/",
            {"from_user": u("sales_rep"), "to_user": u("teammate")}, 403, says="Only the team's manager",
            watch=("cust_rep", "opp_rep")),
    Hostile("manager moves work out of the team", "sales_manager", "POST", "/api/v1/teams/{team_a}/reassign/",
            {"from_user": u("sales_rep"), "to_user": u("other_rep")}, 400, field="to_user",
            watch=("cust_rep", "opp_rep")),
    Hostile("team reassignment with flags", "sales_manager", "POST", "/api/v1/teams/{team_a}/reassign/",
            {"from_user": u("sales_rep"), "to_user": u("teammate"), "is_superuser": True, "role": "admin"}, 400,
            field="is_superuser", watch=("cust_rep", "opp_rep")),
    Hostile("manager moves work within the team", "sales_manager", "POST", "/api/v1/teams/{team_a}/reassign/",
            {"from_user": u("sales_rep"), "to_user": u("teammate")}, 200, allowed=True, watch=("cust_rep",)),
    Hostile("team's group", "admin", "PATCH", "/api/v1/teams/{team_a}/", {"group": 1}, 400, field="group"),
    # Opportunities
    Hostile("opportunity owner", "sales_rep", "PATCH", "/api/v1/opportunities/{opp_rep}/", {"owner": u("teammate")},
            403, says="may not set the field 'owner'"),
    Hostile("opportunity won_at", "sales_rep", "PATCH", "/api/v1/opportunities/{opp_rep}/", {"won_at": LONG_AGO}, 400,
            field="won_at"),
    Hostile("opportunity probability", "sales_rep", "PATCH", "/api/v1/opportunities/{opp_rep}/", {"probability": 99},
            400, field="probability"),
    Hostile("opportunity currency", "sales_rep", "PATCH", "/api/v1/opportunities/{opp_rep}/", {"currency": "XBT"},
            400, field="currency"),
    Hostile("opportunity moved to an invisible customer", "sales_rep", "PATCH", "/api/v1/opportunities/{opp_rep}/",
            {"customer": r("cust_mgr")}, 400, field="customer"),
    Hostile("negative amount", "sales_rep", "PATCH", "/api/v1/opportunities/{opp_rep}/", {"amount": "-5.00"}, 400,
            field="amount"),
    Hostile("manager reassigns a deal to a stranger", "sales_manager", "PATCH", "/api/v1/opportunities/{opp_rep}/",
            {"owner": u("other_rep")}, 400, field="owner"),
    Hostile("manager reassigns a deal to a member", "sales_manager", "PATCH", "/api/v1/opportunities/{opp_rep}/",
            {"owner": u("teammate")}, 200, allowed=True),
    Hostile("opportunity for another owner", "sales_rep", "POST", "/api/v1/opportunities/",
            {"customer": r("cust_rep"), "name": "X", "owner": u("teammate")}, 403, says="owner",
            creates="sales.opportunity"),
    Hostile("support creates an opportunity", "support_rep", "POST", "/api/v1/opportunities/",
            {"customer": r("cust_rep"), "name": "X"}, 403, says="may not create opportunities",
            creates="sales.opportunity"),
    # Orders: totals and prices are computed, never taken
    Hostile("order total", "sales_rep", "PATCH", "/api/v1/orders/{order_rep}/", {"total": "0.01"}, 400, field="total"),
    Hostile("line price", "sales_rep", "PATCH", "/api/v1/orders/{order_rep}/",
            {"lines": [{"product": r("product"), "quantity": 2, "unit_price": "0.01"}]}, 400, field="lines",
            watch=("order_rep", "line_rep")),
    Hostile("line total", "sales_rep", "PATCH", "/api/v1/orders/{order_rep}/",
            {"lines": [{"product": r("product"), "quantity": 2, "line_total": "0.01"}]}, 400, field="lines",
            watch=("order_rep", "line_rep")),
    Hostile("placed_at", "sales_rep", "PATCH", "/api/v1/orders/{order_rep}/", {"placed_at": LONG_AGO}, 400,
            field="placed_at"),
    Hostile("order owner", "sales_rep", "PATCH", "/api/v1/orders/{order_rep}/", {"owner": u("teammate")}, 403,
            says="may not set the field 'owner'"),
    Hostile("draft straight to shipped", "sales_rep", "PATCH", "/api/v1/orders/{order_rep}/", {"status": "shipped"},
            400, field="status"),
    Hostile("lines of a placed order", "other_rep", "PATCH", "/api/v1/orders/{order_other}/",
            {"lines": [{"product": r("product"), "quantity": 1}]}, 400, field="lines",
            watch=("order_other", "line_other")),
    Hostile("customer of a placed order", "other_rep", "PATCH", "/api/v1/orders/{order_other}/",
            {"customer": r("cust_rep")}, 400, field="customer"),
    Hostile("order seen through its customer", "sales_rep", "PATCH", "/api/v1/orders/{order_other}/",
            {"status": "cancelled"}, 403, says="not change it"),
    Hostile("new order already shipped", "sales_rep", "POST", "/api/v1/orders/",
            {"customer": r("cust_rep"), "status": "shipped"}, 400, field="status", creates="sales.order"),
    Hostile("new order with a total", "sales_rep", "POST", "/api/v1/orders/", {"customer": r("cust_rep"), "total": "1"},
            400, field="total", creates="sales.order"),
    # Products: admins only
    Hostile("salesperson reprices", "sales_rep", "PATCH", "/api/v1/products/{product}/", {"unit_price": "0.01"}, 403,
            says="not change it"),
    Hostile("admin negative price", "admin", "PATCH", "/api/v1/products/{product}/", {"unit_price": "-1.00"}, 400,
            field="unit_price"),
    Hostile("salesperson adds a product", "sales_rep", "POST", "/api/v1/products/",
            {"sku": "X", "name": "X", "unit_price": "1.00"}, 403, says="may not create products",
            creates="sales.product"),
    # Tickets: members of the queue change them (moving to another team included); the assignee is a member
    Hostile("transfer to another support team", "support_rep", "PATCH", "/api/v1/tickets/{ticket_q}/",
            {"team": r("team_support_b")}, 200, allowed=True),
    Hostile("transfer to a sales team", "support_rep", "PATCH", "/api/v1/tickets/{ticket_q}/", {"team": r("team_a")},
            400, field="team"),
    Hostile("assign to another team's member", "support_rep", "PATCH", "/api/v1/tickets/{ticket_q}/",
            {"assignee": u("other_support_rep")}, 400, field="assignee"),
    Hostile("assign to a salesperson", "support_rep", "PATCH", "/api/v1/tickets/{ticket_q}/",
            {"assignee": u("sales_rep")}, 400, field="assignee"),
    Hostile("sla_due_at", "support_rep", "PATCH", "/api/v1/tickets/{ticket_q}/", {"sla_due_at": LONG_AGO}, 400,
            field="sla_due_at"),
    Hostile("first_response_at", "support_rep", "PATCH", "/api/v1/tickets/{ticket_q}/",
            {"first_response_at": LONG_AGO}, 400, field="first_response_at"),
    Hostile("resolved_at", "support_rep", "PATCH", "/api/v1/tickets/{ticket_q}/", {"resolved_at": LONG_AGO}, 400,
            field="resolved_at"),
    Hostile("ticket created_at", "support_rep", "PATCH", "/api/v1/tickets/{ticket_q}/", {"created_at": LONG_AGO}, 400,
            field="created_at"),
    Hostile("ticket version", "support_rep", "PATCH", "/api/v1/tickets/{ticket_q}/", {"priority": "low", "version": 3},
            409, says="changed since the version you sent"),
    Hostile("owner of C changes the ticket", "sales_rep", "PATCH", "/api/v1/tickets/{ticket_q}/",
            {"priority": "urgent"}, 403, says="not change it"),
    Hostile("support opens in another queue", "support_rep", "POST", "/api/v1/tickets/",
            {"customer": r("cust_rep"), "subject": "X", "team": r("team_support_b")}, 403,
            says="may not set the field 'team'", creates="support.ticket"),
    Hostile("new ticket already closed", "support_rep", "POST", "/api/v1/tickets/",
            {"customer": r("cust_rep"), "subject": "X", "status": "closed"}, 403, says="may not set the field 'status'",
            creates="support.ticket"),
    Hostile("salesperson assigns a new ticket", "sales_rep", "POST", "/api/v1/tickets/",
            {"customer": r("cust_rep"), "subject": "X", "team": r("team_support"), "assignee": u("support_rep")}, 403,
            says="may not set the field 'assignee'", creates="support.ticket"),
    Hostile("ticket about an invisible customer", "sales_rep", "POST", "/api/v1/tickets/",
            {"customer": r("cust_mgr"), "subject": "X", "team": r("team_support")}, 400, field="customer",
            creates="support.ticket"),
    # Messages
    Hostile("message author", "support_rep", "POST", "/api/v1/tickets/{ticket_q}/messages/",
            {"body": "X", "author": u("support_manager")}, 400, field="author", creates="support.ticketmessage"),
    Hostile("message created_at", "support_rep", "POST", "/api/v1/tickets/{ticket_q}/messages/",
            {"body": "X", "created_at": LONG_AGO}, 400, field="created_at", creates="support.ticketmessage"),
    Hostile("read-only follower writes a note", "sales_rep", "POST", "/api/v1/tickets/{ticket_q}/messages/",
            {"body": "X", "internal": True}, 403, says="may read this ticket but not write",
            creates="support.ticketmessage"),
    # Feedback
    Hostile("feedback changed by staff", "support_rep", "PATCH", "/api/v1/feedback/{fb_ticket}/", {"rating": 5}, 403,
            says="not change it"),
    Hostile("feedback posing as a survey answer", "support_rep", "POST", "/api/v1/feedback/",
            {"customer": r("cust_rep"), "rating": 5, "source": "survey"}, 400, field="source",
            creates="support.feedback"),
    Hostile("feedback recorded by someone else", "support_rep", "POST", "/api/v1/feedback/",
            {"customer": r("cust_rep"), "rating": 5, "recorded_by": u("admin")}, 400, field="recorded_by",
            creates="support.feedback"),
    Hostile("rating out of range", "support_rep", "POST", "/api/v1/feedback/", {"customer": r("cust_rep"), "rating": 6},
            400, field="rating", creates="support.feedback"),
    Hostile("feedback about another customer's ticket", "support_rep", "POST", "/api/v1/feedback/",
            {"customer": r("cust_mgr"), "ticket": r("ticket_q"), "rating": 4}, 400, field="ticket",
            creates="support.feedback"),
    # Sign-in: extra fields are not settings
    Hostile("sign-in with flags", "anonymous", "POST", "/api/v1/auth/token/",
            {"username": "sales_rep", "password": "matrix-password-2026", "is_superuser": True, "role": "admin"}, 200,
            watch=("user_sales_rep",)),
]  # fmt: skip


def snapshot(world, names) -> dict:
    found = {}
    for name in names:
        record = world.objects[name]
        found[name] = type(record).objects.filter(pk=record.pk).values().first()
    return found


def privileges() -> list[tuple]:
    return list(User.objects.order_by("pk").values_list("pk", "role", "is_superuser", "is_staff", "is_active"))


def send(world, row: Hostile):
    path = row.path
    for name in row.in_path():
        path = path.replace("{" + name + "}", str(world.pk(name)))
    headers = {}
    if row.actor != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Token {world.tokens[row.actor]}"
    body = json.dumps(resolve(row.body, world))
    return Client(raise_request_exception=False).generic(
        row.method, path, body, content_type="application/json", **headers
    )


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_hostile_values(row, world):
    watched = tuple(name for name in row.watched() if name in world.objects)
    model = apps.get_model(row.creates) if row.creates else None
    with transaction.atomic():
        before, users_before = snapshot(world, watched), privileges()
        count_before = model.objects.count() if model else None
        response = send(world, row)
        after, users_after = snapshot(world, watched), privileges()
        count_after = model.objects.count() if model else None
        transaction.set_rollback(True)

    assert response.status_code == row.status, response.content.decode()[:500]
    payload = response.json() if response.content else {}
    if row.field:
        assert row.field in payload, f"the answer does not name {row.field!r}: {payload}"
        assert payload[row.field], payload
    if row.says:
        assert row.says in str(payload.get("detail", "")), payload
    if row.allowed:
        assert after != before or row.method == "POST", "ACCESS.md allows this change, yet nothing changed"
    else:
        assert after == before, "a refused request changed the stored record"
        assert count_after == count_before, f"a refused request added a {row.creates}"
    if row.name != "admin deactivates a user":
        assert users_after == users_before, "a user's role or flags changed"


PUT_ROWS = [
    ("sales_rep", "/api/v1/customers/{cust_rep}/", "owner", u("teammate"), 403),
    ("sales_rep", "/api/v1/orders/{order_rep}/", "total", "0.01", 400),
    ("support_rep", "/api/v1/tickets/{ticket_q}/", "sla_due_at", LONG_AGO, 400),
    ("sales_rep", "/api/v1/opportunities/{opp_rep}/", "won_at", LONG_AGO, 400),
    ("admin", "/api/v1/users/{user_sales_rep}/", "is_superuser", True, 400),
    ("admin", "/api/v1/feedback/{fb_ticket}/", "source", "survey", 400),
    ("admin", "/api/v1/products/{product}/", "version", 99, 409),
    ("admin", "/api/v1/teams/{team_a}/", "id", 999, 400),
    ("teammate", "/api/v1/contacts/{contact_other}/", "customer", r("cust_mgr"), 400),
]


def test_each_writable_operation_has_hostile_rows():
    """Every API operation that writes (POST, PUT, PATCH) is sent hostile values here."""
    from .test_authorization_matrix import schema_operations

    writable = {op for op in schema_operations() if op.split(" ", 1)[0] in {"POST", "PATCH", "PUT"}}
    covered = {row.operation() for row in ROWS} | {f"PUT {schema_path(path)}" for _, path, *_ in PUT_ROWS}
    assert writable - covered == set()


@pytest.mark.parametrize(("actor", "path", "field", "value", "status"), PUT_ROWS)
def test_put_is_as_strict(actor, path, field, value, status, world):
    """A PUT sends the whole record: the record as read, with one hostile value, is refused all the same."""
    name = path.split("{")[1].split("}")[0]
    url = path.replace("{" + name + "}", str(world.pk(name)))
    admin = {"HTTP_AUTHORIZATION": f"Token {world.tokens['admin']}"}
    with transaction.atomic():
        body = Client().get(url, **admin).json()
        body[field] = value(world) if callable(value) else value
        before = snapshot(world, (name,))
        response = Client(raise_request_exception=False).put(
            url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Token {world.tokens[actor]}"
        )
        after = snapshot(world, (name,))
        transaction.set_rollback(True)
    assert response.status_code == status, response.content.decode()[:300]
    assert after == before


def test_a_put_round_trip_passes_for_whoever_may_change(world):
    """Regression: a PUT of a customer as read answered 400 ("Invalid pk") to a user who may change it but
    not reassign it, because the current owner was not among the owners that user may choose."""
    url = f"/api/v1/customers/{world.pk('cust_other')}/"
    with transaction.atomic():
        body = Client().get(url, HTTP_AUTHORIZATION=f"Token {world.tokens['teammate']}").json()
        response = Client().put(
            url,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {world.tokens['teammate']}",
        )
        transaction.set_rollback(True)
    assert response.status_code == 200, response.content
    assert response.json()["owner"] == world.user_id("other_rep")


@dataclass(frozen=True)
class PortalHostile:
    name: str
    actor: str
    path: str
    data: dict
    watch: str
    unchanged: tuple[str, ...]
    extra: dict = field(default_factory=dict)
    status: int = 200  # the answer to the form with the hostile field left out


PORTAL_ROWS = [
    PortalHostile("customer form with an owner", "sales_rep", "/customers/{cust_rep}/edit/",
                  {"name": "Renamed", "version": 1, "owner": u("teammate")}, "cust_rep", ("owner_id",), status=302),
    PortalHostile("customer form with a version and timestamps", "sales_rep", "/customers/{cust_rep}/edit/",
                  {"name": "Renamed", "version": 1, "created_at": LONG_AGO, "updated_at": LONG_AGO}, "cust_rep",
                  ("created_at",), status=302),
    PortalHostile("line with a price", "sales_rep", "/sales/orders/{order_rep}/lines/",
                  {"product": r("product_spare"), "quantity": 1, "version": 1, "unit_price": "0.01", "total": "0.01"},
                  "order_rep", ()),
    PortalHostile("ticket status form moving the ticket", "support_rep", "/support/tickets/{ticket_q}/status/",
                  {"status": "open", "version": 1, "team": r("team_support_b"), "assignee": u("other_support_rep")},
                  "ticket_q", ("team_id", "assignee_id")),
]  # fmt: skip


@pytest.mark.parametrize("row", PORTAL_ROWS, ids=lambda row: row.name)
def test_portal_forms_ignore_fields_they_do_not_have(row, world):
    """The portal's forms take only their own fields: an added field is ignored, never stored."""
    url = row.path.replace("{" + row.watch + "}", str(world.pk(row.watch)))
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = world.sessions[row.actor]
    data = {key: value(world) if callable(value) else value for key, value in row.data.items()}
    with transaction.atomic():
        before = snapshot(world, (row.watch,))[row.watch]
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        after = snapshot(world, (row.watch,))[row.watch]
        lines = list(world.objects["order_rep"].lines.values_list("unit_price", flat=True))
        transaction.set_rollback(True)
    assert response.status_code == row.status, response.status_code
    for name in row.unchanged:
        assert after[name] == before[name], name
    if row.watch == "order_rep":
        assert after["total"] == before["total"] + world.objects["product_spare"].unit_price
        assert all(price > 0 for price in lines)
    assert isinstance(after.get("updated_at", datetime.now(UTC)), datetime)


# Every portal form, sent the hostile fields it does not have: they are ignored, never stored.

HOSTILE_EXTRAS = {
    "owner": u("other_rep"),
    "team": r("team_support_b"),
    "assignee": u("other_support_rep"),
    "customer": r("cust_mgr"),
    "author": u("admin"),
    "created_at": LONG_AGO,
    "updated_at": LONG_AGO,
    "placed_at": LONG_AGO,
    "total": "0.01",
    "unit_price": "0.01",
    "amount": "0.01",
    "role": "admin",
    "is_superuser": "on",
    "is_staff": "on",
    "id": "424242",
}
# The columns a hostile field would change, if it were taken.
GUARDED_COLUMNS = {
    "owner": "owner_id",
    "team": "team_id",
    "assignee": "assignee_id",
    "customer": "customer_id",
    "author": "author_id",
    "created_at": "created_at",
    "placed_at": "placed_at",
    "total": "total",
    "unit_price": "unit_price",
    "id": "id",
}


def portal_post_rows():
    from .routes import PORTAL_ROUTES

    return [
        route
        for route in PORTAL_ROUTES
        if route.method == "POST" and route.targets[0] and route.targets[0] in _record_names()
    ]


def _record_names():
    from .world import KINDS

    return {name for names in KINDS.values() for name in names}


@pytest.mark.parametrize("route", portal_post_rows(), ids=lambda route: f"{route.route}{' htmx' if route.htmx else ''}")
def test_every_portal_form_ignores_hostile_fields(route, world):
    from .matrix import Case, send
    from .world import STAFF

    for target in route.targets:
        allowed = [principal for principal in STAFF if route.expect(Case("portal", principal, target, world)) < 400]
        if not allowed:
            continue
        case = Case("portal", allowed[-1], target, world)  # the least privileged of those it allows
        own = route.data(case) if callable(route.data) else dict(route.data or {})
        extras = resolve({name: value for name, value in HOSTILE_EXTRAS.items() if name not in own}, world)
        hostile = type(route)(**{**route.__dict__, "data": {**own, **extras}})
        guarded = {GUARDED_COLUMNS[name]: value for name, value in extras.items() if name in GUARDED_COLUMNS}
        with transaction.atomic():
            before, users_before = snapshot(world, (target,))[target], privileges()
            response = send(hostile, case)
            after, users_after = snapshot(world, (target,))[target], privileges()
            transaction.set_rollback(True)
        # A sweep of every form with hostile extras: some forms answer their own error (200) to an extra
        # field they do have (an opportunity's stage, a share's level), others the change; what this
        # checks is the guarded columns below, so any answer but a server error will do.
        assert response.status_code < 500, (target, case.principal, response.status_code)
        assert before is not None
        for column, sent in guarded.items():
            if after is None or column not in after or after[column] == before[column]:
                continue  # deleted (a delete form), or unchanged
            taken = str(after[column]) == str(sent) or str(after[column]).startswith("2000-01-01")
            assert not taken, f"{route.route} as {case.principal} stored the hostile {column}={sent}"
        assert users_after == users_before
