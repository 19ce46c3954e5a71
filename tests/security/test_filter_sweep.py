"""Every filter, ordering and cursor of every list, board and export (API and portal) with edge
values: no answer is a 5xx. Nothing here is listed by hand; what is swept is discovered:

- the API from drf-spectacular's schema generator: every GET operation's query parameters, typed
  by their schema (dates, date-times, numbers, booleans, enums such as the ordering values, the cursor);
- the portal from the URL resolver: every GET route without a record id (and the routes its
  pages link to, such as each support queue), asked once; a route whose view builds a django-filter
  FilterSet, or whose page holds a GET form or paging links, is a list: its FilterSet's form fields
  (typed by their form field) and its GET forms' fields (typed by their inputs) are swept;
- the cursors from the lists themselves: for every ordering a real cursor is fetched (one row a page
  for the API, a page past the first for the portal), then its sort values are tampered with.

Each request runs as one of the roles (admin, a manager, a salesperson, a support rep), in turn,
under a time zone 14 hours ahead or 12 hours behind UTC (so that the calendar's edges, shifted,
fall outside it), in a savepoint that is rolled back (PostgreSQL refuses NUL in text: the request
must still answer). The test fails if the discovery finds no list, no filter, no ordering or no
cursor, or if a project FilterSet was never reached: a new filter is swept without touching this file.
Every write operation of the schema also gets a JSON body nested 100,000 deep: 400, never a 500.
A request slower than SWEEP_SLOW_SECONDS (20) fails too; SWEEP_ONLY=/customers/ sweeps only the API
paths containing it (while debugging). About a minute on SQLite, a minute and a half on PostgreSQL.
"""

import base64
import itertools
import json
import os
import time
import traceback
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import django_filters
import pytest
from django import forms
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from support.models import Feedback
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory, ProductFactory
from tests.support.factories import TicketFactory

pytestmark = pytest.mark.django_db

ROLES = ("admin", "sales_manager", "sales_rep", "support_rep")
ZONES = ("Pacific/Kiritimati", "Etc/GMT+12")  # UTC+14 and UTC-12
PROJECT_APPS = ("accounts", "crm", "sales", "support")
ONLY = os.environ.get("SWEEP_ONLY", "")  # to sweep a few paths while debugging
SLOW_SECONDS = float(os.environ.get("SWEEP_SLOW_SECONDS", "20"))  # int(Decimal("1e999999")) takes ~50 s
ROWS_PER_LIST = 27  # more than a portal page (25), so that every portal list has a next page

NUL, LONG = "\x00", "x" * 5000
COMMON = (NUL, "a\x01\x1f\x7f\r\nb", LONG, "")
VALUES = {
    "date": ("9999-12-31", "9999-12-30", "0001-01-01", "0001-01-02", "10000-01-01", "2026-02-30"),
    "datetime": (
        "9999-12-31T23:59:59.999999",
        "9999-12-31T23:59:59-12:00",
        "0001-01-01T00:00:00+14:00",
        "1326-02-04T07:38:50.481669-18:17",  # an offset Python takes and PostgreSQL does not
        "0001-01-01T00:00:00",
        "9999-12-31",
        "2026-02-30T10:00:00Z",
    ),
    "number": ("1e999999", "NaN", "-Infinity", "9" * 400, str(2**63), "-1", "1.5"),
    "boolean": ("maybe",),
    "choice": ("no-such-choice", "1e999999"),
    "text": ("' OR 1=1 --", "é" * 300),
}
# Sort values put into a real cursor in place of one of its own (raw JSON text): all of them for the
# first sort key of an ascending ordering, the EDGE ones for the other keys and for descending orderings.
EDGE_LITERALS = (
    '"a\\u0000b"',
    "1e999999",
    '"9999-12-31T23:59:59-12:00"',
    '"0001-01-01T00:00:00+14:00"',
    '"2026-01-01T10:00:00-18:17"',
)
CURSOR_LITERALS = (
    *EDGE_LITERALS,
    "NaN",
    "-Infinity",
    '"9999-99-99"',
    '"0001-01-01"',
    str(10**100),
    "1.5",
    "[]",
    "true",
    "null",
    json.dumps("x" * 3000),
)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def tampered_cursors(cursor: str, *, thorough: bool) -> list[str]:
    """Variants of a real cursor: its sort values replaced by odd literals, and broken cursors."""
    payload = json.loads(unb64(cursor))
    labels, values = payload["o"], payload["v"]
    found = []
    for index in range(len(values)):
        for literal in CURSOR_LITERALS if thorough and index == 0 else EDGE_LITERALS:
            parts = [literal if i == index else json.dumps(value) for i, value in enumerate(values)]
            found.append(b64(('{"o":' + json.dumps(labels) + ',"v":[' + ",".join(parts) + "]}").encode()))
    if thorough:
        found += [
            cursor[:-1],
            cursor + NUL,
            b64(b"\xff\xfe\x00"),
            b64(b"[" * 5000),
            b64(json.dumps({"o": labels, "v": values[:-1]}).encode()),
            b64(json.dumps({"o": labels, "v": dict(enumerate(values))}).encode()),
            b64(json.dumps([labels, values]).encode()),
            "A" * 9000,
        ]
    return found


