"""The insights world: a manager of two teams, and everything the dashboard counts, at a frozen moment.
Shared by tests/crm/insights (dashboard, home pages, explainer) and tests/crm/staff (team reassignment).

NOW is Wednesday 20 May 2026, noon UTC: the week starts Monday 18 May, the month on
1 May, the quarter on 1 April; the last twelve months run from June 2025.

dual_manager manages "Sales X" (rep_x1, rep_x2) and "Support X" (agent_x1, agent_x2).
far_manager manages "Sales Y" (rep_y). "Support Y" (y_support_manager, agent_y) is a
queue neither of them manages. lone_owner is a salesperson in no team.

Customers: c1 (rep_x1), c2 (rep_x2), c3 (dual_manager), c_far (rep_y), c_shared (rep_y,
shared with rep_x1 at view), c_lone (lone_owner).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Role, TeamKind
from sales.models import Opportunity, Order, OrderStatus, Stage
from support.models import Escalation, EscalationLevel, Feedback, Ticket, TicketPriority, TicketStatus
from tests.crm.scenario import share
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tests.sales.factories import OpportunityFactory, OrderFactory
from tests.support.factories import TicketFactory

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class World:
    users: dict
    teams: dict
    customers: dict
    opportunities: dict
    orders: dict
    tickets: dict
    feedback: dict


def _users():
    spec = {
        "dual_manager": Role.MANAGER,
        "far_manager": Role.MANAGER,
        "y_support_manager": Role.MANAGER,
        "rep_x1": Role.SALES,
        "rep_x2": Role.SALES,
        "rep_y": Role.SALES,
        "lone_owner": Role.SALES,
        "agent_x1": Role.SUPPORT,
        "agent_x2": Role.SUPPORT,
        "agent_y": Role.SUPPORT,
        "root": Role.ADMIN,
    }
    return {name: UserFactory(username=name, role=role, first_name=name, last_name="") for name, role in spec.items()}


def _teams(u):
    return {
        "sales_x": TeamFactory(
            name="Sales X", kind=TeamKind.SALES, manager=u["dual_manager"], members=[u["rep_x1"], u["rep_x2"]]
        ),
        "support_x": TeamFactory(
            name="Support X", kind=TeamKind.SUPPORT, manager=u["dual_manager"], members=[u["agent_x1"], u["agent_x2"]]
        ),
        "sales_y": TeamFactory(name="Sales Y", kind=TeamKind.SALES, manager=u["far_manager"], members=[u["rep_y"]]),
        "support_y": TeamFactory(
            name="Support Y", kind=TeamKind.SUPPORT, manager=u["y_support_manager"], members=[u["agent_y"]]
        ),
    }


def _opportunity(name, customer, owner, stage, amount, *, won_at=None, lost_at=None):
    opportunity = OpportunityFactory(name=name, customer=customer, owner=owner, stage=stage, amount=Decimal(amount))
    Opportunity.objects.filter(pk=opportunity.pk).update(won_at=won_at and at(won_at), lost_at=lost_at and at(lost_at))
    return opportunity


def _order(customer, owner, status, total, placed_at=None):
    order = OrderFactory(customer=customer, owner=owner)
    Order.objects.filter(pk=order.pk).update(status=status, total=Decimal(total), placed_at=placed_at and at(placed_at))
    return order


def _ticket(subject, customer, team, priority, status, *, created, assignee=None, first_response_after=None):
    created_at = at(created)
    fields = {}
    if status == TicketStatus.PENDING:
        fields["paused_at"] = created_at + timedelta(hours=3)
    if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        fields["resolved_at"] = created_at + timedelta(hours=6)
    if first_response_after is not None:
        fields["first_response_at"] = created_at + first_response_after
    return TicketFactory(
        subject=subject,
        customer=customer,
        team=team,
        priority=priority,
        status=status,
        assignee=assignee,
        created_at=created_at,
        **fields,
    )


@pytest.fixture
def world(db, frozen_clock) -> World:
    u = _users()
    t = _teams(u)
    c = {
        "c1": CustomerFactory(name="C1", owner=u["rep_x1"]),
        "c2": CustomerFactory(name="C2", owner=u["rep_x2"]),
        "c3": CustomerFactory(name="C3", owner=u["dual_manager"]),
        "c_far": CustomerFactory(name="C far", owner=u["rep_y"]),
        "c_shared": CustomerFactory(name="C shared", owner=u["rep_y"]),
        "c_lone": CustomerFactory(name="C lone", owner=u["lone_owner"]),
    }
    share(c["c_shared"], level="view", user=u["rep_x1"])
    o = {
        "o1": _opportunity("o1", c["c1"], u["rep_x1"], Stage.PROSPECTING, "1000.00"),
        "o2": _opportunity("o2", c["c1"], u["rep_x1"], Stage.PROPOSAL, "2500.50"),
        "o3": _opportunity("o3", c["c2"], u["rep_x2"], Stage.PROPOSAL, "4000.00"),
        "o4": _opportunity("o4", c["c2"], u["rep_x2"], Stage.NEGOTIATION, "10000.00"),
        "o5": _opportunity("o5", c["c1"], u["rep_x1"], Stage.WON, "3000.00", won_at="2026-05-05T09:00"),
        "o6": _opportunity("o6", c["c2"], u["rep_x2"], Stage.WON, "7000.00", won_at="2026-04-10T09:00"),
        "o7": _opportunity("o7", c["c1"], u["rep_x1"], Stage.LOST, "500.00", lost_at="2026-05-19T09:00"),
        "o8": _opportunity("o8", c["c2"], u["rep_x2"], Stage.LOST, "1500.00", lost_at="2026-03-31T23:00"),
        "o9": _opportunity("o9", c["c_far"], u["rep_y"], Stage.PROSPECTING, "99999.00"),
        "o10": _opportunity("o10", c["c_shared"], u["rep_y"], Stage.NEGOTIATION, "5555.00"),
        "o11": _opportunity("o11", c["c3"], u["dual_manager"], Stage.QUALIFICATION, "200.00"),
    }
    r = {
        "r1": _order(c["c1"], u["rep_x1"], OrderStatus.PLACED, "100.00", "2026-05-02T10:00"),
        "r2": _order(c["c2"], u["rep_x2"], OrderStatus.SHIPPED, "250.25", "2026-05-15T10:00"),
        "r3": _order(c["c1"], u["rep_x1"], OrderStatus.PLACED, "400.00", "2026-02-10T10:00"),
        "r4": _order(c["c1"], u["rep_x1"], OrderStatus.CANCELLED, "999.00", "2026-05-03T10:00"),
        "r5": _order(c["c1"], u["rep_x1"], OrderStatus.DRAFT, "55.00"),
        "r6": _order(c["c_far"], u["rep_y"], OrderStatus.PLACED, "777.00", "2026-05-04T10:00"),
        "r7": _order(c["c_shared"], u["rep_y"], OrderStatus.PLACED, "50.00", "2026-04-20T10:00"),
        "r8": _order(c["c1"], u["rep_x1"], OrderStatus.PLACED, "1.00", "2025-05-31T23:00"),
        "r9": _order(c["c2"], u["rep_x2"], OrderStatus.SHIPPED, "10.00", "2025-06-01T00:30"),
    }
    sx, sy = t["support_x"], t["support_y"]
    P, S = TicketPriority, TicketStatus
    minutes = lambda n: timedelta(minutes=n)  # noqa: E731
    k = {
        "t1": _ticket("t1", c["c1"], sx, P.URGENT, S.NEW, created="2026-05-19T10:00", assignee=u["agent_x1"],
                      first_response_after=minutes(30)),
        "t2": _ticket("t2", c["c2"], sx, P.HIGH, S.OPEN, created="2026-05-10T08:00", assignee=u["agent_x1"],
                      first_response_after=minutes(120)),
        "t3": _ticket("t3", c["c1"], sx, P.NORMAL, S.PENDING, created="2026-05-01T08:00", assignee=u["agent_x2"],
                      first_response_after=minutes(60)),
        "t4": _ticket("t4", c["c2"], sx, P.LOW, S.RESOLVED, created="2026-04-25T08:00", assignee=u["agent_x2"],
                      first_response_after=minutes(300)),
        "t5": _ticket("t5", c["c_lone"], sx, P.HIGH, S.OPEN, created="2026-05-18T08:00"),
        "t6": _ticket("t6", c["c_far"], sy, P.URGENT, S.OPEN, created="2026-05-12T08:00", assignee=u["agent_y"],
                      first_response_after=minutes(1)),
        "t7": _ticket("t7", c["c1"], sy, P.NORMAL, S.NEW, created="2026-04-01T08:00", first_response_after=minutes(10)),
    }  # fmt: skip
    for ticket, level, due in [
        ("t1", EscalationLevel.FIRST_RESPONSE, "2026-05-19T11:00"),
        ("t1", EscalationLevel.RESOLUTION, "2026-05-20T10:00"),
        ("t2", EscalationLevel.FIRST_RESPONSE, "2026-05-17T23:59"),
        ("t4", EscalationLevel.RESOLUTION, "2026-05-18T08:00"),
        ("t6", EscalationLevel.FIRST_RESPONSE, "2026-05-19T08:00"),
    ]:
        Escalation.objects.create(ticket=k[ticket], level=level, due_at=at(due))
    f = {
        name: Feedback.objects.create(customer=customer, ticket=ticket, rating=rating, created_at=at(created))
        for name, customer, ticket, rating, created in [
            ("f1", c["c1"], k["t1"], 5, "2026-05-19T12:00"),
            ("f2", c["c2"], k["t4"], 2, "2026-05-10T12:00"),
            ("f3", c["c1"], None, 4, "2026-03-15T12:00"),
            ("f4", c["c_far"], k["t6"], 1, "2026-05-12T12:00"),
            ("f5", c["c_far"], None, 1, "2026-05-13T12:00"),
            ("f6", c["c2"], k["t2"], 3, "2025-11-30T12:00"),
        ]
    }
    assert Ticket.objects.count() == 7
    return World(users=u, teams=t, customers=c, opportunities=o, orders=r, tickets=k, feedback=f)
