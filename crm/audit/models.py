"""The audit entry: django-auditlog's log entry (AUDITLOG_LOGENTRY_MODEL) with the page it belongs to.

`record_type`/`record_id` name the record whose page shows the entry: the record
itself, or its parent for a contact, a share or an order line. `via` says through
which door the change came. Entries are never changed: the actor and the content
type are protected, so deleting a user or a model type cannot rewrite history.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models


class AuditVia(models.TextChoices):
    PORTAL = "portal", "portal"
    API = "api", "API"
    ADMIN = "admin", "Django admin"
    IMPORT = "import", "CSV import"
    SYSTEM = "system", "system"


class AuditEntryManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        """Called by django-auditlog's signal receivers: adds the actor and the record page to the entry."""
        from .actor import current_actor
        from .labels import labels_at_write
        from .registry import record_of

        actor = current_actor()
        user = actor.user()
        kwargs.setdefault("actor", user)
        kwargs.setdefault("actor_email", getattr(user, "email", None) or None)
        kwargs.setdefault("via", actor.via)
        kwargs.setdefault("cid", actor.correlation_id)
        kwargs["record_type"], kwargs["record_id"] = record_of(instance)
        labels = labels_at_write(instance, kwargs.get("changes"))
        if labels:
            kwargs["additional_data"] = {"labels": labels}
        return super().log_create(instance, force_log=force_log, **kwargs)


class AuditEntry(AbstractLogEntry):
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name="record kind"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="actor",
        help_text="Empty: the system (a scheduled task or a command).",
    )
    via = models.CharField(max_length=16, choices=AuditVia.choices, default=AuditVia.SYSTEM)
    record_type = models.CharField(max_length=40, help_text="The kind of record whose page shows this entry.")
    record_id = models.BigIntegerField()

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        indexes = [models.Index(fields=["record_type", "record_id", "-id"], name="audit_entry_record_page")]

    @property
    def actor_label(self) -> str:
        if self.actor is not None:
            return self.actor.display_name
        return "system" if self.via == AuditVia.SYSTEM else "anonymous"
