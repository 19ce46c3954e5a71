"""Changing many records at once, with an audit entry per record.

QuerySet.update() sends no signal, so django-auditlog cannot see it; a bulk change
(a manager's reassignment of a member's work) goes through here instead: the rows
are locked and read, updated in one query, and each gets the entry a save would
have written, naming the old and the new value.
"""

from django.db.models import Model, QuerySet

from crm.platform.audit.models import AuditEntry


def reassign_and_record(queryset: QuerySet, *, field: str, to: Model, **also) -> int:
    """`queryset.update(**{field: to}, **also)`, recording each row's old and new `field` (a foreign key)."""
    model = queryset.model
    before = dict(queryset.select_for_update(of=("self",)).values_list("pk", f"{field}_id"))
    if not before:
        return 0
    moved = model.objects.filter(pk__in=before).update(**{field: to}, **also)
    old_ids = {pk for pk in before.values() if pk is not None}
    related = to._meta.model
    known = {related: {record.pk: record for record in related._default_manager.filter(pk__in=old_ids | {to.pk})}}
    changed = [
        (record, {field: [str(before[record.pk]), str(to.pk)]} if before[record.pk] != to.pk else {})
        for record in model.objects.filter(pk__in=before).select_related(field)
    ]
    AuditEntry.objects.record_updated(changed, known=known)
    return moved
