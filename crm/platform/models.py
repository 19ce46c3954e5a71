"""Bases of the records of every context, and the record of a background task that failed for good."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class TextRecord(models.Model):
    """A record whose text fields refuse NUL characters, which PostgreSQL cannot store."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.error_dict
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, str) and "\x00" in value and field.name not in (exclude or ()):
                errors.setdefault(field.name, []).append(ValidationError("Null characters are not allowed."))
        if errors:
            raise ValidationError(errors)


class VersionedRecord(TextRecord):
    """A record that changes carry a version for: a change based on an older version is refused."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class TaskFailure(models.Model):
    """A background task that failed for good, after its retries (crm/platform/background.py).

    Admins see it in Django admin.
    """

    task_name = models.CharField(max_length=200, db_index=True)
    task_id = models.CharField(max_length=100, blank=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    exception = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    retries = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_name} failed: {self.exception}"
