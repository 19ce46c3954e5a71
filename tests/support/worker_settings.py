"""Settings for the real Celery worker and beat that test_worker.py starts as subprocesses.

The test suite's settings, with a real broker (CELERY_TEST_BROKER_URL), a queue of the
test's own (so that nothing else on that Redis takes its tasks), e-mail written to files
the test reads, and the production escalation job on a one-second beat instead of a
one-minute one. DATABASE_URL names the test database.
"""

import os

from crm.settings.test import *  # noqa: F403
from crm.settings.test import CELERY_BEAT_SCHEDULE as PRODUCTION_SCHEDULE

ESCALATION_JOB = "support-escalate-breached-tickets"

CELERY_BROKER_URL = os.environ["CELERY_TEST_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["SUPPORT_TEST_QUEUE"]
CELERY_BEAT_SCHEDULE = {ESCALATION_JOB: {**PRODUCTION_SCHEDULE[ESCALATION_JOB], "schedule": 1.0, "options": {}}}
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["SUPPORT_TEST_MAIL_DIR"]},
    }
}
