"""Every support list issues the same number of queries whatever its size (10 or 50 rows), at most 10.

Measured at 10 rows, then at 50 with pytest-django's `django_assert_max_num_queries`: a query per row
(N+1) would cost 40 more, so the equal counts guard it.
"""

from datetime import timedelta
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from support.models import Feedback, Ticket, TicketMessage

pytestmark = pytest.mark.django_db

BUDGET = 10


@pytest.fixture
def query_count(django_assert_max_num_queries):
    """`query_count(fetch, at_most=BUDGET)`: the queries `fetch()` issues (at most `at_most`); it answers 200."""

    def count(fetch, at_most=BUDGET) -> int:
        with django_assert_max_num_queries(at_most) as captured:
            response = fetch()
        assert response.status_code == 200
        return len(captured)

    return count


def add_tickets(ticket, count, *, assignee):
    """Copies of `ticket` (same customer and queue), half assigned, some breached, each with feedback."""
    now = timezone.now()
    rows = [
        Ticket(
            customer_id=ticket.customer_id,
            team_id=ticket.team_id,
            subject=f"Bulk {n}",
            kind=("complaint", "incident", "question")[n % 3],
            priority="urgent",
            assignee=assignee if n % 2 else None,
            created_at=now - timedelta(minutes=n % 300),
            first_response_due_at=now + timedelta(minutes=60 - n % 300),
            sla_due_at=now + timedelta(minutes=240 - n % 300),
        )
        for n in range(count)
    ]
    created = Ticket.objects.bulk_create(rows)
    Feedback.objects.bulk_create(Feedback(customer_id=t.customer_id, ticket=t, rating=1 + t.pk % 5) for t in created)


def add_messages(ticket, count, *, author):
    TicketMessage.objects.bulk_create(
        TicketMessage(ticket=ticket, author=author, body=f"Message {n}", internal=n % 4 == 0) for n in range(count)
    )


LISTS = {
    "api tickets": lambda client, ticket: client.get("/api/v1/tickets/?page_size=200"),
    "api tickets, filtered": lambda client, ticket: client.get(
        "/api/v1/tickets/?page_size=200&breached=false&search=Bulk&ordering=-sla_due_at"
    ),
    "api messages": lambda client, ticket: client.get(f"/api/v1/tickets/{ticket.pk}/messages/?page_size=200"),
    "api feedback": lambda client, ticket: client.get("/api/v1/feedback/?page_size=200"),
    **{
        f"portal queue {key}": partial(lambda key, client, ticket: client.get(f"/support/queues/{key}/"), key)
        for key in ("mine", "unassigned", "team", "breaching", "complaints", "all")
    },
    "portal queue, htmx search": lambda client, ticket: client.get(
        "/support/queues/all/?search=Bulk", HTTP_HX_REQUEST="true"
    ),
    "portal ticket page": lambda client, ticket: client.get(f"/support/tickets/{ticket.pk}/"),
    "portal feedback": lambda client, ticket: client.get("/support/feedback/"),
    "portal customer page": lambda client, ticket: client.get(f"/customers/{ticket.customer_id}/"),
}
# Who reads which list: the sales personas follow tickets read-only and have no queues to work.
PERSONAS = {
    "support_rep": LISTS,
    "support_manager": LISTS,
    "admin": LISTS,
    "sales_rep": {name: fetch for name, fetch in LISTS.items() if "queue" not in name or name.endswith("all")},
    "sales_manager": {name: fetch for name, fetch in LISTS.items() if "queue" not in name or name.endswith("all")},
}
CASES = [(persona, name) for persona, lists in PERSONAS.items() for name in lists]


@pytest.mark.parametrize(("persona", "list_name"), CASES, ids=[f"{p}: {n}" for p, n in CASES])
def test_query_count_does_not_grow_with_rows(
    request, api, portal, query_count, ticket, support_rep, persona, list_name
):
    user = request.getfixturevalue(persona)
    client = api.as_user(user) if list_name.startswith("api") else portal.as_user(user)
    fetch = LISTS[list_name]

    add_tickets(ticket, 10, assignee=support_rep)
    add_messages(ticket, 10, author=support_rep)
    small = query_count(lambda: fetch(client, ticket))

    add_tickets(ticket, 40, assignee=support_rep)
    add_messages(ticket, 40, author=support_rep)
    large = query_count(lambda: fetch(client, ticket), at_most=small)

    assert small == large <= BUDGET


def _owner_probes(captured) -> list[str]:
    """crm's "does anyone this user acts for own a customer?" (crm.customers.access.acting_users_own_customers)."""
    return [
        query["sql"]
        for query in captured
        if query["sql"].startswith('SELECT 1 AS "a" FROM "crm_customer"') and '"owner_id" IN' in query["sql"]
    ]


@pytest.mark.parametrize("persona", ["support_rep", "support_manager"])
def test_a_support_users_pages_ask_no_separate_owner_probe_and_stay_within_budget(
    request, org, portal, ticket, persona
):
    """The staff scope's query answers "owns customers?" (a scope fact, docs/PERFORMANCE.md): without it the
    ticket policy probes once more per request, and a support manager's dashboard needs 11 queries."""
    client = portal.as_user(request.getfixturevalue(persona))
    add_tickets(ticket, 10, assignee=request.getfixturevalue("support_rep"))
    for path in ("/", "/support/queues/all/", f"/customers/{ticket.customer_id}/", "/dashboard/"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if path == "/dashboard/" and persona == "support_rep":
            assert response.status_code == 403
            continue
        assert response.status_code == 200, path
        assert _owner_probes(captured) == [], path
        assert len(captured) <= BUDGET, path
