"""The embedded SQLite default takes two writing requests at once: neither answers
"database is locked" (503). Run against a SQLite file (not the suite's in-memory database,
where every thread shares one connection), in a process of its own."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROUNDS = 12


def copy_the_test_schema(path: Path) -> None:
    """The suite's SQLite test database, copied to a file; other databases: migrate one afresh."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
    else:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=os.environ | {"DATABASE_URL": f"sqlite:///{path}", "DJANGO_SETTINGS_MODULE": "crm.settings.test"},
            check=True,
            timeout=300,
        )


@pytest.mark.django_db(transaction=True)  # no test transaction holds the database while it is copied
def test_two_portal_writes_at_once_on_a_sqlite_file_both_succeed(tmp_path):
    database = tmp_path / "crm.sqlite3"
    copy_the_test_schema(database)
    run = subprocess.run(  # noqa: S603 (our own module, with our own arguments)
        [sys.executable, "-m", "tests.sales.sqlite_writers", str(ROUNDS)],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "crm.settings.test"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [200] * (2 * ROUNDS)
    assert result["quantities"] == [5]
    assert result["journal_mode"] == "wal"
