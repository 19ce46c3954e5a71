"""The Celery app. Contexts' tasks are found by autodiscovery, so this module imports none of them.

Like crm.wsgi and crm.asgi it defaults to the production settings; a laptop sets DJANGO_SETTINGS_MODULE.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.production")

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
