"""The authorization matrix's table: every route of the portal, the API and Django admin, with
what each principal gets for each target. ACCESS.md in rows; see test_authorization_matrix.py
for how to add one.

Reading a row: `Route(route, method, expect, targets=..., data=..., lists=...)`.
- `route` is the URL pattern exactly as the URL resolver prints it (portal), or
  "METHOD /api/v1/path/{param}/" exactly as the OpenAPI schema names it (API).
- `expect(case)` gives the status code for one principal and target. The helpers say it
  the way ACCESS.md does: `needs("c", 200)` = "allowed to change: 200; may view but not
  change: 403; may not view: 404; signed out: 302 to log in (portal) / 401 (API)".
- `targets` are records of the world (world.py) in different relations to each principal.
- `lists` are exact listings (the records shown must be exactly those the principal may
  view), `figures` checks counts, totals and averages.
Every answer is also checked for names and ids of records the principal may not view,
and for the security headers.
"""

from django.contrib import admin

from .matrix import Case, Listing, Route, board_figures, feedback_figures, needs, public, queue_figures, signed_in, when
from .world import KINDS, SEARCH_WORDS, TEAMS

CUSTOMERS = KINDS["customer"]
OPPORTUNITIES = KINDS["opportunity"]
ORDERS = KINDS["order"]
TICKETS = KINDS["ticket"]
USER_TARGETS = ("user_sales_rep", "user_other_rep", "user_support_rep", "user_admin")
PIPELINE_ROLES = {"admin", "manager", "sales"}
CREATOR_ROLES = {"admin", "manager", "sales"}
QUEUE_WORKERS = {"admin", "support_manager", "support_rep"}  # support team members, their manager, admins


def sees_pipeline(case: Case) -> bool:
    return case.role in PIPELINE_ROLES


def creates_records(case: Case) -> bool:
    return case.role in CREATOR_ROLES


def opens_tickets(case: Case) -> bool:
    """Support users open tickets in their own team's queue: one in no team has none to open them in."""
    return case.principal != "lone_support_rep"


def on_a_viewable_customer(ok):
    """A form creating a record on a customer: with no customer to choose, the form answers its error (200)."""
    return lambda case: ok if any(case.can("v", name) for name in CUSTOMERS) else 200


def pipeline_page(ok):
    """Pipeline pages do not exist for support users (404)."""
    return signed_in(lambda case: (ok(case) if callable(ok) else ok) if sees_pipeline(case) else 404)


def draft_only(draft_status, placed_status):
    return lambda case: draft_status if case.target == "order_rep" else placed_status


def other_support_team(case: Case) -> int:
    return case.pk("team_support_b" if case.target == "ticket_q" else "team_support")


def assignee_in_team(case: Case) -> int:
    return case.user_id("support_rep" if case.target == "ticket_q" else "other_support_rep")


def customer_of_share(case: Case) -> str:
    """Shares are seen and removed by those who may share their customer (both shares are on cust_other)."""
    return "cust_other"


def on_customer(kind_of_page):
    """The records of one kind on the target customer (for its page's panels)."""
    owners = {
        "opportunity": {"opp_rep": "cust_rep", "opp_other": "cust_other", "opp_mgr": "cust_mgr"},
        "order": {"order_rep": "cust_rep", "order_other": "cust_other"},
        "ticket": {"ticket_q": "cust_rep", "ticket_b": "cust_other"},
    }[kind_of_page]
    return lambda case: {name for name, customer in owners.items() if customer == case.target}


def manages_team(case: Case) -> bool:
    return case.is_admin or TEAMS[case.target][0] == case.principal


def team_work(ok):
    """Moving a member's work: the team's manager or an admin; its members 403; others do not see the team (404)."""
    return needs("v", lambda case: ok if manages_team(case) else 403)


def explains(ok):
    """The access explainer: managers and admins, about records they may view (others 403, or 404)."""
    return needs("v", lambda case: ok if case.role in {"admin", "manager"} else 403)


def history_of(ok):
    """A record's history: whoever may view the record; users' and teams' histories are for admins only (404)."""

    def expect(case: Case) -> int:
        if case.target.startswith(("user_", "team_")):
            return (ok if case.is_admin else 404) if case.signed_in else case.signed_out_status()
        return needs("v", ok)(case)

    return expect


def own_import(ok, *, importers_only: bool = False):
    """An import job is its uploader's: anyone else 404 (running one also needs the right to import: 403)."""

    def expect(case: Case) -> int:
        if not case.signed_in:
            return case.signed_out_status()
        if importers_only and not creates_records(case):
            return 403
        return ok if case.can("v") else 404

    return expect


HISTORY_TARGETS = (*CUSTOMERS, *OPPORTUNITIES, *ORDERS, *TICKETS, "user_sales_rep", "team_a")


