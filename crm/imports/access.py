"""Who imports, and whose import jobs are whose (docs/ACCESS.md, "Records: history, import and export").

Imports are for those who may create customers; a row is then allowed or refused as the same
request to the API would be (crm/imports/rows.py asks the customer policy). A job and its rows
are seen, run and resumed only by the user who uploaded the file: to anyone else it does not exist.
"""

from django.db.models import QuerySet

from accounts.models import User
from crm.customers import access as customer_access
from crm.imports.models import ImportJob


def can_import(user: User) -> bool:
    """Users who may create customers import them, and contacts of the customers they may change."""
    return customer_access.can_create_customer(user)


def import_jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    """A user's own jobs: the uploader alone sees a job, its progress and the rows not imported."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user)


def can_run_import(user: User, job: ImportJob) -> bool:
    """Only the user who uploaded the file runs (or resumes) its import (the portal also asks `can_import`)."""
    return job.created_by_id == user.pk
