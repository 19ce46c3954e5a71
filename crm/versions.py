"""Optimistic concurrency for VersionedRecord: every change names the version it was based on."""

from .errors import StaleVersion


def lock_for_change(model, record, expected_version: int | None):
    """Lock the row for the rest of the transaction and check the version the change was based on.

    Call inside transaction.atomic; returns the current row, to be changed and saved
    with save_new_version(). Raises StaleVersion when `expected_version` is not current.
    """
    current = model.objects.select_for_update().get(pk=record.pk)
    if expected_version is not None and expected_version != current.version:
        raise StaleVersion(current_version=current.version)
    return current


def save_new_version(record, *, exclude_from_validation=None) -> None:
    record.full_clean(exclude=exclude_from_validation)
    record.version += 1
    record.save()


def other_changer_name(record, *, reader) -> str | None:
    """Whom a stale change may name as the one who changed `record` first: someone other than `reader`.

    None when nobody is recorded, or when the last change was the reader's own (an earlier request
    of theirs, another tab): a conflict never tells its reader that they themselves got in the way.
    """
    changer = record.updated_by
    if changer is None or changer.pk == reader.pk:
        return None
    return changer.display_name