def search_for(record: str):
    return {"search": SEARCH_WORDS[record]}


# The portal: every page and htmx fragment (the URL resolver's patterns outside api/ and admin/).

PORTAL_ROUTES = [
    Route("favicon.ico", "GET", public(301)),
    Route("login/", "GET", lambda case: 302 if case.signed_in else 200),
    Route("login/", "POST", lambda case: 302 if case.signed_in else 200, data={"username": "x", "password": "y"}),
    Route("logout/", "POST", public(302)),
    Route("logout/", "GET", public(405)),
    Route("password/", "GET", signed_in(200)),
    Route("password/", "POST", signed_in(200), data={"old_password": "wrong"}, note="the form with its errors"),
    Route("account/settings/", "GET", signed_in(200)),
    Route(
        "account/settings/", "POST", signed_in(400), data={"time_zone": "Nowhere/Else"}, note="the form with its errors"
    ),
    Route("", "GET", signed_in(200), note="each role's own sections: checked for what they must not name"),
    # Managers' tools: the dashboard, teams and their work, the access explainer
    Route("dashboard/", "GET", when(lambda case: case.role in {"admin", "manager"}, 200)),
    Route("teams/<int:team_id>/", "GET", needs("v", 200), targets=KINDS["team"]),
    Route(
        "teams/<int:team_id>/reassign/",
        "POST",
        team_work(400),
        targets=KINDS["team"],
        data={},
        note="allowed: the empty form answers 400 with its errors",
    ),
    Route("access/<slug:kind_name>/<int:record_id>/", "GET", explains(200), targets=(*CUSTOMERS, *TICKETS)),
    # Records: history, import, export
    Route("history/<slug:record_type>/<int:record_id>/", "GET", history_of(200), targets=HISTORY_TARGETS),
    Route("history/<slug:record_type>/<int:record_id>/", "GET", history_of(200), targets=HISTORY_TARGETS, htmx=True),
    Route("customers/export.csv", "GET", signed_in(200), lists=(Listing("customer", by_marker=True),)),
    Route("contacts/export.csv", "GET", signed_in(200), lists=(Listing("contact", by_marker=True),)),
    Route("imports/new/", "GET", when(creates_records, 200)),
    Route(
        "imports/new/",
        "POST",
        when(creates_records, 400),
        data={"kind": "customers"},
        note="no file: the form's errors",
    ),
    Route("imports/<int:job_id>/", "GET", own_import(200), targets=KINDS["import"]),
    Route("imports/<int:job_id>/", "GET", own_import(200), targets=KINDS["import"], htmx=True),
    Route("imports/<int:job_id>/run/", "POST", own_import(302, importers_only=True), targets=KINDS["import"]),
    Route("imports/<int:job_id>/not-imported.csv", "GET", own_import(200), targets=KINDS["import"]),
    # Customers
    Route("customers/", "GET", signed_in(200), lists=(Listing("customer"),)),
    Route("customers/", "GET", signed_in(200), htmx=True, lists=(Listing("customer"),)),
    Route(
        "customers/",
        "GET",
        signed_in(200),
        query=search_for("cust_other"),
        lists=(Listing("customer", scope=lambda case: {"cust_other"}),),
    ),
    Route("customers/new/", "GET", when(creates_records, 200)),
    Route(
        "customers/email-check/",
        "GET",
        signed_in(200),
        htmx=True,
        query=lambda case: {"email": case.world.objects["cust_other"].email},
        note="the e-mail warning names only customers the principal may view",
    ),
    Route(
        "customers/new/",
        "POST",
        when(creates_records, 302),
        data=lambda case: {"name": "Matrix new", "owner": case.own_or_named_owner()},
    ),
    Route(
        "customers/<int:customer_id>/",
        "GET",
        needs("v", 200),
        targets=CUSTOMERS,
        lists=(
            Listing("opportunity", scope=on_customer("opportunity")),
            Listing("order", scope=on_customer("order")),
            Listing("ticket", scope=on_customer("ticket")),
        ),
    ),
    Route("customers/<int:customer_id>/edit/", "GET", needs("c", 200), targets=CUSTOMERS),
    Route(
        "customers/<int:customer_id>/edit/",
        "POST",
        needs("c", 302),
        targets=CUSTOMERS,
        data={"name": "Renamed", "version": 1},
    ),
    Route("customers/<int:customer_id>/delete/", "GET", needs("d", 200), targets=CUSTOMERS),
    Route(
        "customers/<int:customer_id>/delete/",
        "POST",
        needs("d", 200),
        targets=CUSTOMERS,
        note="allowed, and answered with the reason it cannot go: it still has orders, tickets or opportunities",
    ),
    Route("customers/<int:customer_id>/reassign/", "GET", needs("r", 200), targets=CUSTOMERS),
    Route(
        "customers/<int:customer_id>/reassign/",
        "POST",
        needs("r", 302),
        targets=CUSTOMERS,
        data=lambda case: {"owner": case.new_owner(), "version": 1},
    ),
    Route(
        "customers/<int:customer_id>/shares/",
        "GET",
        needs("s", 200),
        targets=CUSTOMERS,
    ),
    Route(
        "customers/<int:customer_id>/shares/",
        "POST",
        needs("s", 302),
        targets=CUSTOMERS,
        data={"username": "support_rep", "level": "view"},
    ),
    Route(
        "customers/<int:customer_id>/shares/<int:share_id>/delete/",
        "POST",
        needs("s", 302, record=customer_of_share),
        targets=KINDS["share"],
    ),
    Route("customers/<int:customer_id>/shares/<int:share_id>/delete/", "GET", signed_in(405), targets=("share_user",)),
    Route(
        "customers/<int:customer_id>/grants/<str:grant_id>/revoke/",
        "POST",
        needs("s", 302, record=customer_of_share),
        targets=KINDS["share"],
        note="a share's grant, revoked as the share is removed",
    ),
    Route("customers/<int:customer_id>/grants/<str:grant_id>/revoke/", "GET", signed_in(405), targets=("share_user",)),
    Route(
        "customers/<int:customer_id>/activities/",
        "POST",
        needs("c", 200),
        targets=CUSTOMERS,
        htmx=True,
        data={"kind": "note", "body": "Called."},
    ),
    Route(
        "customers/<int:customer_id>/activities/",
        "POST",
        needs("c", 302),
        targets=CUSTOMERS,
        data={"kind": "note", "body": "Called."},
    ),
    Route("customers/<int:customer_id>/contacts/new/", "GET", needs("c", 200), targets=CUSTOMERS),
    Route(
        "customers/<int:customer_id>/contacts/new/",
        "POST",
        needs("c", 302),
        targets=CUSTOMERS,
        data={"first_name": "New"},
    ),
    Route(
        "customers/<int:customer_id>/contacts/<int:contact_id>/edit/", "GET", needs("c", 200), targets=KINDS["contact"]
    ),
    Route(
        "customers/<int:customer_id>/contacts/<int:contact_id>/edit/",
        "POST",
        needs("c", 302),
        targets=KINDS["contact"],
        data={"first_name": "Renamed", "version": 1},
    ),
    Route(
        "customers/<int:customer_id>/contacts/<int:contact_id>/delete/",
        "POST",
        needs("c", 302),
        targets=KINDS["contact"],
    ),
    # Sales
    Route("sales/", "GET", signed_in(302)),
    Route(
        "sales/pipeline/",
        "GET",
        pipeline_page(200),
        lists=(Listing("opportunity", by_marker=True),),
        figures=board_figures,
    ),
    Route("sales/pipeline/", "GET", pipeline_page(200), htmx=True, figures=board_figures),
    Route("sales/opportunities/", "GET", pipeline_page(200), lists=(Listing("opportunity"),)),
    Route("sales/opportunities/", "GET", pipeline_page(200), htmx=True, lists=(Listing("opportunity"),)),
    Route("sales/opportunities/new/", "GET", pipeline_page(200)),
    Route(
        "sales/opportunities/new/",
        "POST",
        pipeline_page(on_a_viewable_customer(302)),
        data=lambda case: {
            "customer": case.pk(case.viewable_customer()),
            "name": "New deal",
            "stage": "prospecting",
            "amount": "10.00",
            "owner": case.own_or_named_owner(),
        },
    ),
    Route("sales/opportunities/<int:opportunity_id>/", "GET", needs("v", 200), targets=OPPORTUNITIES),
    Route("sales/opportunities/<int:opportunity_id>/edit/", "GET", needs("c", 200), targets=OPPORTUNITIES),
    Route(
        "sales/opportunities/<int:opportunity_id>/edit/",
        "POST",
        needs("c", 302),
        targets=OPPORTUNITIES,
        data=lambda case: {
            "name": "Renamed",
            "stage": case.world.objects[case.target].stage,
            "amount": "5.00",
            "version": 1,
        },
    ),
    Route(
        "sales/opportunities/<int:opportunity_id>/stage/",
        "POST",
        needs("c", 200),
        targets=OPPORTUNITIES,
        htmx=True,
        data={"stage": "negotiation", "version": 1},
    ),
    Route("sales/opportunities/<int:opportunity_id>/delete/", "GET", needs("d", 200), targets=OPPORTUNITIES),
    Route("sales/opportunities/<int:opportunity_id>/delete/", "POST", needs("d", 302), targets=OPPORTUNITIES),
    Route("sales/orders/", "GET", signed_in(200), lists=(Listing("order"),)),
    Route("sales/orders/", "GET", signed_in(200), htmx=True, lists=(Listing("order"),)),
    Route("sales/orders/new/", "GET", when(creates_records, 200)),
    Route(
        "sales/orders/new/",
        "POST",
        when(creates_records, on_a_viewable_customer(302)),
        data=lambda case: {"customer": case.pk(case.viewable_customer()), "owner": case.own_or_named_owner()},
    ),
    Route(
        "sales/orders/<int:order_id>/",
        "GET",
        needs("v", 200),
        targets=ORDERS,
        lists=(Listing("line", scope=lambda case: {"line_rep" if case.target == "order_rep" else "line_other"}),),
    ),
    Route(
        "sales/orders/<int:order_id>/lines/",
        "POST",
        needs("c", draft_only(200, 400)),
        targets=ORDERS,
        htmx=True,
        data=lambda case: {"product": case.pk("product_spare"), "quantity": 1, "version": 1},
    ),
    Route(
        "sales/orders/<int:order_id>/lines/<int:line_id>/",
        "POST",
        needs("c", lambda case: 200 if case.target == "line_rep" else 400),
        targets=KINDS["line"],
        htmx=True,
        data={"quantity": 5, "version": 1},
    ),
    Route(
        "sales/orders/<int:order_id>/lines/<int:line_id>/delete/",
        "POST",
        needs("c", lambda case: 200 if case.target == "line_rep" else 400),
        targets=KINDS["line"],
        htmx=True,
        data={"version": 1},
    ),
    Route(
        "sales/orders/<int:order_id>/status/",
        "POST",
        needs("c", 200),
        targets=ORDERS,
        htmx=True,
        data={"status": "cancelled", "version": 1},
    ),
    Route(
        "sales/orders/<int:order_id>/reassign/",
        "POST",
        needs("r", 302),
        targets=ORDERS,
        data=lambda case: {"owner": case.new_owner(), "version": 1},
    ),
    Route("sales/orders/<int:order_id>/delete/", "GET", needs("d", 200), targets=ORDERS),
    Route("sales/orders/<int:order_id>/delete/", "POST", needs("d", draft_only(302, 400)), targets=ORDERS),
    Route("sales/opportunities/export.csv", "GET", pipeline_page(200), lists=(Listing("opportunity", by_marker=True),)),
    Route("sales/orders/export.csv", "GET", signed_in(200), note="orders have no text of their own: checked for leaks"),
    Route("sales/products/", "GET", signed_in(200), lists=(Listing("product"),)),
    Route("sales/products/", "GET", signed_in(200), htmx=True, lists=(Listing("product"),)),
    # Support
    Route("support/", "GET", signed_in(302)),
    Route(
        "support/queues/<slug:queue_key>/",
        "GET",
        signed_in(200),
        targets=("queue:all",),
        lists=(Listing("ticket"),),
        figures=queue_figures,
    ),
    Route(
        "support/queues/<slug:queue_key>/",
        "GET",
        signed_in(200),
        targets=("queue:all",),
        htmx=True,
        query=search_for("ticket_q"),
        lists=(Listing("ticket", scope=lambda case: {"ticket_q"}),),
    ),
    Route(
        "support/queues/<slug:queue_key>/",
        "GET",
        when(lambda case: case.principal in QUEUE_WORKERS, 200, refused=404),
        targets=("queue:mine", "queue:unassigned", "queue:team", "queue:breaching", "queue:complaints"),
        note="a team's queues exist for its members, its manager and admins",
    ),
    Route("support/queues/<slug:queue_key>/", "GET", signed_in(404), targets=("queue:nonsense",)),
    Route("support/tickets/new/", "GET", when(opens_tickets, 200)),
    Route(
        "support/tickets/new/",
        "POST",
        when(opens_tickets, on_a_viewable_customer(302)),
        data=lambda case: {
            "customer": case.pk(case.viewable_customer()),
            "subject": "New ticket",
            "kind": "question",
            "priority": "normal",
            "team": case.pk("team_support"),
        },
    ),
    Route("support/tickets/<int:ticket_id>/", "GET", needs("v", 200), targets=TICKETS),
    Route(
        "support/tickets/<int:ticket_id>/messages/",
        "POST",
        needs("c", 302),
        targets=TICKETS,
        data={"body": "On it.", "internal": ""},
    ),
    Route(
        "support/tickets/<int:ticket_id>/messages/",
        "POST",
        needs("c", 200),
        targets=TICKETS,
        htmx=True,
        data={"body": "A note.", "internal": "on"},
    ),
    Route(
        "support/tickets/<int:ticket_id>/status/",
        "POST",
        needs("c", 302),
        targets=TICKETS,
        data={"status": "open", "version": 1},
    ),
    Route(
        "support/tickets/<int:ticket_id>/status/",
        "POST",
        needs("c", 200),
        targets=TICKETS,
        htmx=True,
        data={"status": "pending", "version": 1},
    ),
    Route(
        "support/tickets/<int:ticket_id>/priority/",
        "POST",
        needs("c", 302),
        targets=TICKETS,
        data={"priority": "high", "version": 1},
    ),
    Route(
        "support/tickets/<int:ticket_id>/assign/",
        "POST",
        needs("c", 302),
        targets=TICKETS,
        data=lambda case: {"assignee": assignee_in_team(case), "version": 1},
    ),
    Route("support/tickets/<int:ticket_id>/claim/", "POST", needs("c", 302), targets=TICKETS, data={"version": 1}),
    Route(
        "support/tickets/<int:ticket_id>/transfer/",
        "POST",
        needs("c", 302),
        targets=TICKETS,
        data=lambda case: {"team": other_support_team(case), "version": 1},
    ),
    Route(
        "support/feedback/",
        "GET",
        signed_in(200),
        lists=(Listing("feedback"),),
        figures=feedback_figures,
    ),
    Route(
        "support/queues/<slug:queue_key>/export.csv",
        "GET",
        signed_in(200),
        targets=("queue:all",),
        lists=(Listing("ticket", by_marker=True),),
    ),
    Route("support/feedback/export.csv", "GET", signed_in(200), lists=(Listing("feedback", by_marker=True),)),
    Route("support/feedback/new/", "GET", signed_in(200)),
    Route(
        "support/feedback/new/",
        "GET",
        needs("v", 200),
        targets=TICKETS,
        query=lambda case: {"ticket": case.pk()},
        note="recording feedback about a ticket: whoever may view it (and its customer)",
    ),
    Route(
        "support/feedback/new/",
        "POST",
        signed_in(on_a_viewable_customer(302)),
        data=lambda case: {"customer": case.pk(case.viewable_customer()), "rating": 4},
    ),
    Route(
        "support/survey/<str:token>/",
        "GET",
        public(lambda case: 200 if case.target == "survey:valid" else 400),
        targets=("survey:valid", "survey:forged"),
        reveals=frozenset({"ticket_q"}),
        note="public: the signed link is the proof, and names its ticket to whoever holds it",
    ),
    Route(
        "support/survey/<str:token>/",
        "POST",
        public(lambda case: 200 if case.target == "survey:valid" else 400),
        targets=("survey:valid", "survey:forged"),
        data={"rating": 5},
    ),
]


