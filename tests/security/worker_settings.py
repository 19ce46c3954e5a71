"""Settings for the real Celery workers that test_worker_kill.py starts and kills.

The test suite's settings with a real broker (CELERY_TEST_BROKER_URL), a queue and
unacknowledged-message keys of the test's own, an unacknowledged task back in the queue
two seconds after its worker died (instead of an hour), and e-mail written to files.

With HARDENING_HOLD_FILE set, the worker stops right after a task has done its work
and before it acknowledges it (Celery's task_postrun): it writes that file, so that
the test knows, and waits to be killed.
"""

import os
import time
from pathlib import Path

from celery.signals import task_postrun

from crm.settings.test import *  # noqa: F403

QUEUE = os.environ["HARDENING_TEST_QUEUE"]
CELERY_BROKER_URL = os.environ["CELERY_TEST_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = QUEUE
CELERY_BEAT_SCHEDULE = {}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    "unacked_key": f"{QUEUE}-unacked",
    "unacked_index_key": f"{QUEUE}-unacked-index",
    "unacked_mutex_key": f"{QUEUE}-unacked-mutex",
}
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["HARDENING_TEST_MAIL_DIR"]},
    }
}

HOLD_FILE = os.environ.get("HARDENING_HOLD_FILE")


def hold_until_killed(sender=None, task_id=None, **kwargs):
    if HOLD_FILE and not Path(HOLD_FILE).exists():
        Path(HOLD_FILE).write_text(task_id or "")
        time.sleep(300)


task_postrun.connect(hold_until_killed, weak=False)
