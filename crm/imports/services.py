"""Import jobs: the dry run, queueing the run, and the run itself, batch by batch.

The upload's request stores the file (streamed to disk first, crm/imports/uploads.py) and
queues the dry run, which runs in the background too and records its progress batch by
batch. A user has at most one dry run or import in flight (a partial unique index holds it
under any race).

A batch is one transaction: its new records, their audit entries, its rows that were
not imported, and the job's progress. A run killed or failed in the middle of a batch
leaves none of that batch; the next run (the task again, after a crash, or the user's
"Resume") starts after the last committed batch, and skips any row whose e-mail is
already there, so nothing is imported twice.
"""

import codecs
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from crm.customers.models import Contact, Customer
from crm.imports import access
from crm.imports.models import IN_FLIGHT, ImportJob, ImportKind, ImportRowError, ImportState
from crm.imports.rows import COLUMNS, ImportFileError, Row, check_rows, iter_rows
from crm.imports.uploads import too_large_message
from crm.platform.audit.actor import acting_as
from crm.platform.audit.models import AuditEntry, AuditVia
from crm.platform.background import enqueue_on_commit

logger = logging.getLogger(__name__)
DUPLICATE_MESSAGES = {
    ImportKind.CUSTOMERS: "Skipped: you already have a customer with this e-mail.",
    ImportKind.CONTACTS: "Skipped: this customer already has a contact with this e-mail.",
}
MAX_DRY_RUN_ERRORS_KEPT = 10_000
STALLED_FAILURE = "It stopped making progress (its worker was lost); start it again."


class ImportInFlight(ValueError):
    """The user already has a dry run or an import under way: one at a time."""


def batch_size() -> int:
    return settings.CRM_IMPORT_BATCH_SIZE


def read_upload(upload: File) -> str:
    """The uploaded file (on disk: crm/imports/uploads.py) as text, decoded a chunk at a time."""
    if upload.size is not None and upload.size > settings.CRM_IMPORT_MAX_BYTES:
        raise ImportFileError(too_large_message())
    decoder = codecs.getincrementaldecoder("utf-8-sig")()  # a BOM, if any, is dropped
    parts = []
    try:
        for chunk in upload.chunks():
            parts.append(decoder.decode(chunk))
        parts.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError as error:
        raise ImportFileError("Save the file as CSV in UTF-8 and upload it again.") from error
    text = "".join(parts)
    if "\x00" in text:
        raise ImportFileError("This is not a text file.")
    return text


def preflight(kind: str, source: str) -> None:
    """What the upload's request checks at once: the header, and that a row follows. The rest is the dry run's."""
    if next(iter_rows(kind, source), None) is None:
        raise ImportFileError("The file has no rows to import.")


def import_upload(*, acting_user: User, kind: str, file_name: str, upload: File, queue: bool = True) -> ImportJob:
    """Store the upload as a job and queue its dry run (the Celery task `check_import`). Imports nothing.

    Refused whole (ImportFileError) if the file is too large, not UTF-8 text, or its header is
    wrong; refused (ImportInFlight) if the user already has a dry run or an import under way.
    """
    if not access.can_import(acting_user):
        raise PermissionDenied("Your role may not import customers.")
    if kind not in ImportKind.values:
        raise ImportFileError(f"Choose what the file holds: {', '.join(ImportKind.values)}.")
    _stop_stalled(acting_user)
    if (current := _in_flight(acting_user)) is not None:  # said before the file is read (and again, race-safe, below)
        raise ImportInFlight(_in_flight_message(current))
    source = read_upload(upload)
    preflight(kind, source)
    with transaction.atomic():
        job = ImportJob(
            kind=kind, created_by=acting_user, file_name=file_name[:255], source=source, state=ImportState.CHECKING
        )
        _claim(acting_user, job.save)
        if queue:
            from crm.imports import tasks

            enqueue_on_commit(tasks.check_import, job.pk)
    return job


def import_check(*, acting_user: User, kind: str, file_name: str, content: bytes) -> ImportJob:
    """The upload and its dry run at once, in this process (for scripts and tests; the portal queues the dry run)."""
    job = import_upload(
        acting_user=acting_user, kind=kind, file_name=file_name, upload=ContentFile(content), queue=False
    )
    return import_dry_run(job_id=job.pk)


