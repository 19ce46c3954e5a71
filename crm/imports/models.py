"""Import jobs and the rows they could not import."""

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    CONTACTS = "contacts", "Contacts"


class ImportState(models.TextChoices):
    CHECKING = "checking", "Dry run under way"
    CHECKED = "checked", "Checked (dry run)"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# The states of a job that is being worked on (or waits for a worker): a user has at most one.
IN_FLIGHT = (ImportState.CHECKING, ImportState.QUEUED, ImportState.RUNNING)


class ImportJob(models.Model):
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs")
    file_name = models.CharField(max_length=255, blank=True)
    # The uploaded file, decoded; kept with the job so that any worker can (re)read it.
    source = models.TextField()
    state = models.CharField(max_length=16, choices=ImportState.choices, default=ImportState.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    # The dry run's progress (it runs in the background too), and when it finished: only then may the job run.
    checked_rows = models.PositiveIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)
    # Rows handled by committed batches: a resumed run starts after them.
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0, help_text="Already there (same e-mail): not imported again.")
    error_rows = models.PositiveIntegerField(default=0)
    dry_run_errors = models.JSONField(default=list, blank=True, help_text="Per-row errors found by the dry run.")
    failure = models.TextField(blank=True, help_text="Why the last run stopped, if it failed.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")), name="import_processed_within_total"
            ),
            # At most one dry run or import in flight per user, whatever the race (crm/imports/services.py).
            models.UniqueConstraint(
                fields=["created_by"], condition=models.Q(state__in=IN_FLIGHT), name="one_import_in_flight_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.get_kind_display().lower()} ({self.file_name})"

    @property
    def percent_done(self) -> int:
        return 100 if not self.total_rows else (100 * self.processed_rows) // self.total_rows

    @property
    def percent_checked(self) -> int:
        return 0 if not self.total_rows else (100 * self.checked_rows) // self.total_rows

    @property
    def in_flight(self) -> bool:
        return self.state in IN_FLIGHT

    @property
    def nothing_to_import(self) -> bool:
        """The dry run found no row that would be imported: each would be refused or is already there."""
        checked = self.state == ImportState.CHECKED and self.checked_at is not None
        return checked and self.error_rows + self.skipped_rows >= self.total_rows


class ImportRowError(models.Model):
    """A row the run did not import: its line in the file, its values, and why."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField(help_text="The row's line in the file (the header is line 1).")
    values = models.JSONField(default=dict)
    skipped = models.BooleanField(default=False, help_text="Already there: skipped rather than refused.")
    messages = models.JSONField(default=dict, help_text="{field: [message, ...]}")

    class Meta:
        ordering = ["job", "line"]
        constraints = [models.UniqueConstraint(fields=["job", "line"], name="one_error_per_import_line")]

    def __str__(self) -> str:
        return f"Line {self.line} of {self.job}"
