"""Escalation that cannot fire twice: the every-minute job records each breach once per
(ticket, level) and e-mails the assignee and the team's manager once, however often it
runs and however many workers run it at once."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from support import tasks
from support.models import Escalation, EscalationLevel, SentEmail, Ticket, TicketStatus
from support.services import escalations

from .factories import TicketFactory

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (SELECT ... FOR UPDATE SKIP LOCKED) and one writer at a time",
)


def breached_ticket(team, customer, *, assignee=None, hours_ago=2, **fields) -> Ticket:
    """An urgent ticket opened `hours_ago`: its first response was due an hour after that."""
    return TicketFactory(
        team=team,
        customer=customer,
        priority="urgent",
        assignee=assignee,
        created_at=timezone.now() - timedelta(hours=hours_ago),
        **fields,
    )


def run_job(capture) -> int:
    with capture(execute=True):
        return tasks.escalate_breached_tickets()


@pytest.mark.django_db
class TestEscalationJob:
    def test_running_twice_escalates_and_mails_once(
        self, django_capture_on_commit_callbacks, support_org, customer, support_rep, support_manager
    ):
        ticket = breached_ticket(support_org["support_team"], customer, assignee=support_rep)
        assert run_job(django_capture_on_commit_callbacks) == 1
        assert run_job(django_capture_on_commit_callbacks) == 0
        escalation = Escalation.objects.get()
        assert (escalation.ticket, escalation.level) == (ticket, EscalationLevel.FIRST_RESPONSE)
        assert escalation.due_at == ticket.first_response_due_at
        assert len(mail.outbox) == 1
        assert sorted(mail.outbox[0].to) == sorted([support_rep.email, support_manager.email])
        assert f"#{ticket.pk}" in mail.outbox[0].subject
        assert "First response overdue" in mail.outbox[0].subject

    def test_each_clock_escalates_once(self, django_capture_on_commit_callbacks, support_org, customer):
        ticket = breached_ticket(support_org["support_team"], customer, hours_ago=5)  # both clocks past due
        assert run_job(django_capture_on_commit_callbacks) == 2
        assert set(ticket.escalations.values_list("level", flat=True)) == set(EscalationLevel.values)
        assert run_job(django_capture_on_commit_callbacks) == 0
        assert len(mail.outbox) == 2

    def test_without_an_assignee_the_manager_is_told(
        self, django_capture_on_commit_callbacks, support_org, customer, support_manager
    ):
        breached_ticket(support_org["support_team"], customer)
        run_job(django_capture_on_commit_callbacks)
        assert mail.outbox[0].to == [support_manager.email]

    @pytest.mark.parametrize(
        "fields",
        [
            {"status": TicketStatus.PENDING, "paused_at": timezone.now() - timedelta(hours=1)},
            {"status": TicketStatus.RESOLVED, "resolved_at": timezone.now()},
            {"status": TicketStatus.CLOSED, "resolved_at": timezone.now()},
            {"status": TicketStatus.OPEN, "first_response_at": timezone.now() - timedelta(hours=1, minutes=30)},
        ],
        ids=["paused", "resolved", "closed", "answered"],
    )
    def test_stopped_clocks_do_not_escalate(self, django_capture_on_commit_callbacks, support_org, customer, fields):
        breached_ticket(support_org["support_team"], customer, **fields)
        assert run_job(django_capture_on_commit_callbacks) == 0
        assert not Escalation.objects.exists()
        assert mail.outbox == []

    def test_a_ticket_not_yet_due_waits(self, django_capture_on_commit_callbacks, support_org, customer):
        breached_ticket(support_org["support_team"], customer, hours_ago=0.5)
        assert run_job(django_capture_on_commit_callbacks) == 0

    def test_a_redelivered_notice_is_not_sent_again(self, support_org, customer):
        ticket = breached_ticket(support_org["support_team"], customer)
        escalation = Escalation.objects.create(ticket=ticket, level="first_response", due_at=ticket.sla_due_at)
        assert tasks.send_escalation_notice(escalation.pk) is True
        assert tasks.send_escalation_notice(escalation.pk) is False  # acks_late redelivery, or a second enqueue
        assert len(mail.outbox) == 1
        assert SentEmail.objects.get().key == f"escalation:{escalation.pk}"

    def test_the_unique_constraint_refuses_a_second_record(self, support_org, customer):
        ticket = breached_ticket(support_org["support_team"], customer)
        first = escalations._record(ticket_id=ticket.pk, level="first_response", due_at=ticket.sla_due_at)
        again = escalations._record(ticket_id=ticket.pk, level="first_response", due_at=ticket.sla_due_at)
        assert first is not None
        assert again is None
        assert Escalation.objects.count() == 1

    def test_tasks_are_acknowledged_late(self):
        for task in (
            tasks.escalate_breached_tickets,
            tasks.send_escalation_notice,
            tasks.send_complaint_notice,
            tasks.send_survey_invitation,
        ):
            assert task.acks_late is True


def test_beat_runs_the_job_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["support-escalate-breached-tickets"]
    assert entry["task"] == tasks.escalate_breached_tickets.name
    assert entry["schedule"] == 60.0


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_escalate_each_breach_once(support_org, customer, support_rep):
    tickets = [breached_ticket(support_org["support_team"], customer, assignee=support_rep) for _ in range(40)]
    start = threading.Barrier(2)
    created = []

    def worker():
        try:
            start.wait(timeout=10)
            created.append(tasks.escalate_breached_tickets())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(created) == len(tickets)
    assert Escalation.objects.count() == len(tickets)
    assert len(mail.outbox) == len(tickets)
    assert len({message.subject for message in mail.outbox}) == len(tickets)


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_run_passes_over_tickets_another_run_holds(support_org, customer):
    tickets = [breached_ticket(support_org["support_team"], customer) for _ in range(3)]
    locked, release = threading.Event(), threading.Event()

    def other_worker_mid_claim():
        try:
            with transaction.atomic():
                list(Ticket.objects.select_for_update().filter(pk__in=[t.pk for t in tickets]))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=other_worker_mid_claim)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        result = []
        runner = threading.Thread(
            target=lambda: (result.append(escalations.escalate_breached_tickets()), connection.close())
        )
        runner.start()
        runner.join(timeout=10)
        assert not runner.is_alive(), "the run waited for the locked rows instead of skipping them"
        assert result == [[]]
    finally:
        release.set()
        holder.join(timeout=10)
    assert len(escalations.escalate_breached_tickets()) == len(tickets)


@pytest.mark.django_db
def test_a_notice_whose_send_failed_goes_out_on_a_later_run(
    django_capture_on_commit_callbacks, support_org, customer, support_manager
):
    ticket = breached_ticket(support_org["support_team"], customer)
    failed = Escalation.objects.create(
        ticket=ticket, level="first_response", due_at=ticket.first_response_due_at,
        created_at=timezone.now() - timedelta(minutes=5),
    )  # fmt: skip
    recent = Escalation.objects.create(ticket=ticket, level="resolution", due_at=ticket.sla_due_at)
    SentEmail.objects.create(key=f"escalation:{failed.pk}")  # the send began, then failed: not marked sent

    assert escalations.escalations_awaiting_notice() == [failed.pk]  # the recent one's task may still be queued
    assert run_job(django_capture_on_commit_callbacks) == 0  # nothing new to record
    assert [message.to for message in mail.outbox] == [[support_manager.email]]
    assert escalations.escalations_awaiting_notice() == []
    assert not SentEmail.objects.filter(key=f"escalation:{recent.pk}").exists()
