"""Import jobs: the dry run, queueing the run, and the run itself, batch by batch.

A batch is one transaction: its new records, their audit entries, its rows that were
not imported, and the job's progress. A run killed or failed in the middle of a batch
leaves none of that batch; the next run (the task again, after a crash, or the user's
"Resume") starts after the last committed batch, and skips any row whose e-mail is
already there, so nothing is imported twice.
"""

import logging
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from crm import access
from crm.audit.actor import acting_as
from crm.audit.models import AuditEntry, AuditVia
from crm.background import enqueue_on_commit
from crm.models import Contact, Customer

from .models import ImportJob, ImportKind, ImportRowError, ImportState
from .rows import COLUMNS, ImportFileError, Row, check_rows, read_rows

logger = logging.getLogger(__name__)
DUPLICATE_MESSAGES = {
    ImportKind.CUSTOMERS: "Skipped: you already have a customer with this e-mail.",
    ImportKind.CONTACTS: "Skipped: this customer already has a contact with this e-mail.",
}
MAX_DRY_RUN_ERRORS_KEPT = 10_000


def batch_size() -> int:
    return settings.CRM_IMPORT_BATCH_SIZE


def can_import(user: User) -> bool:
    """Users who may create customers import them, and contacts of the customers they may change."""
    return access.can_create_customer(user)


def decode_upload(content: bytes) -> str:
    max_bytes = settings.CRM_IMPORT_MAX_BYTES
    if len(content) > max_bytes:
        raise ImportFileError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError("Save the file as CSV in UTF-8 and upload it again.") from error
    if "\x00" in text:
        raise ImportFileError("This is not a text file.")
    return text


@transaction.atomic
def import_check(*, acting_user: User, kind: str, file_name: str, content: bytes) -> ImportJob:
    """The dry run: read and check every row, store the job with the rows that would fail. Imports nothing."""
    if not can_import(acting_user):
        raise PermissionDenied("Your role may not import customers.")
    if kind not in ImportKind.values:
        raise ImportFileError(f"Choose what the file holds: {', '.join(ImportKind.values)}.")
    source = decode_upload(content)
    rows = read_rows(kind, source)
    if not rows:
        raise ImportFileError("The file has no rows to import.")
    checked = check_rows(acting_user=acting_user, kind=kind, rows=rows)
    return ImportJob.objects.create(
        kind=kind,
        created_by=acting_user,
        file_name=file_name[:255],
        source=source,
        total_rows=len(rows),
        dry_run_errors=[
            {"line": row.line, "values": row.values, "messages": messages}
            for row, messages in checked.errors[:MAX_DRY_RUN_ERRORS_KEPT]
        ],
        error_rows=len(checked.errors),
        skipped_rows=len(checked.duplicates),
    )


def may_start(job: ImportJob) -> bool:
    """A checked job may run; a failed or interrupted one may resume where it stopped."""
    return job.state in (ImportState.CHECKED, ImportState.FAILED) or (
        job.state in (ImportState.QUEUED, ImportState.RUNNING) and _stalled(job)
    )


def _stalled(job: ImportJob) -> bool:
    return (timezone.now() - job.updated_at).total_seconds() > settings.CRM_IMPORT_STALLED_AFTER_SECONDS


@transaction.atomic
def import_start(*, acting_user: User, job: ImportJob) -> ImportJob:
    """Queue the run (or the resumption) of `job`; the task starts after the commit."""
    from crm import tasks

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != acting_user.pk:
        raise PermissionDenied("Only the user who uploaded the file runs its import.")
    if not may_start(job):
        return job
    job.state = ImportState.QUEUED
    job.failure = ""
    job.save(update_fields=["state", "failure", "updated_at"])
    enqueue_on_commit(tasks.run_import, job.pk)
    return job


def import_run(*, job_id: int) -> ImportJob:
    """The task's work: import the rows after the last committed batch, a batch per transaction."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state == ImportState.DONE:
        return job
    rows = read_rows(job.kind, job.source)
    with acting_as(job.created_by, via=AuditVia.IMPORT):
        _set_state(job_id, ImportState.RUNNING)
        try:
            while not _run_next_batch(job_id, rows, job.created_by):
                pass
        except Exception as error:  # the failed batch rolled back; the job says why, and may be resumed
            logger.exception("Import %s stopped", job_id)
            _set_state(job_id, ImportState.FAILED, failure=f"{type(error).__name__}: {error}")
    return ImportJob.objects.get(pk=job_id)


def _set_state(job_id: int, state: str, *, failure: str = "") -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state == ImportState.DONE:
            return
        job.state = state
        job.failure = failure
        if state == ImportState.RUNNING and job.started_at is None:
            job.started_at = timezone.now()
        job.save(update_fields=["state", "failure", "started_at", "updated_at"])


def _run_next_batch(job_id: int, rows: list[Row], acting_user: User) -> bool:
    """Import the next batch and record the progress, in one transaction; True when the job is done."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)  # a second runner waits here, then moves on
        if job.state == ImportState.DONE:
            return True
        if job.processed_rows == 0:
            job.error_rows = job.skipped_rows = job.imported_rows = 0  # the dry run's counts make way for the run's
        batch = rows[job.processed_rows : job.processed_rows + batch_size()]
        checked = check_rows(acting_user=acting_user, kind=job.kind, rows=batch)
        imported = _save_new_records(job.kind, [record for _row, record in checked.new_records])
        ImportRowError.objects.bulk_create(
            [ImportRowError(job=job, line=row.line, values=row.values, messages=m) for row, m in checked.errors]
            + [
                ImportRowError(job=job, line=row.line, values=row.values, skipped=True, messages=_duplicate(job))
                for row in checked.duplicates
            ]
        )
        job.processed_rows += len(batch)
        job.imported_rows += imported
        job.skipped_rows += len(checked.duplicates)
        job.error_rows += len(checked.errors)
        if job.processed_rows >= job.total_rows:
            job.state, job.finished_at = ImportState.DONE, timezone.now()
        job.save()
        return job.state == ImportState.DONE


def _duplicate(job: ImportJob) -> dict[str, list[str]]:
    return {"email": [DUPLICATE_MESSAGES[ImportKind(job.kind)]]}


def _save_new_records(kind: str, records: list) -> int:
    """bulk_create sends no signal: the audit trail gets the same create entries, written in bulk too."""
    if not records:
        return 0
    model = Customer if kind == ImportKind.CUSTOMERS else Contact
    saved = model.objects.bulk_create(records)
    AuditEntry.objects.record_created(saved)
    return len(saved)


def rows_not_imported(job: ImportJob) -> Iterator[tuple[int, dict, dict]]:
    """(line, values, messages) of each row the run did not import, or, before a run, that the dry run refused."""
    if job.state == ImportState.CHECKED:
        for error in job.dry_run_errors:
            yield error["line"], error["values"], error["messages"]
        return
    for error in job.row_errors.order_by("line").iterator(chunk_size=2_000):
        yield error.line, error.values, error.messages


def columns_of(job: ImportJob) -> tuple[str, ...]:
    return COLUMNS[ImportKind(job.kind)]
