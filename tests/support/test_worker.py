"""The escalation job end to end: a real Celery beat schedules it, a real Celery worker runs it
against the test database through the local Redis, and an escalation e-mail comes out.

Runs when CELERY_TEST_BROKER_URL is set (.ci/run sets redis://127.0.0.1:6379/15); then a
broker that does not answer is a failure, not a skip.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from support.models import Escalation, SentEmail
from tests.workers import database_url_of_the_test_db

from .factories import TicketFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 90


def start(args: list[str], *, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "crm", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_real_worker_and_beat_send_the_escalation_email(
    broker, tmp_path, support_org, customer, support_rep, support_manager
):
    ticket = TicketFactory(
        team=support_org["support_team"],
        customer=customer,
        priority="urgent",
        assignee=support_rep,
        created_at=timezone.now() - timedelta(hours=2),  # first response was due an hour ago
    )
    queue = f"support-test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
        "DATABASE_URL": database_url_of_the_test_db(),
        "SUPPORT_TEST_QUEUE": queue,
        "SUPPORT_TEST_MAIL_DIR": str(mail_dir),
    }
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = start(
        ["worker", "--pool=solo", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-l", "info"],
        env=env,
        log=worker_log,
    )  # fmt: skip
    beat = start(
        ["beat", "-s", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid"), "-l", "info"],
        env=env,
        log=beat_log,
    )
    try:
        emails = wait_for_emails(mail_dir, worker, beat)
    finally:
        stop(beat)
        stop(worker)
        for key in broker.scan_iter(f"*{queue}*"):
            broker.delete(key)
    logs = f"\n--- worker ---\n{worker_log.read_text()}\n--- beat ---\n{beat_log.read_text()}"
    assert emails, f"no escalation e-mail within {WAIT_SECONDS}s{logs}"

    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.level == "first_response"
    sent = SentEmail.objects.get(key=f"escalation:{escalation.pk}")
    assert sent.sent_at is not None
    assert len(emails) == 1, logs  # beat ran the job every second: the breach was e-mailed once
    message = emails[0]
    assert f"SLA breach: First response overdue on #{ticket.pk}" in message
    assert support_rep.email in message
    assert support_manager.email in message
    assert "Sending due task support-escalate-breached-tickets" in beat_log.read_text()


def wait_for_emails(mail_dir: Path, *processes: subprocess.Popen) -> list[str]:
    """The e-mails the worker wrote, once one is there and two more beats have passed without another."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            return []  # one of them died: its log says why
        files = sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []
        if files:
            time.sleep(3)  # let beat run the job a few more times: it must not mail again
            return [path.read_text() for path in sorted(mail_dir.glob("*.log"))]
        time.sleep(0.5)
    return []