# The API: every operation of the OpenAPI schema (/api/v1/schema/).


def create_on_customer(ok, *, may_create=None):
    """Creating a record on customer C: allowed -> ok; C invisible -> 400 (like no customer); role refused -> 403."""

    def expect(case: Case) -> int:
        if not case.signed_in:
            return 401
        if may_create is not None and not may_create(case):
            return 403
        return ok if case.can("v") else 400

    return expect


def create_contact(case: Case) -> int:
    if not case.signed_in:
        return 401
    if case.can("c"):
        return 201
    return 403 if case.can("v") else 400


API_ROUTES = [
    Route(
        "POST /api/v1/auth/token/",
        "POST",
        public(400, stale_credentials=401),
        data={"username": "sales_rep", "password": "not-the-password"},
        note="wrong credentials: 400; a stale token in the header is refused before the body is read",
    ),
    Route("DELETE /api/v1/auth/token/", "DELETE", signed_in(204)),
    Route("GET /api/v1/me/", "GET", signed_in(200)),
    Route("GET /api/v1/{collection}/{id}/access/", "GET", explains(200), targets=(*CUSTOMERS, *TICKETS)),
    Route("GET /api/v1/history/{record_type}/{record_id}/", "GET", history_of(200), targets=HISTORY_TARGETS),
    Route("POST /api/v1/teams/{id}/reassign/", "POST", team_work(400), targets=KINDS["team"], data={}),
    # Users and teams: admins manage; a manager sees the users and teams they manage; everyone sees themselves
    Route("GET /api/v1/users/", "GET", signed_in(200), lists=(Listing("user"),)),
    Route(
        "POST /api/v1/users/",
        "POST",
        when(lambda case: case.is_admin, 201),
        data={"username": "matrixnew", "role": "sales", "password": "a-long-enough-secret-42"},
    ),
    Route("GET /api/v1/users/{id}/", "GET", needs("v", 200), targets=USER_TARGETS),
    Route("PUT /api/v1/users/{id}/", "PUT", needs("c", 200), targets=USER_TARGETS),
    Route("PATCH /api/v1/users/{id}/", "PATCH", needs("c", 200), targets=USER_TARGETS, data={"first_name": "R"}),
    Route(
        "DELETE /api/v1/users/{id}/",
        "DELETE",
        needs("d", lambda case: 400 if case.target == "user_admin" else 204),
        targets=USER_TARGETS,
        note="deleting deactivates; an admin cannot deactivate themselves (400, with the reason)",
    ),
    Route("GET /api/v1/teams/", "GET", signed_in(200), lists=(Listing("team"),)),
    Route(
        "POST /api/v1/teams/",
        "POST",
        when(lambda case: case.is_admin, 201),
        data=lambda case: {"name": "Matrix team", "kind": "sales", "manager": case.user_id("other_manager")},
    ),
    Route("GET /api/v1/teams/{id}/", "GET", needs("v", 200), targets=KINDS["team"]),
    Route("PUT /api/v1/teams/{id}/", "PUT", needs("c", 200), targets=KINDS["team"]),
    Route("PATCH /api/v1/teams/{id}/", "PATCH", needs("c", 200), targets=KINDS["team"], data={"name": "Renamed"}),
    Route(
        "DELETE /api/v1/teams/{id}/",
        "DELETE",
        needs("d", lambda case: 400 if case.target == "team_support" else 204),
        targets=("team_a", "team_support"),
        note="a team whose queue still holds tickets is refused with the reason (400)",
    ),
    # Customers, shares, contacts
    Route("GET /api/v1/customers/", "GET", signed_in(200), lists=(Listing("customer"),)),
    Route(
        "GET /api/v1/customers/",
        "GET",
        signed_in(200),
        query=search_for("cust_mgr"),
        lists=(Listing("customer", scope=lambda case: {"cust_mgr"}),),
    ),
    Route(
        "POST /api/v1/customers/",
        "POST",
        when(creates_records, 201),
        data=lambda case: {"name": "Matrix new", "owner": case.own_or_named_owner()},
    ),
    Route("GET /api/v1/customers/{id}/", "GET", needs("v", 200), targets=CUSTOMERS),
    Route("PUT /api/v1/customers/{id}/", "PUT", needs("c", 200), targets=CUSTOMERS),
    Route("PATCH /api/v1/customers/{id}/", "PATCH", needs("c", 200), targets=CUSTOMERS, data={"phone": "+1 555"}),
    Route(
        "DELETE /api/v1/customers/{id}/",
        "DELETE",
        needs("d", 400),
        targets=CUSTOMERS,
        note="allowed, and refused with the reason: each still has orders, tickets or opportunities",
    ),
    Route(
        "GET /api/v1/customers/{customer_pk}/shares/",
        "GET",
        needs("s", 200),
        targets=CUSTOMERS,
        lists=(
            Listing("share", scope=lambda case: {"share_user", "share_team"} if case.target == "cust_other" else set()),
        ),
    ),
    Route(
        "POST /api/v1/customers/{customer_pk}/shares/",
        "POST",
        needs("s", 201),
        targets=CUSTOMERS,
        data=lambda case: {"user": case.user_id("support_rep"), "level": "view"},
    ),
    Route(
        "DELETE /api/v1/customers/{customer_pk}/shares/{id}/",
        "DELETE",
        needs("s", 204, record=customer_of_share),
        targets=KINDS["share"],
    ),
    Route("GET /api/v1/customers/{customer_pk}/grants/", "GET", needs("s", 200), targets=CUSTOMERS),
    Route(
        "DELETE /api/v1/customers/{customer_pk}/grants/{grant_id}/",
        "DELETE",
        needs("s", 204, record=customer_of_share),
        targets=KINDS["share"],
    ),
    Route("GET /api/v1/contacts/", "GET", signed_in(200), lists=(Listing("contact"),)),
    Route(
        "POST /api/v1/contacts/",
        "POST",
        create_contact,
        targets=CUSTOMERS,
        data=lambda case: {"customer": case.pk(), "first_name": "New"},
    ),
    Route("GET /api/v1/contacts/{id}/", "GET", needs("v", 200), targets=KINDS["contact"]),
    Route("PUT /api/v1/contacts/{id}/", "PUT", needs("c", 200), targets=KINDS["contact"]),
    Route("PATCH /api/v1/contacts/{id}/", "PATCH", needs("c", 200), targets=KINDS["contact"], data={"phone": "1"}),
    Route("DELETE /api/v1/contacts/{id}/", "DELETE", needs("d", 204), targets=KINDS["contact"]),
    # Sales
    Route("GET /api/v1/opportunities/", "GET", signed_in(200), lists=(Listing("opportunity"),)),
    Route(
        "POST /api/v1/opportunities/",
        "POST",
        create_on_customer(201, may_create=creates_records),
        targets=CUSTOMERS,
        data=lambda case: {"customer": case.pk(), "name": "New deal", "owner": case.own_or_named_owner()},
    ),
    Route("GET /api/v1/opportunities/{id}/", "GET", needs("v", 200), targets=OPPORTUNITIES),
    Route("PUT /api/v1/opportunities/{id}/", "PUT", needs("c", 200), targets=OPPORTUNITIES),
    Route(
        "PATCH /api/v1/opportunities/{id}/", "PATCH", needs("c", 200), targets=OPPORTUNITIES, data={"amount": "9.00"}
    ),
    Route("DELETE /api/v1/opportunities/{id}/", "DELETE", needs("d", 204), targets=OPPORTUNITIES),
    Route("GET /api/v1/products/", "GET", signed_in(200), lists=(Listing("product"),)),
    Route(
        "POST /api/v1/products/",
        "POST",
        when(lambda case: case.is_admin, 201),
        data={"sku": "MX-NEW", "name": "New", "unit_price": "1.00"},
    ),
    Route("GET /api/v1/products/{id}/", "GET", needs("v", 200), targets=KINDS["product"]),
    Route("PUT /api/v1/products/{id}/", "PUT", needs("c", 200), targets=KINDS["product"]),
    Route("PATCH /api/v1/products/{id}/", "PATCH", needs("c", 200), targets=KINDS["product"], data={"name": "X"}),
    Route(
        "DELETE /api/v1/products/{id}/",
        "DELETE",
        needs("d", lambda case: 400 if case.target == "product" else 204),
        targets=KINDS["product"],
        note="a product on orders is refused with the reason (make it inactive)",
    ),
    Route("GET /api/v1/orders/", "GET", signed_in(200), lists=(Listing("order"),)),
    Route(
        "POST /api/v1/orders/",
        "POST",
        create_on_customer(201, may_create=creates_records),
        targets=CUSTOMERS,
        data=lambda case: {"customer": case.pk(), "owner": case.own_or_named_owner()},
    ),
    Route("GET /api/v1/orders/{id}/", "GET", needs("v", 200), targets=ORDERS),
    Route("PUT /api/v1/orders/{id}/", "PUT", needs("c", 200), targets=ORDERS),
    Route("PATCH /api/v1/orders/{id}/", "PATCH", needs("c", 200), targets=ORDERS, data={"status": "cancelled"}),
    Route("DELETE /api/v1/orders/{id}/", "DELETE", needs("d", draft_only(204, 400)), targets=ORDERS),
    # Support
    Route("GET /api/v1/tickets/", "GET", signed_in(200), lists=(Listing("ticket"),)),
    Route(
        "GET /api/v1/tickets/",
        "GET",
        signed_in(200),
        query=search_for("ticket_q"),
        lists=(Listing("ticket", scope=lambda case: {"ticket_q"}),),
    ),
    Route(
        "POST /api/v1/tickets/",
        "POST",
        create_on_customer(201, may_create=opens_tickets),
        targets=CUSTOMERS,
        data=lambda case: {"customer": case.pk(), "subject": "New", "team": case.pk("team_support")},
    ),
    Route("GET /api/v1/tickets/{id}/", "GET", needs("v", 200), targets=TICKETS),
    Route("PUT /api/v1/tickets/{id}/", "PUT", needs("c", 200), targets=TICKETS),
    Route("PATCH /api/v1/tickets/{id}/", "PATCH", needs("c", 200), targets=TICKETS, data={"priority": "high"}),
    Route("DELETE /api/v1/tickets/{id}/", "DELETE", needs("d", 204), targets=TICKETS),
    Route(
        "GET /api/v1/tickets/{ticket_pk}/messages/",
        "GET",
        needs("v", 200),
        targets=TICKETS,
        lists=(
            Listing(
                "message",
                scope=lambda case: {"reply_q", "note_q"} if case.target == "ticket_q" else {"reply_b"},
            ),
        ),
    ),
    Route(
        "POST /api/v1/tickets/{ticket_pk}/messages/",
        "POST",
        needs("c", 201),
        targets=TICKETS,
        data={"body": "On it.", "internal": True},
    ),
    Route(
        "GET /api/v1/tickets/{ticket_pk}/messages/{id}/",
        "GET",
        needs("v", 200, record=lambda case: case.target),
        targets=KINDS["message"],
        note="an internal note exists only for those who may change its ticket",
    ),
    Route("GET /api/v1/feedback/", "GET", signed_in(200), lists=(Listing("feedback"),)),
    Route(
        "POST /api/v1/feedback/",
        "POST",
        create_on_customer(201),
        targets=CUSTOMERS,
        data=lambda case: {"customer": case.pk(), "rating": 3},
    ),
    Route("GET /api/v1/feedback/{id}/", "GET", needs("v", 200), targets=KINDS["feedback"]),
    Route("PUT /api/v1/feedback/{id}/", "PUT", needs("c", 200), targets=KINDS["feedback"]),
    Route("PATCH /api/v1/feedback/{id}/", "PATCH", needs("c", 200), targets=KINDS["feedback"], data={"rating": 2}),
    Route("DELETE /api/v1/feedback/{id}/", "DELETE", needs("d", 204), targets=KINDS["feedback"]),
]