def values_for(kind: str, choices=()) -> tuple:
    return (*VALUES[kind], *COMMON, *(VALUES["number"][:3] if kind == "choice" else ()))


# Discovery: which FilterSets a request builds


class FilterSetsBuilt:
    """Records the FilterSet instances each request builds (patched into BaseFilterSet.__init__)."""

    def __init__(self):
        self.instances = []
        self.classes_seen = set()

    def __enter__(self):
        original = self.original = django_filters.filterset.BaseFilterSet.__init__
        recorder = self

        def init(filterset, *args, **kwargs):
            original(filterset, *args, **kwargs)
            recorder.instances.append(filterset)
            recorder.classes_seen.add(type(filterset))

        django_filters.filterset.BaseFilterSet.__init__ = init
        return self

    def __exit__(self, *exc):
        django_filters.filterset.BaseFilterSet.__init__ = self.original

    def take(self) -> list:
        found, self.instances = self.instances, []
        return found


def project_filtersets() -> set[type]:
    found, pending = set(), [django_filters.FilterSet]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS:
                found.add(sub)
    return found


def field_kind(field: forms.Field) -> str:
    if isinstance(field, forms.DateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "number"
    if isinstance(field, forms.NullBooleanField | forms.BooleanField):
        return "boolean"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    return "text"


def filterset_parameters(filterset) -> dict[str, str]:
    """Query parameter -> kind, from the FilterSet's form (a range gives name_after and name_before)."""
    found = {}
    for name, field in filterset.form.fields.items():
        widget = field.widget
        if isinstance(field, forms.MultiValueField) and getattr(widget, "suffixes", None):
            for suffix, subfield in zip(widget.suffixes, field.fields, strict=True):
                found[widget.suffixed(name, suffix)] = field_kind(subfield)
        else:
            found[name] = field_kind(field)
    return found


class PageParser(HTMLParser):
    """A portal page's GET forms' fields (typed by their inputs) and its links' query parameters."""

    INPUT_KINDS = {"date": "date", "datetime-local": "datetime", "number": "number", "checkbox": "boolean"}

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.options: dict[str, set[str]] = {}
        self.links: list[str] = []
        self.in_get_form = False
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif self.in_get_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            name = attrs["name"]
            kind = "choice" if tag == "select" else self.INPUT_KINDS.get(attrs.get("type", "text"), "text")
            if attrs.get("type") not in ("submit", "button", "hidden") or name in ("ordering", "after", "before"):
                self.fields.setdefault(name, kind)
            if tag == "select":
                self.select = name
        elif tag == "option" and self.select:
            self.options.setdefault(self.select, set()).add(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False
        elif tag == "select":
            self.select = None


# The sweep


class Sweep:
    def __init__(self, world, recorder):
        self.world = world
        self.recorder = recorder
        self.turn = itertools.count()
        self.failures = []
        self.errors = []
        self.asked = 0
        self.portal = {}
        self.api = {}
        for role in ROLES:
            client = Client(raise_request_exception=False)
            client.force_login(world.users[role], backend="accounts.backends.RoleModelBackend")
            self.portal[role] = client
            api = APIClient(raise_request_exception=False)
            api.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
            self.api[role] = api

    def ask(self, surface: str, path: str, params: dict, role: str | None = None):
        turn = next(self.turn)
        role = role or ROLES[turn % len(ROLES)]
        zone = ZONES[(turn // len(ROLES)) % len(ZONES)]
        client = (self.api if surface == "api" else self.portal)[role]
        self.errors.clear()
        started = time.monotonic()
        with timezone.override(zone), transaction.atomic():
            response = client.get(path, params)
            transaction.set_rollback(True)
        took = time.monotonic() - started
        self.asked += 1
        if took > SLOW_SECONDS:
            self.failures.append(
                f"{took:.0f}s for GET {path} {params!r:.200} as {role}: one request may not cost this much"
            )
        if response.status_code >= 500:
            shown = {key: str(value)[:40] for key, value in params.items()}
            self.failures.append(
                f"{response.status_code} {surface} GET {path} {shown!r} as {role} in {zone}\n"
                + (self.errors[-1].strip().splitlines()[-1] if self.errors else "")
            )
        return response

    def sweep_parameters(self, surface, path, parameters: dict[str, str], base=None, options=None):
        for name, kind in parameters.items():
            values = values_for(kind if kind in VALUES else "text")
            values += tuple((options or {}).get(name, ()))
            for value in values:
                self.ask(surface, path, {**(base or {}), name: value})

    def sweep_cursors(self, surface, path, names, cursor, *, thorough, base=None):
        """Tampered variants of `cursor`, sent under each of `names` in turn (the API: "n"/"p" prefixes)."""
        for number, variant in enumerate(tampered_cursors(cursor, thorough=thorough)):
            name, prefix = names[number % len(names)]
            self.ask(surface, path, {**(base or {}), name: prefix + variant})


@pytest.fixture(scope="module")
def rows(world, django_db_blocker):
    """More rows than a portal page holds in every list, for admins (within the world's transaction)."""
    with django_db_blocker.unblock():
        owner, customer = world.users["sales_rep"], world.objects["cust_rep"]
        for index in range(ROWS_PER_LIST):
            CustomerFactory(name=f"Sweep {index}", owner=owner)
            OpportunityFactory(customer=customer, name=f"Sweep deal {index}")
            OrderFactory(customer=customer)
            ticket = TicketFactory(customer=customer, team=world.objects["team_support"], subject=f"Sweep {index}")
            Feedback.objects.create(customer=customer, ticket=ticket, rating=index % 5 + 1, comment="sweep")
            ProductFactory(sku=f"SW-{index}", name=f"Sweep {index}")
    return world


@pytest.fixture
def sweep(rows):
    with FilterSetsBuilt() as recorder:
        swept = Sweep(rows, recorder)

        def record(sender, request=None, **kwargs):
            swept.errors.append(traceback.format_exc())

        got_request_exception.connect(record)
        yield swept
        got_request_exception.disconnect(record)


def api_list_operations():
    """GET operations with query parameters: path -> {parameter: schema}."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        parameters = {p["name"]: p.get("schema", {}) for p in get.get("parameters", []) if p["in"] == "query"}
        parameters.pop("format", None)
        if parameters:
            found[path] = parameters
    return found


def schema_kind(schema: dict) -> str:
    if schema.get("type") == "array":
        return schema_kind(schema.get("items", {}))
    if "enum" in schema:
        return "choice"
    if schema.get("format") == "date":
        return "date"
    if schema.get("format") == "date-time":
        return "datetime"
    return {"integer": "number", "number": "number", "boolean": "boolean"}.get(schema.get("type"), "text")


def concrete_api_path(path: str, world) -> str | None:
    known = {
        "customer_pk": world.pk("cust_other"),
        "ticket_pk": world.pk("ticket_q"),
        "record_type": "customer",
        "record_id": world.pk("cust_rep"),
        "collection": "customers",
        "id": world.pk("cust_rep"),
        "pk": world.pk("cust_rep"),
    }
    for name, value in known.items():
        path = path.replace("{" + name + "}", str(value))
    return None if "{" in path else path


def test_every_api_filter_ordering_and_cursor_answers_without_a_server_error(sweep):
    operations = api_list_operations()
    assert operations, "the schema has no GET operation with query parameters: the discovery is broken"
    cursors = orderings = 0
    for schema_path, parameters in operations.items():
        if ONLY not in schema_path:
            continue
        path = concrete_api_path(schema_path, sweep.world)
        assert path, f"no record to ask {schema_path} about: teach concrete_api_path its parameter"
        kinds = {name: schema_kind(schema) for name, schema in parameters.items()}
        sweep.sweep_parameters("api", path, kinds)
        if "cursor" in parameters:
            for ordering in parameters.get("ordering", {}).get("enum", []) or [None]:
                base = {"page_size": 1, **({"ordering": ordering} if ordering else {})}
                orderings += bool(ordering)
                first = sweep.ask("api", path, base, role="admin")
                assert first.status_code == 200, (path, base, first.status_code)
                next_url = first.json().get("next")
                if not next_url:
                    continue
                cursor = dict(parse_qsl(urlsplit(next_url).query))["cursor"]
                cursors += 1
                thorough = not (ordering or "").startswith("-")
                names = (("cursor", "n"), ("cursor", "p"))
                sweep.sweep_cursors("api", path, names, cursor[1:], thorough=thorough, base=base)
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.asked} requests failed:\n" + "\n".join(
        sweep.failures[:60]
    )
    assert orderings, "no ordering was discovered in the schema"
    assert cursors, "no cursor was discovered: every list has fewer than two rows?"
    filtersets = {type(instance) for instance in sweep.recorder.instances} | sweep.recorder.classes_seen
    api_filtersets = {cls for cls in project_filtersets() if cls in filtersets}
    assert api_filtersets, "no FilterSet was reached through the API"


def portal_routes() -> list[str]:
    """The portal's GET routes without converters (no record id), as paths."""
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not route.startswith(("api/", "admin/")):
                found.append(route)

    walk(get_resolver().url_patterns)
    return found


def test_every_portal_list_board_and_export_answers_without_a_server_error(sweep):
    routes = portal_routes()
    assert routes, "the URL resolver lists no portal route"
    # Pages to probe: routes without converters, and the pages they link to that have no record id
    # (a route with a slug, such as each support queue).
    to_probe = {"/" + route for route in routes if "<" not in route and route not in ("logout/",)}
    pages = {}
    probed = set()
    while to_probe - probed:
        path = sorted(to_probe - probed)[0]
        probed.add(path)
        sweep.recorder.take()
        response = sweep.ask("portal", path, {}, role="admin")
        filtersets = sweep.recorder.take()
        if response.status_code != 200:
            continue
        parser = PageParser()
        if "html" in response.get("Content-Type", ""):
            parser.feed(response.content.decode())
        for href in parser.links:
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            try:
                match = resolve(parts.path)
            except Resolver404:
                continue
            record_id = any(isinstance(value, int) for value in match.kwargs.values())
            if match.route in routes and not record_id and not match.route.startswith(("api/", "admin/")):
                to_probe.add(parts.path)
        parameters = {}
        for filterset in filtersets:
            parameters |= filterset_parameters(filterset)
        for name, kind in parser.fields.items():
            parameters.setdefault(name, kind)
        link_params = {name: value for href in parser.links for name, value in parse_qsl(urlsplit(href).query) if name}
        if filtersets or parser.fields or {"after", "before", "ordering"} & set(link_params):
            pages[path] = (parameters, parser, link_params)

    assert pages, "no portal list was discovered"
    assert any(params for params, _, _ in pages.values()), "no portal filter was discovered"
    cursors = orderings = 0
    for path, (parameters, parser, _links) in pages.items():
        options = {name: values - {""} for name, values in parser.options.items()}
        # Positions and an ordering on every list, export and board, whether or not its page offers them.
        asked = {"after": "text", "before": "text", "ordering": "choice"} | parameters
        sweep.sweep_parameters("portal", path, asked, options=options)
        # Every ordering the page offers (its select and its links), each with tampered cursors.
        offered = set(options.get("ordering", ())) | {
            value for href in parser.links for name, value in parse_qsl(urlsplit(href).query) if name == "ordering"
        }
        for ordering in [None, *sorted(offered)]:
            base = {"ordering": ordering} if ordering else {}
            orderings += bool(ordering)
            first = sweep.ask("portal", path, base, role="admin")
            if first.status_code != 200 or "html" not in first.get("Content-Type", ""):
                continue
            page = PageParser()
            page.feed(first.content.decode())
            after = next((v for href in page.links for k, v in parse_qsl(urlsplit(href).query) if k == "after"), None)
            if after:
                cursors += 1
                thorough = not (ordering or "").startswith("-")
                names = (("after", ""), ("before", ""))
                sweep.sweep_cursors("portal", path, names, after, thorough=thorough, base=base)
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.asked} requests failed:\n" + "\n".join(
        sweep.failures[:60]
    )
    assert orderings, "no portal ordering was discovered"
    assert cursors, "no portal cursor was discovered"
    reached = sweep.recorder.classes_seen
    missing = {cls.__name__ for cls in project_filtersets() if cls not in reached and not _api_only(cls)}
    assert not missing, f"FilterSets no portal page built (add their page's route, or mark them API-only): {missing}"


def _api_only(cls) -> bool:
    return ".api." in cls.__module__ or cls.__module__.endswith(".api")  # crm/staff/api.py is a module


# Deeply nested JSON bodies, on every write operation of the schema

RECORD_OF_RESOURCE = {
    "customers": "cust_rep",
    "contacts": "contact_rep",
    "feedback": "fb_ticket",
    "opportunities": "opp_rep",
    "orders": "order_rep",
    "products": "product",
    "teams": "team_a",
    "tickets": "ticket_q",
    "users": "user_sales_rep",
}


def write_path(path: str, world) -> str:
    parts = path.strip("/").split("/")
    for index, part in enumerate(parts):
        if part in ("{customer_pk}", "{ticket_pk}"):
            parts[index] = str(world.pk("cust_rep" if part == "{customer_pk}" else "ticket_q"))
        elif part.startswith("{"):
            resource = parts[index - 1]
            assert resource in RECORD_OF_RESOURCE, f"{path}: teach RECORD_OF_RESOURCE a record of {resource}"
            parts[index] = str(world.pk(RECORD_OF_RESOURCE[resource]))
    return "/" + "/".join(parts) + "/"


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 100_000], ids=["arrays", "objects"])
def test_every_write_answers_a_deeply_nested_json_body_with_400(world, body):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    writes = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch")
    ]
    assert writes, "the schema has no write operation: the discovery is broken"
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")
    refused = []
    for method, path in writes:
        with transaction.atomic():
            response = getattr(client, method)(write_path(path, world), data=body, content_type="application/json")
            transaction.set_rollback(True)
        if response.status_code != 400 or "nested too deeply" not in response.json().get("detail", ""):
            refused.append(f"{method.upper()} {path}: {response.status_code} {response.content[:200]!r}")
    assert not refused, "\n".join(refused)
