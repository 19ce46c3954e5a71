"""The authorization matrix: every route of the portal (pages and htmx fragments, from the URL
resolver), of the API (every operation of the OpenAPI schema) and of Django admin, asked by
every principal (each role, signed out, a deactivated user, a revoked token) about records in
every relation to them, compared with docs/ACCESS.md.

For each answer the matrix checks:
- the status code (ACCESS.md's "What a refusal looks like": 404 for a record the user may not
  view, 403 for an action they may not do on one they may, 302 to log in / 401 when signed out);
- that nothing in it names or lists a record the principal may not view (each record's marker
  and the portal's data-<kind>-id attributes), on every page, fragment, list and error;
- exact listings (lists, searches, a customer page's panels) and figures (counts, totals, averages);
- the security headers (CSP without unsafe-inline/unsafe-eval, X-Frame-Options, nosniff, referrer policy).
Each request runs in a savepoint that is rolled back, so every row starts from the same world.

A route without a row fails test_every_*_route_is_in_the_matrix: the table must grow with the code.

How to add a route (a new page, fragment, export or API endpoint)
-----------------------------------------------------------------
1. In routes.py, add a `Route` to PORTAL_ROUTES (portal) or API_ROUTES (API). Its first
   argument is the URL pattern exactly as the resolver prints it (for `path("export.csv", ...)` in
   sales/urls.py, included at "sales/", that is "sales/export.csv"; with converters as written:
   "sales/orders/<int:order_id>/"), or, for the API, "METHOD /api/v1/..." exactly as the schema
   names it (`manage.py spectacular` prints it). One row per method (and one per htmx variant).
2. Say what each principal gets with an expectation helper:
   - `needs("v", 200, ...)` for a route about one record (targets=...): allowed -> 200,
     may view but not do it -> 403, may not view -> 404, signed out -> 302/401;
   - `signed_in(200)` for a page every staff user has; `when(condition, 200)` for a page some roles have;
   - `public(200)` for a page without log-in (the survey link).
3. Give it `targets`: record names from world.py (e.g. `targets=CUSTOMERS`), so that it is asked about
   records the principal owns, shares, manages, or has nothing to do with.
4. For anything that lists or counts records (a list, search, export, dashboard, autocomplete), add
   `lists=(Listing("customer"),)` (exactly the records the principal may view; `scope=` narrows it,
   `by_marker=True` reads a page that has no data-<kind>-id attributes), and `figures=` for totals.
   An export answering CSV is read by marker too: put the record's name in it, and the check applies.
5. If the route needs a new kind of record, add it to world.py: create it in build_world() with its
   marker in a visible text field, add its name to KINDS, and write who may do what with it in
   ACCESS (from ACCESS.md, by hand: never by calling the access policy). If its pages tag rows with
   data-<kind>-id, add the kind to matrix.DATA_ID (and to MARKED_KINDS if its text carries the marker).
6. Run `pytest tests/security/test_authorization_matrix.py -k "<your route>"`; a failure lists every
   unexpected answer as "METHOD route on target as principal: problem".

For example (rows another branch might add):

    Route("customers/export.csv", "GET", signed_in(200), lists=(Listing("customer", by_marker=True),)),
    Route("sales/dashboard/", "GET", pipeline_page(200), figures=board_figures),
    Route("customers/<int:customer_id>/access/", "GET", when(lambda case: case.role in {"admin", "manager"}, 200,
          refused=404), targets=CUSTOMERS),
    Route("GET /api/v1/customers/{id}/history/", "GET", needs("v", 200), targets=CUSTOMERS),
    Route("POST /api/v1/customers/import/", "POST", when(creates_records, 201), data={...}),

Admin pages are generated from admin.site's registry (every ModelAdmin's pages); a custom admin
view that is not one of the pages ADMIN_PAGES knows fails test_every_admin_page_is_in_the_matrix.
"""

import re
from collections import Counter

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.models import TokenProxy
from rest_framework.routers import APIRootView

from .matrix import ADMIN, API, PORTAL, Case, Report, ask, problems_with
from .routes import (
    ADMIN_APP_LIST,
    ADMIN_PAGES,
    ADMIN_SITE_ROUTES,
    API_EXTRA_ROUTES,
    API_ROUTES,
    PORTAL_ROUTES,
    admin_app_routes,
    admin_model_routes,
    admin_page_kind,
)
from .world import API_PRINCIPALS, PORTAL_PRINCIPALS

pytestmark = pytest.mark.django_db

API_PREFIX = "api/v1/"
ADMIN_PREFIX = "admin/"
# Views the resolver serves under api/v1/ that the schema does not describe (rows in API_EXTRA_ROUTES).
API_VIEWS_OUTSIDE_THE_SCHEMA = {APIRootView, SpectacularAPIView, SpectacularSwaggerSplitView}


