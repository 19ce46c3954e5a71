"""Concurrency: 20 clients each make 50 edits to one ticket through the API at the same time, each
based on the version it read, retrying on 409 (re-reading, with a short random backoff).

Each edit appends the client's own line to the ticket's description, so a lost update would show
as a missing line. At the end: every successful edit is there exactly once, the version counted
every one of them (each version was granted to exactly one edit), and nothing answered 5xx.

It needs PostgreSQL (row locks and real concurrent connections): on SQLite it is skipped. Each
client is a thread with its own database connection, sending requests through the whole stack
(middleware, token authentication, DRF, the service's SELECT ... FOR UPDATE).
"""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role, TeamMembership
from support.models import Ticket
from tests.factories import CustomerFactory, UserFactory
from tests.support.factories import TicketFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

CLIENTS = 20
EDITS_PER_CLIENT = 50
MAX_ATTEMPTS_PER_EDIT = 200
BACKOFF_SECONDS = 0.02  # a client that lost the race waits a random while, doubling with each loss
BACKOFF_CAP_SECONDS = 1.0


def line_of(client_index: int, edit: int) -> str:
    return f"client {client_index:02d} edit {edit:02d}"


class Editor(threading.Thread):
    def __init__(self, index: int, token: str, url: str, start_line: threading.Barrier):
        super().__init__(name=f"editor-{index}")
        self.index, self.url, self.start_line = index, url, start_line
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        self.statuses: Counter = Counter()
        self.granted_versions: list[int] = []
        self.problems: list[str] = []
        self.reads = 0

    def run(self):
        try:
            with connection.cursor() as cursor:
                # A test database need not wait for the disk at each commit; locks and visibility are unchanged.
                cursor.execute("SET synchronous_commit TO off")
            self.start_line.wait()
            current = self.read()
            for edit in range(EDITS_PER_CLIENT):
                current = self.edit(current, line_of(self.index, edit))
                if current is None:
                    return
        except Exception as error:
            self.problems.append(f"{self.name}: {error!r}")
        finally:
            connections.close_all()  # this thread's connection

    def read(self) -> dict:
        self.reads += 1
        response = self.client.get(self.url)
        self.statuses[response.status_code] += 1
        return response.json()

    def edit(self, current: dict, line: str) -> dict | None:
        for attempt in range(MAX_ATTEMPTS_PER_EDIT):
            body = {"description": f"{current['description']}\n{line}", "version": current["version"]}
            response = self.client.patch(self.url, body, format="json")
            self.statuses[response.status_code] += 1
            if response.status_code == 200:
                self.granted_versions.append(response.json()["version"])
                return response.json()
            if response.status_code != 409:
                self.problems.append(f"{self.name}: {response.status_code} {response.content[:200]!r}")
                return None
            time.sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_SECONDS * 2**attempt)))
            current = self.read()
        self.problems.append(f"{self.name}: gave up on {line!r}")
        return None


def test_concurrent_edits_with_version_checks_lose_nothing(org, support_team):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks and serialises every writer")
    editors = [UserFactory(username=f"editor{index:02d}", role=Role.SUPPORT) for index in range(CLIENTS)]
    TeamMembership.objects.bulk_create(TeamMembership(team=support_team, user=user) for user in editors)
    ticket = TicketFactory(customer=CustomerFactory(), team=support_team, subject="Busy ticket", description="")
    url = f"/api/v1/tickets/{ticket.pk}/"
    start_line = threading.Barrier(CLIENTS)
    threads = [
        Editor(index, Token.objects.create(user=user).key, url, start_line) for index, user in enumerate(editors)
    ]

    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    elapsed = time.monotonic() - started

    assert all(not thread.is_alive() for thread in threads), "an editor is still running"
    assert [problem for thread in threads for problem in thread.problems] == []
    statuses = sum((thread.statuses for thread in threads), Counter())
    assert set(statuses) <= {200, 409}, statuses  # no 5xx, nor anything else
    stored = Ticket.objects.get(pk=ticket.pk)
    lines = [line for line in stored.description.splitlines() if line]
    expected = [line_of(index, edit) for index in range(CLIENTS) for edit in range(EDITS_PER_CLIENT)]
    assert sorted(lines) == sorted(expected), "an edit was lost or applied twice"
    granted = sorted(version for thread in threads for version in thread.granted_versions)
    assert granted == list(range(2, CLIENTS * EDITS_PER_CLIENT + 2)), "two edits were granted the same version"
    assert stored.version == CLIENTS * EDITS_PER_CLIENT + 1
    for thread in threads:  # each client's own edits landed in the order it made them
        own = [line for line in lines if line.startswith(f"client {thread.index:02d} ")]
        assert own == [line_of(thread.index, edit) for edit in range(EDITS_PER_CLIENT)]
    print(  # shown with -s
        f"\n{CLIENTS} clients x {EDITS_PER_CLIENT} edits: {statuses[409]} conflicts (409) retried, "
        f"{sum(thread.reads for thread in threads)} reads, {elapsed:.1f} s"
    )
