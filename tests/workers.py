"""What the tests that run real Celery workers share (their `broker` fixture is in tests/conftest.py).

They run when CELERY_TEST_BROKER_URL is set (.ci/run sets redis://127.0.0.1:6379/15); then a
broker that does not answer is a failure, not a skip.
"""

import os
from urllib.parse import quote

from django.db import connection

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")


def database_url_of_the_test_db() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
