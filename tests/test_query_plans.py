"""Every list query has an index to use: no sequential scan of the tickets, customers or grant tables.

Each page and API list is requested through the URL stack as each role, with a logged-in
client; every query it ran is captured and EXPLAINed with `SET LOCAL enable_seqscan = off`.
That setting makes PostgreSQL prefer any index path it has, so a `Seq Scan` left on one of
the tables below means there is no index the query's shape can use (on a million rows it
would read them all). The data is small; the plans are about shapes, not sizes.

PostgreSQL only: SQLite has neither EXPLAIN's plan format nor the planner this guards.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sales.models import Opportunity, Order, Stage
from support.models import Feedback, Ticket
from tests.crm.scenario import share
from tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's: run with DATABASE_URL=postgres://... to check them",
    ),
]

GUARDED_TABLES = {
    "crm_customer",
    "crm_contact",
    "support_ticket",
    "support_feedback",
    "sales_opportunity",
    "sales_order",
    "crm_customershare",
    "crm_customeruserobjectpermission",
    "crm_customergroupobjectpermission",
}

QUEUES = ["mine", "unassigned", "team", "breaching", "complaints", "all"]
CUSTOMER_LISTS = [
    "/customers/",
    "/customers/?search=acme",
    "/customers/?ordering=-updated_at",
    "/api/v1/customers/",
    "/api/v1/customers/?search=acme",
    "/api/v1/customers/?ordering=-name",
    "/api/v1/contacts/",
    "/support/feedback/",
    "/api/v1/feedback/",
    "/sales/orders/",
    "/api/v1/orders/",
    "/support/queues/all/",
    "/api/v1/tickets/",
    "/",
]
SUPPORT_LISTS = [f"/support/queues/{key}/" for key in QUEUES] + ["/support/queues/team/?search=printer"]
SALES_LISTS = ["/sales/pipeline/", "/sales/opportunities/", "/api/v1/opportunities/"]
PAGES = {
    "support_rep": CUSTOMER_LISTS + SUPPORT_LISTS,
    "support_manager": CUSTOMER_LISTS + SUPPORT_LISTS + ["/dashboard/"],
    "admin": CUSTOMER_LISTS + SUPPORT_LISTS + SALES_LISTS + ["/dashboard/"],
    "sales_rep": CUSTOMER_LISTS + SALES_LISTS,
    "sales_manager": CUSTOMER_LISTS + SALES_LISTS + ["/dashboard/"],
}
CASES = [(persona, url) for persona, urls in PAGES.items() for url in urls]


@pytest.fixture
def records(org, sales_rep, teammate, support_rep, outsider):
    """A few of every record, owned across the team, shared, in the support queue and assigned."""
    now = timezone.now()
    customers = [CustomerFactory(name=f"Acme {n}", owner=(sales_rep, teammate)[n % 2]) for n in range(6)]
    share(customers[0], level="view", user=outsider)
    share(customers[1], level="edit", team=org["other_team"])
    for n, customer in enumerate(customers):
        ticket = Ticket.objects.create(
            customer=customer,
            subject=f"Printer {n}",
            team=org["support_team"],
            assignee=support_rep if n % 2 else None,
            kind=("complaint", "question")[n % 2],
            first_response_due_at=now + timedelta(minutes=30 * n - 60),
            sla_due_at=now + timedelta(hours=n),
        )
        Feedback.objects.create(customer=customer, ticket=ticket if n % 2 else None, rating=1 + n % 5)
        Opportunity.objects.create(
            customer=customer, owner=customer.owner, name=f"Deal {n}", stage=Stage.values[n], amount=Decimal(n)
        )
        Order.objects.create(customer=customer, owner=customer.owner)
    return customers


def sequential_scans(plan: dict) -> set[str]:
    found = set()
    if plan["Node Type"] == "Seq Scan" and plan.get("Relation Name") in GUARDED_TABLES:
        found.add(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found |= sequential_scans(child)
    return found


def explain_without_seqscan(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]["Plan"]
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


@pytest.mark.parametrize(("persona", "url"), CASES, ids=[f"{persona} {url}" for persona, url in CASES])
def test_no_list_query_scans_a_large_table(request, portal, api, records, persona, url):
    user = request.getfixturevalue(persona)
    client = api.as_user(user) if url.startswith("/api/") else portal.as_user(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    offenders = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        if scans := sequential_scans(explain_without_seqscan(sql)):
            offenders.append(f"{sorted(scans)}: {sql[:400]}")
    assert not offenders, "\n\n".join(offenders)
