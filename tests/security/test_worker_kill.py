"""A worker killed in the middle of a task does not apply the task's effect twice.

A real Celery worker (solo pool) runs the complaint notice: it sends the e-mail, records it
(SentEmail), and is then killed with SIGKILL, the whole process, before it acknowledges the task.
Because tasks are acknowledged late, the broker hands the task to the next worker, which runs it
again; because the task is idempotent (send_once finds the e-mail recorded), the customer's team
manager still gets one e-mail.

Runs when CELERY_TEST_BROKER_URL is set and the database is PostgreSQL (.ci/run); a broker that is
set but does not answer is a failure, not a skip.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from support.models import SentEmail
from support.notifications import message_id_for
from tests.factories import CustomerFactory
from tests.support.factories import TicketFactory
from tests.workers import BROKER_URL, database_url_of_the_test_db

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60
TASK = "support.tasks.send_complaint_notice"


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    queue = env["HARDENING_TEST_QUEUE"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "crm", "worker", "--pool=solo", "-Q", queue,
         "-n", f"{uuid.uuid4().hex}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed whole
    )  # fmt: skip


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def wait_for(condition, what: str, *processes: subprocess.Popen, logs=()) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if any(process.poll() is not None for process in processes):
            break
        time.sleep(0.2)
    output = "\n".join(f"--- {log.name} ---\n{log.read_text()}" for log in logs if log.exists())
    pytest.fail(f"waited for {what} in vain\n{output}")


def test_a_worker_killed_after_the_effect_and_before_the_ack(broker, tmp_path, org):
    ticket = TicketFactory(customer=CustomerFactory(), team=org["support_team"], subject="Broken", kind="complaint")
    queue = f"hardening-test-{uuid.uuid4().hex[:12]}"
    mail_dir, hold_file = tmp_path / "mail", tmp_path / "holding"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.security.worker_settings",
        "DATABASE_URL": database_url_of_the_test_db(),
        "HARDENING_TEST_QUEUE": queue,
        "HARDENING_TEST_MAIL_DIR": str(mail_dir),
    }
    first_log, second_log = tmp_path / "first-worker.log", tmp_path / "second-worker.log"
    sender = Celery(broker=BROKER_URL)
    first = start_worker({**env, "HARDENING_HOLD_FILE": str(hold_file)}, first_log)
    second = None
    try:
        sender.send_task(TASK, args=[ticket.pk], queue=queue)
        wait_for(hold_file.exists, "the first worker to finish the task's work", first, logs=[first_log])
        assert len(list(mail_dir.glob("*.log"))) == 1  # the effect: one e-mail, recorded as sent
        assert SentEmail.objects.get(key=f"complaint:{ticket.pk}").sent_at is not None

        kill(first)  # before it could acknowledge the task
        second = start_worker(env, second_log)
        ran_again = f"Task {TASK}[{hold_file.read_text()}] succeeded"
        wait_for(lambda: ran_again in second_log.read_text(), "the task to run again", second, logs=[second_log])
    finally:
        kill(first)
        if second is not None:
            kill(second)
        sender.close()
        for key in broker.scan_iter(f"*{queue}*"):
            broker.delete(key)

    assert "succeeded in" in second_log.read_text()
    assert ": False" in second_log.read_text().split(ran_again, 1)[1].splitlines()[0]  # it found the e-mail sent
    emails = list(mail_dir.glob("*.log"))
    assert len(emails) == 1, "the e-mail went out twice"
    assert ticket.team.manager.email in emails[0].read_text()
    # Had the worker died between the send and its record, the e-mail sent again would carry the same
    # Message-ID, by which mail clients drop the second copy.
    assert f"Message-ID: {message_id_for(f'complaint:{ticket.pk}')}" in emails[0].read_text()
    assert SentEmail.objects.filter(key=f"complaint:{ticket.pk}").count() == 1