# API routes the resolver has that the schema does not describe: what each answers.
API_EXTRA_ROUTES = [
    Route("api/v1/", "GET", signed_in(200), note="DRF's API root"),
    # The schema is the same for everyone (and slow to build): asked by one of each kind of caller.
    Route("api/v1/schema/", "GET", public(200), principals=("anonymous", "sales_rep", "revoked")),
    Route("api/v1/docs/", "GET", public(200)),
]


# Django admin: admins only. Every page of every registered model, and the site's own pages.
# Non-admins (every other role, signed out, deactivated) are sent to the admin log-in page.

# Models whose add page is off in admin (they are made on the portal, through the API, or by the system).
ADMIN_ADD_REFUSED = {
    "crm.auditentry",
    "sales.opportunity",
    "sales.order",
    "crm.customershare",
    "crm.taskfailure",
    "support.ticket",
    "support.escalation",
    "support.sentemail",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}
# Orders are kept as history in admin; a draft is deleted in the portal or the API.
ADMIN_DELETE_REFUSED = {"sales.order", "crm.auditentry"}  # and history is never changed
# What an admin gets from each kind of page a ModelAdmin serves (by its URL name's ending).
ADMIN_PAGES = {
    "_changelist": lambda label: 200,
    "_add": lambda label: 403 if label in ADMIN_ADD_REFUSED else 200,
    "_password_change": lambda label: 200,
    "_change": lambda label: 200,
    "_history": lambda label: 200,
    "_delete": lambda label: 403 if label in ADMIN_DELETE_REFUSED else 200,
    "_permissions": lambda label: 200,
    "_permissions_manage_user": lambda label: 200,
    "_permissions_manage_group": lambda label: 200,
    None: lambda label: 302,  # <object_id>/ redirects to the change page
}


