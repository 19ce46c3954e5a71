"""SLA arithmetic with a frozen clock: targets per priority, pause and resume while pending,
priority changes recomputing from the creation time plus paused time, first response and
resolution timestamps."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from support import sla
from support.models import SlaPolicy, Ticket, TicketStatus
from support.services import tickets as services

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def open_ticket(user, customer, priority="normal", kind="question") -> Ticket:
    return services.ticket_create(acting_user=user, customer=customer, subject="Clock", priority=priority, kind=kind)


def set_status(user, ticket, status) -> Ticket:
    return services.ticket_update(acting_user=user, ticket=ticket, status=status)


@pytest.mark.parametrize(
    ("priority", "first_response", "resolution"),
    [("urgent", 1, 4), ("high", 4, 24), ("normal", 8, 72), ("low", 24, 120)],
)
def test_default_targets_per_priority(clock, support_rep, customer, priority, first_response, resolution):
    ticket = open_ticket(support_rep, customer, priority)
    assert ticket.created_at == T0
    assert ticket.first_response_due_at == T0 + first_response * H
    assert ticket.sla_due_at == T0 + resolution * H


def test_the_migration_stores_the_defaults():
    policies = {p.priority: (p.first_response_minutes, p.resolution_minutes) for p in SlaPolicy.objects.all()}
    assert policies == {"urgent": (60, 240), "high": (240, 1440), "normal": (480, 4320), "low": (1440, 7200)}


def test_an_edited_policy_applies_to_new_tickets_only(clock, support_rep, customer):
    before = open_ticket(support_rep, customer, "high")
    SlaPolicy.objects.filter(priority="high").update(first_response_minutes=30, resolution_minutes=120)
    after = open_ticket(support_rep, customer, "high")
    assert after.first_response_due_at == T0 + timedelta(minutes=30)
    assert after.sla_due_at == T0 + 2 * H
    before.refresh_from_db()
    assert before.first_response_due_at == T0 + 4 * H


def test_pending_pauses_the_clock_and_leaving_it_resumes(clock, support_rep, customer):
    ticket = open_ticket(support_rep, customer, "normal")  # first response T0+8h, resolution T0+72h
    clock.move_to(T0 + 2 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.PENDING)
    assert ticket.paused_at == T0 + 2 * H
    assert ticket.sla_due_at == T0 + 72 * H  # unchanged while the pause runs

    clock.move_to(T0 + 10 * H)  # past the first-response due time, but the clock stands still
    assert not Ticket.objects.filter(sla.breached(T0 + 10 * H), pk=ticket.pk).exists()

    ticket = set_status(support_rep, ticket, TicketStatus.OPEN)
    assert ticket.paused_at is None
    assert ticket.paused_for == 8 * H
    assert ticket.first_response_due_at == T0 + 16 * H
    assert ticket.sla_due_at == T0 + 80 * H

    clock.move_to(T0 + 11 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.PENDING)
    clock.move_to(T0 + 12 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.OPEN)
    assert ticket.paused_for == 9 * H
    assert ticket.sla_due_at == T0 + 81 * H


def test_changing_priority_recomputes_from_creation_plus_paused_time(clock, support_rep, customer):
    ticket = open_ticket(support_rep, customer, "low")
    clock.move_to(T0 + 1 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.PENDING)
    clock.move_to(T0 + 2 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.OPEN)  # paused for 1h
    clock.move_to(T0 + 3 * H)
    ticket = services.ticket_update(acting_user=support_rep, ticket=ticket, priority="urgent")
    assert ticket.first_response_due_at == T0 + 1 * H + 1 * H  # already past: it is breached now
    assert ticket.sla_due_at == T0 + 4 * H + 1 * H
    assert Ticket.objects.filter(sla.first_response_breached(T0 + 3 * H), pk=ticket.pk).exists()

    ticket = services.ticket_update(acting_user=support_rep, ticket=ticket, priority="high")
    assert ticket.first_response_due_at == T0 + 4 * H + 1 * H
    assert ticket.sla_due_at == T0 + 24 * H + 1 * H


def test_a_priority_change_while_paused_counts_the_running_pause_at_resume(clock, support_rep, customer):
    ticket = open_ticket(support_rep, customer, "normal")
    clock.move_to(T0 + 1 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.PENDING)
    clock.move_to(T0 + 3 * H)
    ticket = services.ticket_update(acting_user=support_rep, ticket=ticket, priority="urgent")
    assert ticket.sla_due_at == T0 + 4 * H  # finished pauses only: none yet
    clock.move_to(T0 + 5 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.OPEN)
    assert ticket.sla_due_at == T0 + 4 * H + 4 * H  # paused from 1h to 5h


def test_the_first_public_reply_is_the_first_response(clock, support_rep, customer):
    ticket = open_ticket(support_rep, customer)
    clock.move_to(T0 + 1 * H)
    services.message_create(acting_user=support_rep, ticket=ticket, body="Looking at it", internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.status == TicketStatus.NEW

    clock.move_to(T0 + 2 * H)
    services.message_create(acting_user=support_rep, ticket=ticket, body="Hello!")
    ticket.refresh_from_db()
    assert ticket.first_response_at == T0 + 2 * H
    assert ticket.status == TicketStatus.OPEN
    assert not Ticket.objects.filter(sla.first_response_breached(T0 + 100 * H), pk=ticket.pk).exists()

    clock.move_to(T0 + 3 * H)
    services.message_create(acting_user=support_rep, ticket=ticket, body="Again")
    ticket.refresh_from_db()
    assert ticket.first_response_at == T0 + 2 * H


def test_resolving_sets_resolved_at_and_reopening_clears_it(clock, support_rep, customer):
    ticket = open_ticket(support_rep, customer)
    clock.move_to(T0 + 1 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.PENDING)
    clock.move_to(T0 + 2 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.RESOLVED)  # straight from pending: the pause ends
    assert (ticket.resolved_at, ticket.paused_at, ticket.paused_for) == (T0 + 2 * H, None, 1 * H)

    clock.move_to(T0 + 3 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.CLOSED)
    assert ticket.resolved_at == T0 + 2 * H  # closing a resolved ticket keeps when it was resolved

    clock.move_to(T0 + 4 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.OPEN)
    assert ticket.resolved_at is None
    assert ticket.sla_due_at == T0 + 73 * H  # the resolution clock runs again, where it stood

    clock.move_to(T0 + 5 * H)
    ticket = set_status(support_rep, ticket, TicketStatus.CLOSED)
    assert ticket.resolved_at == T0 + 5 * H  # closing an open ticket stops its clock too


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([TicketStatus.OPEN], TicketStatus.NEW),
        ([TicketStatus.PENDING], TicketStatus.NEW),
        ([TicketStatus.RESOLVED], TicketStatus.PENDING),
        ([TicketStatus.CLOSED], TicketStatus.RESOLVED),
    ],
)
def test_status_changes_that_make_no_sense_are_refused(clock, support_rep, customer, path, refused):
    ticket = open_ticket(support_rep, customer)
    for status in path:
        ticket = set_status(support_rep, ticket, status)
    with pytest.raises(ValidationError) as error:
        set_status(support_rep, ticket, refused)
    assert "status" in error.value.message_dict
    assert Ticket.objects.get(pk=ticket.pk).status == ticket.status


def test_breached_filter_through_the_api(clock, api, support_rep, customer):
    late = open_ticket(support_rep, customer, "urgent")
    on_time = open_ticket(support_rep, customer, "low")
    paused = open_ticket(support_rep, customer, "urgent")
    set_status(support_rep, paused, TicketStatus.PENDING)
    clock.move_to(T0 + 2 * H)
    client = api.as_user(support_rep)
    breached = [row["id"] for row in client.get("/api/v1/tickets/", {"breached": "true"}).json()["results"]]
    fine = [row["id"] for row in client.get("/api/v1/tickets/", {"breached": "false"}).json()["results"]]
    assert breached == [late.pk]
    assert sorted(fine) == sorted([on_time.pk, paused.pk])


def test_the_ticket_page_shows_the_clocks(clock, portal, support_rep, customer):
    ticket = open_ticket(support_rep, customer, "urgent")
    clock.move_to(T0 + 30 * timedelta(minutes=1))
    page = portal.as_user(support_rep).get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert 'data-sla-state="running" data-testid="sla-first_response">30m left</time>' in page
    assert f'datetime="{(T0 + H).isoformat()}"' in page

    clock.move_to(T0 + 2 * H)
    page = portal.as_user(support_rep).get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert ">overdue by 1h 00m</time>" in page

    set_status(support_rep, ticket, TicketStatus.PENDING)
    page = portal.as_user(support_rep).get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "paused, 2h 00m left" in page  # the resolution clock, stopped with 2 of its 4 hours left