def import_dry_run(*, job_id: int) -> ImportJob:
    """The dry run (the task's work): check every row as the run would, a batch at a time, saving the
    progress after each batch; store the rows that would fail. Writes nothing but the job."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ImportState.CHECKING:
        return job
    checking = ImportJob.objects.filter(pk=job_id, state=ImportState.CHECKING)
    try:
        total = sum(1 for _row in iter_rows(job.kind, job.source))  # a first pass counts them, keeping none
        if not total:
            raise ImportFileError("The file has no rows to import.")
        checking.update(total_rows=total, checked_rows=0, updated_at=timezone.now())
        errors: list[dict] = []
        error_count = skipped = checked_count = 0
        seen: set = set()  # e-mails met in earlier batches: a second row with one is a duplicate too
        for batch in _batches(iter_rows(job.kind, job.source)):
            checked = check_rows(acting_user=job.created_by, kind=job.kind, rows=batch, seen=seen)
            checked_count += len(batch)
            error_count += len(checked.errors)
            skipped += len(checked.duplicates)
            room = MAX_DRY_RUN_ERRORS_KEPT - len(errors)
            errors += [
                {"line": row.line, "values": row.values, "messages": messages}
                for row, messages in checked.errors[: max(room, 0)]
            ]
            progress = {"checked_rows": checked_count, "error_rows": error_count, "skipped_rows": skipped}
            if not checking.update(**progress, updated_at=timezone.now()):
                return ImportJob.objects.get(pk=job_id)  # stopped meanwhile (stalled and replaced)
        checking.update(
            state=ImportState.CHECKED, checked_at=timezone.now(), dry_run_errors=errors, updated_at=timezone.now()
        )
    except ImportFileError as error:
        checking.update(state=ImportState.FAILED, failure=str(error), updated_at=timezone.now())
    except Exception as error:  # the job says why; the user may upload the file again
        logger.exception("Dry run of import %s stopped", job_id)
        checking.update(
            state=ImportState.FAILED, failure=f"The dry run stopped ({type(error).__name__})", updated_at=timezone.now()
        )
    return ImportJob.objects.get(pk=job_id)


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    """The rows a batch at a time: only one batch of them is in memory at once."""
    while batch := list(islice(rows, batch_size())):
        yield batch


class _RowsAfter:
    """The file's rows, read forward a batch at a time from where the job's committed batches stopped."""

    def __init__(self, job: ImportJob):
        self.job = job
        self._restart()

    def _restart(self):
        self.rows, self.position = iter_rows(self.job.kind, self.job.source), 0

    def batch(self, processed: int) -> list[Row]:
        if processed < self.position:  # (a run never goes back; if it did, read from the start again)
            self._restart()
        for _skipped in islice(self.rows, processed - self.position):
            pass
        batch = list(islice(self.rows, batch_size()))
        self.position = processed + len(batch)
        return batch


def _claim(acting_user: User, save: Callable[[], None], *, job: ImportJob | None = None) -> None:
    """Run `save` (which puts a job of the user in flight) unless another of theirs is in flight: one at a time.

    The check gives the clear answer; the database's partial unique index
    (one_import_in_flight_per_user) makes it hold under any race: the second of two concurrent
    requests fails on it, in a savepoint, and gets the same answer.
    """
    _stop_stalled(acting_user, but=job)
    current = _in_flight(acting_user, but=job)
    if current is not None:
        raise ImportInFlight(_in_flight_message(current))
    try:
        with transaction.atomic():
            save()
    except IntegrityError:
        current = _in_flight(acting_user, but=job)
        if current is None:
            raise
        raise ImportInFlight(_in_flight_message(current)) from None


def _in_flight(user: User, *, but: ImportJob | None = None) -> ImportJob | None:
    jobs = ImportJob.objects.filter(created_by=user, state__in=IN_FLIGHT)
    return (jobs.exclude(pk=but.pk) if but is not None else jobs).first()


def _in_flight_message(job: ImportJob) -> str:
    what = "Its dry run" if job.state == ImportState.CHECKING else "It"
    return (
        f'You already have an import under way: "{job.file_name or "(unnamed)"}" (import {job.pk}). '
        f"{what} must finish before you start another: one dry run or import at a time."
    )


def _stop_stalled(user: User, *, but: ImportJob | None = None) -> None:
    """A job of the user's in flight that shows no progress for a while is stopped, so as not to block them."""
    cutoff = timezone.now() - timedelta(seconds=settings.CRM_IMPORT_STALLED_AFTER_SECONDS)
    stalled = ImportJob.objects.filter(created_by=user, state__in=IN_FLIGHT, updated_at__lt=cutoff)
    if but is not None:
        stalled = stalled.exclude(pk=but.pk)
    stalled.update(state=ImportState.FAILED, failure=STALLED_FAILURE, updated_at=timezone.now())


