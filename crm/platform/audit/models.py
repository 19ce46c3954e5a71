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
        for name, value in _context_of(instance, kwargs.get("changes")).items():
            kwargs.setdefault(name, value)
        return super().log_create(instance, force_log=force_log, **kwargs)

    def record_created(self, instances) -> list["AuditEntry"]:
        """Write the create entries of records saved with bulk_create (which sends no signal), in one query.

        Each entry is the one django-auditlog would have written for a single save.
        """
        from auditlog.diff import model_instance_diff

        return self._write(AbstractLogEntry.Action.CREATE, [(i, model_instance_diff(None, i)) for i in instances])

    def record_updated(self, changed, *, known=None) -> list["AuditEntry"]:
        """Write the update entries of records changed with QuerySet.update() (which sends no signal).

        `changed` holds (record as it is now, {field: [old, new]}); `known` holds records the
        changes reference, {model: {pk: record}}, so that naming them costs no query per row.
        """
        return self._write(AbstractLogEntry.Action.UPDATE, [(i, c) for i, c in changed if c], known=known)

    def _write(self, action, changed, *, known=None) -> list["AuditEntry"]:
        from django.contrib.contenttypes.models import ContentType
        from django.utils.encoding import smart_str

        entries = [
            self.model(
                content_type=ContentType.objects.get_for_model(instance),
                object_pk=smart_str(instance.pk),
                object_id=instance.pk,
                object_repr=smart_str(instance),
                action=action,
                changes=changes,
                **_context_of(instance, changes, known=known),
            )
            for instance, changes in changed
        ]
        return self.bulk_create(entries)


def _context_of(instance, changes, *, known=None) -> dict:
    """The acting user, the door, and the page an entry of `instance` shows on."""
    from crm.platform.audit.actor import current_actor
    from crm.platform.audit.labels import labels_at_write
    from crm.platform.audit.registry import record_of

    actor = current_actor()
    user = actor.user()
    record_type, record_id = record_of(instance)
    context = {
        "actor": user,
        "actor_email": getattr(user, "email", None) or None,
        "via": actor.via,
        "cid": actor.correlation_id,
        "record_type": record_type,
        "record_id": record_id,
    }
    labels = labels_at_write(instance, changes, known=known)
    if labels:
        context["additional_data"] = {"labels": labels}
    return context


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
