"""Laptop defaults: SQLite, DEBUG on, tasks in-process, e-mail to the console."""

from crm.settings.base import *  # noqa: F403
from crm.settings.base import INSTALLED_APPS, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "development-only-not-secret"
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedStaticFilesStorage"
# Serve static files straight from the apps and static/ (no collectstatic on a laptop).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Demo and bulk seeding and the benchmark (seed_demo, seed_bulk, bench): never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "crm.devtools"]
