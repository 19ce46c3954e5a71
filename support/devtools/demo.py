"""Demo tickets for `manage.py seed_demo`: every status and priority, some past their SLA,
with conversations, internal notes and feedback. Idempotent: a ticket whose subject
is already there for its customer is not made again.

The tickets are backdated, so they are written directly (the services stamp the
current time); their clocks follow the same arithmetic (support.sla).
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from crm.customers.models import Customer
from crm.devtools.demo import DemoSeeder, register_demo_seeder
from support import sla
from support.models import (
    Feedback,
    FeedbackSource,
    SlaPolicy,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketPriority,
    TicketStatus,
)
from support.services import escalations

SUBJECTS = [
    ("Invoice shows the wrong VAT rate", TicketKind.QUESTION),
    ("Cannot log in to the customer portal", TicketKind.INCIDENT),
    ("Delivery arrived two weeks late", TicketKind.COMPLAINT),
    ("How do I export last year's orders?", TicketKind.QUESTION),
    ("Sync with the warehouse stopped", TicketKind.INCIDENT),
    ("Rude answer on the phone", TicketKind.COMPLAINT),
    ("Change of billing address", TicketKind.QUESTION),
    ("API returns errors since this morning", TicketKind.INCIDENT),
    ("Charged twice for one order", TicketKind.COMPLAINT),
    ("Request for a training session", TicketKind.QUESTION),
]
REPLIES = [
    "Thanks for reaching out, we are looking into it.",
    "Could you send us a screenshot of the error?",
    "We have found the cause and are fixing it now.",
    "This should be sorted now; please let us know if not.",
]
NOTES = [
    "Customer is a key account; keep the sales owner informed.",
    "Same issue as last month; see the warehouse ticket.",
    "Escalated to engineering in chat.",
]
COMMENTS = ["Quick and friendly.", "Took a while, but solved.", "Still not happy about the delay.", ""]
# How long ago each status's demo tickets were opened (hours), so that some run past their SLA.
AGE_HOURS = {
    TicketStatus.NEW: [0.5, 3, 30, 130],
    TicketStatus.OPEN: [2, 10, 50, 200],
    TicketStatus.PENDING: [5, 20, 60, 100],
    TicketStatus.RESOLVED: [8, 30, 80, 150],
    TicketStatus.CLOSED: [48, 96, 200, 400],
}


def ensure_sla_policies() -> None:
    for priority, (first_response, resolution) in sla.DEFAULT_TARGETS_MINUTES.items():
        SlaPolicy.objects.get_or_create(
            priority=priority, defaults={"first_response_minutes": first_response, "resolution_minutes": resolution}
        )


@transaction.atomic
def seed_support(rng: random.Random) -> None:
    ensure_sla_policies()
    teams = {team.name: team for team in Team.objects.filter(name__in=["Support Tier 1", "Support Tier 2"])}
    if len(teams) < 2:
        return  # the staff seeder makes the teams; nothing to put tickets in without them
    members = {name: list(team.members.order_by("username")) for name, team in teams.items()}
    customers = list(Customer.objects.order_by("name")[:12])
    now = timezone.now()
    index = 0
    for status, ages in AGE_HOURS.items():
        for priority, age in zip(TicketPriority, ages, strict=True):
            team_name = "Support Tier 1" if index % 3 else "Support Tier 2"
            subject, kind = SUBJECTS[index % len(SUBJECTS)]
            customer = customers[index % len(customers)]
            index += 1
            if Ticket.objects.filter(customer=customer, subject=subject).exists():
                continue
            assignee = rng.choice(members[team_name]) if status != TicketStatus.NEW and members[team_name] else None
            _make_ticket(
                rng,
                customer=customer,
                subject=subject,
                kind=kind,
                priority=priority,
                status=status,
                team=teams[team_name],
                assignee=assignee,
                created_at=now - timedelta(hours=age),
                now=now,
            )
    _seed_general_feedback(rng, customers)
    # Record the demo's breaches as the every-minute job would (no worker runs it on a laptop).
    escalations.escalate_breached_tickets()


def _make_ticket(rng, *, customer, subject, kind, priority, status, team, assignee, created_at, now) -> Ticket:
    ticket = Ticket(
        customer=customer,
        contact=customer.contacts.first(),
        subject=subject,
        description=f"{subject}. Reported by {customer.name}.",
        kind=kind,
        priority=priority,
        status=TicketStatus.NEW,
        team=team,
        assignee=assignee,
        created_by=customer.owner,
        created_at=created_at,
    )
    sla.set_due_times(ticket)
    age = now - created_at
    replier = assignee or team.manager
    if status != TicketStatus.NEW:
        # A first reply after a fifth of the ticket's age: late on the old ones.
        ticket.first_response_at = created_at + age / 5
    if status == TicketStatus.PENDING:
        ticket.paused_at = now - age / 3
    if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        ticket.resolved_at = created_at + age * 3 / 4
    ticket.status = status
    ticket.save()
    if ticket.first_response_at:
        _message(ticket, replier, rng.choice(REPLIES), at=ticket.first_response_at)
        _message(ticket, replier, rng.choice(NOTES), at=ticket.first_response_at + age / 20, internal=True)
    if ticket.resolved_at:
        _message(ticket, replier, REPLIES[-1], at=ticket.resolved_at)
        if rng.random() < 0.75:
            Feedback.objects.create(
                customer=customer,
                ticket=ticket,
                rating=rng.randint(2, 5),
                comment=rng.choice(COMMENTS),
                source=FeedbackSource.SURVEY,
                created_at=ticket.resolved_at + timedelta(hours=2),
            )
    return ticket


def _message(ticket: Ticket, author: User, body: str, *, at, internal: bool = False) -> None:
    TicketMessage.objects.create(ticket=ticket, author=author, body=body, internal=internal, created_at=at)


def _seed_general_feedback(rng: random.Random, customers: list[Customer]) -> None:
    for customer in customers[:3]:
        if Feedback.objects.filter(customer=customer, ticket=None).exists():
            continue
        Feedback.objects.create(
            customer=customer,
            rating=rng.randint(3, 5),
            comment="Said on the phone that they are happy with the service.",
            source=FeedbackSource.STAFF,
            recorded_by=customer.owner,
        )


register_demo_seeder(DemoSeeder("support", 40, seed_support))
