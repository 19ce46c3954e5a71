"""The machinery of the authorization matrix: routes as data, expectations, and the checks
every answer goes through. The table itself is in routes.py; how to add a row is
described in test_authorization_matrix.py.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.test import Client

from .world import KINDS, ROLES, SIGNED_OUT, World, can, marker

PORTAL, API, ADMIN = "portal", "api", "admin"
# Records whose text carries their marker: no answer to a user who may not view them may contain it.
MARKED_KINDS = ("customer", "contact", "opportunity", "ticket", "message", "feedback")
# Portal pages tag listed rows with data-<kind>-id="<pk>"; these kinds are checked on every page.
DATA_ID = re.compile(r'data-(customer|opportunity|order|product|ticket|feedback|line)-id="(\d+)"')


@dataclass(frozen=True)
class Case:
    """One principal asking one route about one target (a record name, or "queue:mine" and the like)."""

    surface: str
    principal: str
    target: str | None
    world: World

    @property
    def signed_in(self) -> bool:
        return self.principal not in SIGNED_OUT

    @property
    def role(self) -> str | None:
        return ROLES.get(self.principal)

    @property
    def is_admin(self) -> bool:
        return self.principal == "admin"

    def can(self, action: str, record: str | None = None) -> bool:
        return can(self.principal, action, record or self.target)

    def signed_out_status(self) -> int:
        return 401 if self.surface == API else 302

    def pk(self, record: str | None = None) -> int:
        return self.world.pk(record or self.target)

    def user_id(self, principal: str | None = None) -> int:
        """A user's id; a signed-out caller (who has no user) names sales_rep's."""
        name = principal or self.principal
        return self.world.user_id(name if name in self.world.users else "sales_rep")

    # Values a principal would send to do something they may do.

    def own_or_named_owner(self) -> int:
        """The owner of a new record: admins must name one (sales_rep); others name themselves."""
        return self.user_id("sales_rep") if self.is_admin else self.user_id()

    def new_owner(self) -> int:
        """An owner to reassign to: themselves for a manager, a salesperson for an admin."""
        return self.user_id("teammate") if self.is_admin else self.user_id()

    def viewable_customer(self) -> str:
        return next((name for name in KINDS["customer"] if self.can("v", name)), "cust_rep")


Expect = Callable[[Case], int]


def _resolve(value, case: Case):
    return value(case) if callable(value) else value


def signed_in(ok) -> Expect:
    """Any signed-in staff user gets `ok`; signed-out callers are sent to log in (portal) or get 401 (API)."""
    return lambda case: _resolve(ok, case) if case.signed_in else case.signed_out_status()


def public(ok, *, stale_credentials: int | None = None) -> Expect:
    """Everyone gets `ok`. `stale_credentials`: what the API answers a revoked or deactivated user's token."""

    def expect(case: Case) -> int:
        if stale_credentials is not None and case.principal in {"inactive", "revoked"}:
            return stale_credentials
        return _resolve(ok, case)

    return expect


def needs(action: str, ok, *, record: Callable[[Case], str] | None = None, missing: int = 404) -> Expect:
    """ACCESS.md's refusal rule: allowed -> ok; may view but not do it -> 403; may not view -> `missing` (404)."""

    def expect(case: Case) -> int:
        if not case.signed_in:
            return case.signed_out_status()
        subject = record(case) if record else case.target
        if case.can(action, subject):
            return _resolve(ok, case)
        return 403 if case.can("v", subject) else missing

    return expect


def when(condition: Callable[[Case], bool], ok, refused: int = 403) -> Expect:
    """Signed-in callers for whom `condition` holds get `ok`, other signed-in callers `refused`."""
    return signed_in(lambda case: _resolve(ok, case) if condition(case) else refused)


@dataclass(frozen=True)
class Listing:
    """An exact listing: the records of `kind` an answer shows must be exactly `expected(case)` (record names).

    `expected` defaults to every record of the kind the principal may view; `scope` narrows it (e.g. the
    orders of the customer whose page it is). Portal answers are read from data-<kind>-id attributes, or
    from the records' markers when `by_marker`; API answers from the ids in "results" (or the list itself).
    """

    kind: str
    scope: Callable[[Case], set[str]] | None = None
    by_marker: bool = False

    def expected(self, case: Case) -> set[str]:
        names = {name for name in KINDS[self.kind] if case.can("v", name)}
        return names & self.scope(case) if self.scope else names