def resolver_routes(patterns=None, prefix: str = ""):
    """(route as the resolver prints it, pattern) for every URL pattern of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from resolver_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def schema_operations() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {f"{method.upper()} {path}" for path, operations in schema["paths"].items() for method in operations}


def run(routes, principals, world, surface=None) -> Report:
    report = Report()
    for route in routes:
        for principal in route.principals or principals:
            for target in route.targets:
                case = Case(surface or route.surface, principal, target, world)
                response = ask(route, case)
                report.add(route, case, problems_with(route, case, response))
    return report


def row_id(route) -> str:
    query = " ?query" if route.query else ""
    return f"{route.method} {route.route}" + (" htmx" if route.htmx else "") + query


def unique_ids(routes) -> list[str]:
    seen = Counter()
    ids = []
    for route in routes:
        name = row_id(route)
        seen[name] += 1
        ids.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return ids


# Coverage: the table must name every route there is, and no route that is gone.


def test_every_portal_route_is_in_the_matrix():
    served = {route for route, _ in resolver_routes() if not route.startswith((API_PREFIX, ADMIN_PREFIX))}
    in_matrix = {route.route for route in PORTAL_ROUTES}
    assert served - in_matrix == set(), "portal routes without a row in tests/security/routes.py"
    assert in_matrix - served == set(), "rows for portal routes that no longer exist"


def test_every_api_operation_is_in_the_matrix():
    in_matrix = {route.route for route in API_ROUTES}
    operations = schema_operations()
    assert operations - in_matrix == set(), "API operations without a row in tests/security/routes.py"
    assert in_matrix - operations == set(), "rows for API operations that no longer exist"


def test_every_api_route_is_in_the_schema_or_the_matrix():
    """Anything the resolver serves under api/v1/ is either described by the schema or has its own row."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    described = {
        callback
        for path, _, method, callback in EndpointEnumerator().get_api_endpoints()
        if method.lower() in paths.get(path.replace("{pk}", "{id}"), {})  # the schema names a pk "id"
    }
    outside = {
        pattern.callback.cls
        for route, pattern in resolver_routes()
        if route.startswith(API_PREFIX) and pattern.callback not in described
    }
    assert outside == API_VIEWS_OUTSIDE_THE_SCHEMA
    assert {route.route for route in API_EXTRA_ROUTES} == {"api/v1/", "api/v1/schema/", "api/v1/docs/"}


def test_every_admin_page_is_in_the_matrix():
    site_names = {name for pattern in admin.site.get_urls() if (name := getattr(pattern, "name", None))}
    covered = {"index", "login", "logout", "password_change", "password_change_done", "jsi18n", "autocomplete"}
    covered |= {"view_on_site", "app_list"}
    assert site_names - covered == set(), "admin site pages without a row (ADMIN_SITE_ROUTES)"
    assert any(str(pattern.pattern) == ADMIN_APP_LIST.removeprefix(ADMIN_PREFIX) for pattern in admin.site.get_urls())
    for model_admin in admin.site._registry.values():
        for pattern in model_admin.get_urls():
            try:
                kind = admin_page_kind(pattern.name)
            except StopIteration:
                pytest.fail(f"{type(model_admin).__name__} serves {pattern.name}, which ADMIN_PAGES does not know")
            assert kind in ADMIN_PAGES


# The matrix itself.


@pytest.mark.parametrize("route", PORTAL_ROUTES, ids=unique_ids(PORTAL_ROUTES))
def test_portal(route, world):
    report = run([route], PORTAL_PRINCIPALS, world)
    assert not report.lines, "\n".join(report.lines)


@pytest.mark.parametrize("route", [*API_ROUTES, *API_EXTRA_ROUTES], ids=unique_ids([*API_ROUTES, *API_EXTRA_ROUTES]))
def test_api(route, world):
    report = run([route], API_PRINCIPALS, world, surface=API)
    assert not report.lines, "\n".join(report.lines)


def _object_pk_for_admin(model_admin) -> int | None:
    if model_admin.model is TokenProxy:  # the token admin names a token by its user's id
        return TokenProxy.objects.order_by("user_id").values_list("user_id", flat=True).first()
    return model_admin.model._default_manager.order_by("pk").values_list("pk", flat=True).first()


@pytest.mark.parametrize("label", sorted(model._meta.label_lower for model in admin.site._registry))
def test_admin_model_pages(label, world):
    model_admin = next(ma for model, ma in admin.site._registry.items() if model._meta.label_lower == label)
    object_pk = _object_pk_for_admin(model_admin)
    assert object_pk is not None, f"the world has no {label}: add one, so that its pages are asked"
    report = run(admin_model_routes(model_admin, object_pk), PORTAL_PRINCIPALS, world, surface=ADMIN)
    assert not report.lines, "\n".join(report.lines)


def test_admin_site_pages(world):
    report = run([*ADMIN_SITE_ROUTES, *admin_app_routes()], PORTAL_PRINCIPALS, world, surface=ADMIN)
    assert not report.lines, "\n".join(report.lines)


def test_the_matrix_can_fail(world):
    """A row that expects the wrong thing is reported, with the principal and the problem."""
    from .matrix import Route, needs

    wrong = Route("customers/<int:customer_id>/", "GET", needs("c", 200), targets=("cust_rep",))
    report = run([wrong], ("support_rep",), world, surface=PORTAL)
    assert report.lines == ["GET customers/<int:customer_id>/ on cust_rep as support_rep: status 200, expected 403"], (
        report.lines
    )
    leaky = re.compile(r"names cust_other")
    from .matrix import _leaks

    case = Case(PORTAL, "outsider-with-no-rights", None, world)
    assert any(leaky.search(line) for line in _leaks(wrong, case, "Acme [cust_other] mango"))
