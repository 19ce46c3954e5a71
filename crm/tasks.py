"""Celery finds the `crm` app's tasks here (autodiscovery looks for `<app>.tasks`); they live with their context."""

from crm.imports.tasks import check_import, run_import  # noqa: F401