@dataclass(frozen=True)
class Route:
    """One row of the matrix: a route, a method, the targets it is asked about, and what each principal gets."""

    route: str  # the URL pattern as the resolver shows it, or "METHOD /api/v1/path/{id}/" from the schema
    method: str
    expect: Expect
    targets: tuple[str | None, ...] = (None,)
    data: dict | Callable[[Case], dict] | None = None
    query: dict | Callable[[Case], dict] | None = None
    htmx: bool = False
    lists: tuple[Listing, ...] = ()
    figures: Callable[[Case, object], list[str]] | None = None
    reveals: frozenset[str] = frozenset()  # records this route may name to anyone (a signed survey link's ticket)
    principals: tuple[str, ...] | None = None  # who asks it (default: every principal of its surface)
    note: str = ""

    @property
    def surface(self) -> str:
        if self.route.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")):
            return API
        return ADMIN if self.route.startswith("admin/") else PORTAL

    def url(self, case: Case) -> str:
        path = self.route.split(" ", 1)[1] if self.surface == API else "/" + self.route
        params = url_params(case.world, case.target)
        # A regular-expression pattern (admin's app index and catch-all): its named groups, without anchors.
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(params[m.group(1)]), path).replace("^", "")
        path = path.removesuffix("$")
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(params[m.group(1)]), path)
        return re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), path)


def url_params(world: World, target: str | None) -> dict:
    if target is None:
        return {}
    if ":" in target:
        prefix, value = target.split(":", 1)
        if prefix == "queue":
            return {"queue_key": value}
        if prefix == "survey":
            return {"token": world.survey_token if value == "valid" else "not-a-signed-token"}
        if prefix == "admin":
            return {
                "id": value,
                "object_id": value,
                "object_pk": value,
                "user_id": world.user_id("sales_rep"),
                "group_id": world.objects["team_a"].group_id,
            }
        if prefix == "app":
            return {"app_label": value}
        raise KeyError(target)
    if target == "admin-customer":
        from django.contrib.contenttypes.models import ContentType

        customer = world.objects["cust_rep"]
        return {"content_type_id": ContentType.objects.get_for_model(customer).pk, "object_id": customer.pk}
    if target == "admin-unknown":
        return {"url": "no-such-page/"}
    record = world.objects[target]
    kind = next(kind for kind, names in KINDS.items() if target in names)
    params = {"id": record.pk, "object_id": record.pk}
    # The record's kind as the history, the access explainer and the API collections spell it.
    params |= {"record_type": kind, "record_id": record.pk, "kind_name": kind, "pk": record.pk}
    params["collection"] = {"customer": "customers", "ticket": "tickets"}.get(kind, kind)
    if kind == "customer":
        params |= {"customer_id": record.pk, "customer_pk": record.pk}
    elif kind in ("contact", "share"):
        params |= {"customer_id": record.customer_id, "customer_pk": record.customer_id, f"{kind}_id": record.pk}
        if kind == "share":  # the grant behind the share, as /grants/ names it
            params["grant_id"] = f"user-{record.user_grant_id}" if record.user_id else f"team-{record.team_grant_id}"
    elif kind == "opportunity":
        params["opportunity_id"] = record.pk
    elif kind == "order":
        params["order_id"] = record.pk
    elif kind == "line":
        params |= {"order_id": record.order_id, "line_id": record.pk}
    elif kind == "ticket":
        params |= {"ticket_id": record.pk, "ticket_pk": record.pk}
    elif kind == "message":
        params["ticket_pk"] = record.ticket_id
    elif kind == "team":
        params["team_id"] = record.pk
    elif kind == "import":
        params["job_id"] = record.pk
    return params


# Asking


def ask(route: Route, case: Case) -> object:
    """Send the route's request as the principal, inside a savepoint that is rolled back: nothing it writes stays."""
    with transaction.atomic():
        response = send(route, case)
        transaction.set_rollback(True)
    return response


def send(route: Route, case: Case) -> object:
    """Send the route's request as the principal (in the caller's transaction)."""
    url = route.url(case)
    data = _resolve(route.data, case)
    if route.method == "PUT" and data is None:
        data = representation(case.world, url)  # a PUT sends the record back as it is
    query = _resolve(route.query, case)
    headers = {"HTTP_HX_REQUEST": "true"} if route.htmx else {}
    client = Client(raise_request_exception=False)
    if route.surface == API:
        token = case.world.tokens.get(case.principal)
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Token {token}"
    elif case.principal in case.world.sessions:
        client.cookies["sessionid"] = case.world.sessions[case.principal]
    if query:
        url = f"{url}?{'&'.join(f'{key}={value}' for key, value in query.items())}"
    cache.clear()  # rate limits count in the cache
    if route.surface == API and data is not None:
        body = json.dumps(data, default=str)
        response = client.generic(route.method, url, body, content_type="application/json", **headers)
    elif route.method == "POST":
        response = client.post(url, data or {}, **headers)
    else:
        response = client.generic(route.method, url, **headers)
    # A streamed answer (an export) is read here, while its queries still run in the caller's transaction.
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