def may_start(job: ImportJob) -> bool:
    """A checked job with rows to import may run; a failed or interrupted run may resume where it stopped."""
    if job.checked_at is None:  # its dry run is under way, or found the file unreadable
        return False
    if job.state == ImportState.CHECKED:
        return not job.nothing_to_import
    return job.state == ImportState.FAILED or (job.state in (ImportState.QUEUED, ImportState.RUNNING) and _stalled(job))


def _stalled(job: ImportJob) -> bool:
    return (timezone.now() - job.updated_at).total_seconds() > settings.CRM_IMPORT_STALLED_AFTER_SECONDS


@transaction.atomic
def import_start(*, acting_user: User, job: ImportJob) -> ImportJob:
    """Queue the run (or the resumption) of `job`; the task starts after the commit.

    Raises ImportInFlight if another dry run or import of the user's is under way.
    """
    from crm.imports import tasks

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not access.can_run_import(acting_user, job):
        raise PermissionDenied("Only the user who uploaded the file runs its import.")
    if not may_start(job):
        return job
    job.state = ImportState.QUEUED
    job.failure = ""
    _claim(acting_user, lambda: job.save(update_fields=["state", "failure", "updated_at"]), job=job)
    enqueue_on_commit(tasks.run_import, job.pk)
    return job


def import_run(*, job_id: int) -> ImportJob:
    """The task's work: import the rows after the last committed batch, a batch per transaction."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    runnable = (ImportState.CHECKED, ImportState.QUEUED, ImportState.RUNNING)
    if job.state not in runnable or job.checked_at is None:  # done, failed (resumed by the user), or unchecked
        return job
    rows = _RowsAfter(job)
    with acting_as(job.created_by, via=AuditVia.IMPORT):
        try:
            _set_state(job_id, ImportState.RUNNING)
        except IntegrityError:  # another of the user's jobs is in flight (a checked job run by a script)
            return job
        try:
            while not _run_next_batch(job_id, rows, job.created_by):
                pass
        except Exception as error:  # the failed batch rolled back; the job says why, and may be resumed
            logger.exception("Import %s stopped", job_id)
            _set_state(job_id, ImportState.FAILED, failure=f"{type(error).__name__}: {error}")
    return ImportJob.objects.get(pk=job_id)


def _set_state(job_id: int, state: str, *, failure: str = "") -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().defer("source", "dry_run_errors").get(pk=job_id)
        if job.state == ImportState.DONE:
            return
        job.state = state
        job.failure = failure
        if state == ImportState.RUNNING and job.started_at is None:
            job.started_at = timezone.now()
        job.save(update_fields=["state", "failure", "started_at", "updated_at"])


def _run_next_batch(job_id: int, rows: _RowsAfter, acting_user: User) -> bool:
    """Import the next batch and record the progress, in one transaction; True when the job is done."""
    with transaction.atomic():
        # A second runner waits here, then moves on; the file is not read again (save() writes the loaded fields).
        job = ImportJob.objects.select_for_update().defer("source", "dry_run_errors").get(pk=job_id)
        if job.state == ImportState.DONE:
            return True
        if job.processed_rows == 0:
            job.error_rows = job.skipped_rows = job.imported_rows = 0  # the dry run's counts make way for the run's
        batch = rows.batch(job.processed_rows)
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
        if job.processed_rows >= job.total_rows or not batch:
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
    if job.checked_at is None:
        return
    if job.state == ImportState.CHECKED:
        for error in job.dry_run_errors:
            yield error["line"], error["values"], error["messages"]
        return
    for error in job.row_errors.order_by("line").iterator(chunk_size=2_000):
        yield error.line, error.values, error.messages


def columns_of(job: ImportJob) -> tuple[str, ...]:
    return COLUMNS[ImportKind(job.kind)]