def admin_page_kind(url_name: str | None) -> str | None:
    """The ending of a ModelAdmin URL name that says which page it is (longest match), or KeyError."""
    if url_name is None:
        return None
    endings = sorted((ending for ending in ADMIN_PAGES if ending), key=len, reverse=True)
    return next(ending for ending in endings if url_name.endswith(ending))


def admin_only(admin_status: int):
    return lambda case: admin_status if case.is_admin else 302


def admin_model_routes(model_admin, object_pk) -> list[Route]:
    """One row per page the ModelAdmin serves, asked about `object_pk` where the page names an object."""
    model = model_admin.model
    label = model._meta.label_lower
    base = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
    routes = []
    for pattern in model_admin.get_urls():
        admin_status = ADMIN_PAGES[admin_page_kind(pattern.name)](label)
        route = base + str(pattern.pattern)
        names_object = "<" in route
        expect = (lambda case: 302) if pattern.name is None else admin_only(admin_status)
        routes.append(Route(route, "GET", expect, targets=(f"admin:{object_pk}",) if names_object else (None,)))
    return routes


ADMIN_SITE_ROUTES = [
    Route("admin/", "GET", admin_only(200)),
    Route("admin/login/", "GET", lambda case: 302 if case.is_admin else 200),
    Route("admin/logout/", "POST", public(302), note="admins to the log-in page (LOGOUT_REDIRECT_URL), others too"),
    Route("admin/password_change/", "GET", admin_only(200)),
    Route("admin/password_change/done/", "GET", admin_only(200)),
    Route("admin/jsi18n/", "GET", admin_only(200)),
    Route("admin/autocomplete/", "GET", admin_only(403), note="without its parameters"),
    Route(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        "GET",
        admin_only(404),
        targets=("admin-customer",),
        note="view on site: customers have no public page",
    ),
    Route("admin/(?P<url>.*)$", "GET", admin_only(404), targets=("admin-unknown",), note="admin's catch-all"),
]
ADMIN_APP_LIST = "admin/^(?P<app_label>auth|authtoken|axes|accounts|crm|sales|support)/$"


def admin_app_routes() -> list[Route]:
    apps = sorted({model._meta.app_label for model in admin.site._registry})
    return [Route(ADMIN_APP_LIST, "GET", admin_only(200), targets=(f"app:{app}",)) for app in apps]
