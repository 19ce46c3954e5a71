"""The home pages and the dashboard issue the same number of queries whatever the number of records.

Measured with 10 more of each record, then 50 (pytest-django's `django_assert_max_num_queries`): a query
per record (N+1) would cost 40 more, so the equal counts guard it.

Home pages: at most 10. The dashboard: DASHBOARD_QUERIES, constant (two for the session and
the user, one for the staff scope, two for the pipeline figures — per owner and stage, revenue —,
four for the ticket and satisfaction figures — open per assignee, priority and status, breaches
per assignee, the median first response, CSAT —, one for the team table's members: its columns
read the grouped queries the sections made).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Role, TeamMembership, User
from crm.customers.models import Customer
from sales.models import Opportunity, Order, OrderStatus, Stage
from support.models import Escalation, EscalationLevel, Feedback, Ticket, TicketKind, TicketStatus
from tests.crm.conftest import NOW
from tests.crm.scenario import share

pytestmark = pytest.mark.django_db

HOME_BUDGET = 10
DASHBOARD_QUERIES = 10


@pytest.fixture
def query_count(django_assert_max_num_queries):
    """`query_count(client, url, at_most)`: the queries a GET of `url` issues (at most `at_most`); it answers 200."""

    def count(client, url, at_most) -> int:
        with django_assert_max_num_queries(at_most) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    return count


def grow(world, count: int) -> None:
    """`count` more of every record the pages count, all of them visible to the personas."""
    u, t, c = world.users, world.teams, world.customers
    batch = f"Bulk {count}"
    Customer.objects.bulk_create(Customer(name=f"{batch} {n:04d}", owner=u["rep_x1"]) for n in range(count))
    for customer in Customer.objects.filter(name__startswith=batch)[:20]:
        share(customer, level="view", user=u["rep_y"])
    stages = [Stage.PROSPECTING, Stage.PROPOSAL, Stage.WON, Stage.LOST]
    Opportunity.objects.bulk_create(
        Opportunity(
            customer=c["c1"],
            name=f"Bulk {n}",
            owner=u["rep_x1"] if n % 2 else u["rep_x2"],
            stage=stages[n % 4],
            amount=Decimal("10.00"),
            expected_close=date(2026, 5, 28),
            won_at=NOW if stages[n % 4] == Stage.WON else None,
            lost_at=NOW if stages[n % 4] == Stage.LOST else None,
        )
        for n in range(count)
    )
    Order.objects.bulk_create(
        Order(
            customer=c["c2"],
            owner=u["rep_x2"],
            status=OrderStatus.PLACED,
            total=Decimal("5.00"),
            placed_at=NOW - timedelta(days=n % 300),
        )
        for n in range(count)
    )
    tickets = Ticket.objects.bulk_create(
        Ticket(
            customer=c["c1"],
            subject=f"Bulk {n}",
            kind=TicketKind.COMPLAINT,
            status=TicketStatus.OPEN,
            team=t["support_x"],
            assignee=u["agent_x1"],
            created_at=NOW - timedelta(hours=n % 500),
            first_response_at=NOW - timedelta(hours=n % 500) + timedelta(minutes=n % 90),
            first_response_due_at=NOW,
            sla_due_at=NOW + timedelta(minutes=30),
        )
        for n in range(count)
    )
    Escalation.objects.bulk_create(
        Escalation(ticket=ticket, level=EscalationLevel.RESOLUTION, due_at=NOW) for ticket in tickets
    )
    Feedback.objects.bulk_create(
        Feedback(customer=c["c1"], ticket=ticket, rating=1 + n % 5, created_at=NOW - timedelta(days=n % 150))
        for n, ticket in enumerate(tickets)
    )
    members = User.objects.bulk_create(
        User(username=f"bulk_rep_{count}_{n}", role=Role.SALES) for n in range(min(count, 50))
    )
    TeamMembership.objects.bulk_create(TeamMembership(team=t["sales_x"], user=member) for member in members)


@pytest.mark.parametrize("persona", ["rep_x1", "agent_x1", "dual_manager", "root", "far_manager"])
def test_home_pages_stay_within_ten_queries(world, portal, query_count, persona):
    client = portal.as_user(world.users[persona])
    grow(world, 10)
    small = query_count(client, "/", HOME_BUDGET)
    grow(world, 40)
    large = query_count(client, "/", small)
    assert small == large <= HOME_BUDGET


@pytest.mark.parametrize("persona", ["dual_manager", "y_support_manager", "far_manager", "root"])
def test_the_dashboard_costs_a_constant_number_of_queries(world, portal, query_count, persona):
    client = portal.as_user(world.users[persona])
    grow(world, 10)
    small = query_count(client, "/dashboard/", DASHBOARD_QUERIES)
    grow(world, 40)
    large = query_count(client, "/dashboard/", small)
    assert small == large <= DASHBOARD_QUERIES


def test_the_team_page_costs_a_constant_number_of_queries(world, portal, query_count):
    client = portal.as_user(world.users["dual_manager"])
    url = f"/teams/{world.teams['sales_x'].pk}/"
    grow(world, 10)
    small = query_count(client, url, HOME_BUDGET)
    grow(world, 40)
    large = query_count(client, url, small)
    assert small == large <= HOME_BUDGET