def representation(world: World, url: str) -> dict:
    """The record at an API URL as an admin reads it (the body of a PUT that changes nothing)."""
    if url not in world.representations:
        response = Client().get(url, HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")
        assert response.status_code == 200, (url, response.status_code)
        world.representations[url] = response.json()
    return world.representations[url]


# Checking


def problems_with(route: Route, case: Case, response) -> list[str]:
    found = []
    expected = route.expect(case)
    if response.status_code != expected:
        detail = _short(response)
        found.append(f"status {response.status_code}, expected {expected}{detail}")
    body = response.body.decode(errors="replace")
    found += _leaks(route, case, body)
    found += _header_problems(response)
    if response.status_code == expected and 200 <= expected < 300:
        for listing in route.lists:
            found += _listing_problems(listing, case, response, body)
        if route.figures:
            found += route.figures(case, response)
    return found


def _short(response) -> str:
    if response.status_code < 300:
        return ""
    text = response.body.decode(errors="replace")
    if "json" in response.get("Content-Type", ""):
        return f": {text[:200]}"
    title = re.search(r"<h1>(.*?)</h1>\s*(?:<p>(.*?)</p>)?", text, re.S)
    return f": {' '.join(part for part in title.groups() if part)[:200]}" if title else ""


def _leaks(route: Route, case: Case, body: str) -> list[str]:
    found = []
    for kind in MARKED_KINDS:
        for name in KINDS[kind]:
            if name in route.reveals or case.can("v", name):
                continue
            if marker(name) in body:
                found.append(f"names {name}, which {case.principal} may not view")
    if case.surface in (PORTAL, ADMIN):
        for kind, pk in DATA_ID.findall(body):
            name = case.world.record_named(kind, int(pk))
            if name and not case.can("v", name):
                found.append(f"lists {kind} {name}, which {case.principal} may not view")
    return found


def _listing_problems(listing: Listing, case: Case, response, body: str) -> list[str]:
    expected = listing.expected(case)
    if case.surface == API:
        payload = response.json()
        rows = payload["results"] if isinstance(payload, dict) else payload
        listed = {case.world.record_named(listing.kind, row["id"]) or f"#{row['id']}" for row in rows}
        universe = set(KINDS[listing.kind]) | {name for name in listed if name.startswith("#")}
        listed &= universe
    elif listing.by_marker:
        listed = {name for name in KINDS[listing.kind] if marker(name) in body}
    else:
        listed = {
            case.world.record_named(kind, int(pk)) or f"#{pk}"
            for kind, pk in DATA_ID.findall(body)
            if kind == listing.kind
        }
    if listed != expected:
        return [f"lists {listing.kind}s {sorted(listed)}, expected {sorted(expected)}"]
    return []


def _header_problems(response) -> list[str]:
    found = []
    if response.get("X-Frame-Options") != "DENY":
        found.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    if response.get("Referrer-Policy") != "same-origin":
        found.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    if "text/html" in response.get("Content-Type", ""):
        csp = response.get("Content-Security-Policy", "")
        if not csp or "unsafe-inline" in csp or "unsafe-eval" in csp or "frame-ancestors 'none'" not in csp:
            found.append(f"Content-Security-Policy {csp!r}")
    return found


# Figures (counts, totals, averages) computed from the records the principal may view


def board_figures(case: Case, response) -> list[str]:
    columns = response.context["columns"]
    visible = [name for name in KINDS["opportunity"] if case.can("v", name)]
    from .world import AMOUNTS

    count = sum(column.count for column in columns)
    total = sum((Decimal(column.total) for column in columns), Decimal("0"))
    expected_total = sum((AMOUNTS[name] for name in visible), Decimal("0"))
    if (count, total) != (len(visible), expected_total):
        return [f"board shows {count} opportunities worth {total}, expected {len(visible)} worth {expected_total}"]
    return []


def queue_figures(case: Case, response) -> list[str]:
    counts = {queue.key: count for queue, count in response.context["tabs"]}
    visible = len([name for name in KINDS["ticket"] if case.can("v", name)])
    if counts.get("all") != visible:
        return [f"the 'all' tab counts {counts.get('all')}, expected {visible}"]
    return []


def feedback_figures(case: Case, response) -> list[str]:
    from .world import RATINGS

    summary = response.context["summary"]
    ratings = [RATINGS[name] for name in KINDS["feedback"] if case.can("v", name)]
    expected = {"count": len(ratings), "average": (sum(ratings) / len(ratings)) if ratings else None}
    actual = {"count": summary["count"], "average": float(summary["average"]) if summary["average"] else None}
    if actual != expected:
        return [f"feedback summary {actual}, expected {expected}"]
    return []


@dataclass
class Report:
    """Unexpected answers, one line each, so that a failure names every one of them at once."""

    lines: list[str] = field(default_factory=list)

    def add(self, route: Route, case: Case, problems: list[str]) -> None:
        for problem in problems:
            target = f" on {case.target}" if case.target else ""
            self.lines.append(f"{route.method} {route.route}{target} as {case.principal}: {problem}")
