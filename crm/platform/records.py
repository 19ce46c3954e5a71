"""Optimistic concurrency for VersionedRecord: every change names the version it was based on."""

from crm.platform.control_characters import has_control_characters, text_values
from crm.platform.errors import StaleVersion


def lock_for_change(model, record, expected_version: int | None):
    """Lock the row for the rest of the transaction and check the version the change was based on.

    Call inside transaction.atomic; returns the current row, to be changed and saved
    with save_new_version(). Raises StaleVersion when `expected_version` is not current.
    """
    current = model.objects.select_for_update().get(pk=record.pk)
    current._text_as_locked = text_values(current)
    if expected_version is not None and expected_version != current.version:
        raise StaleVersion(current_version=current.version)
    return current


def save_new_version(record, *, exclude_from_validation=None) -> None:
    """Validate and save the change. Text holding a control character that the change left as it was is not
    checked again: a row written before that check existed still takes a change of its status or owner."""
    unchanged = unchanged_text_fields(record)
    record.full_clean(exclude=[*(exclude_from_validation or []), *unchanged] or None)
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


def unchanged_text_fields(record) -> list[str]:
    """Text fields the change left as they were and that hold a control character (rows older than the check)."""
    as_locked = getattr(record, "_text_as_locked", None)
    if as_locked is None:
        return []
    return [
        name
        for name, value in text_values(record).items()
        if as_locked.get(name) == value and isinstance(value, str) and has_control_characters(value)
    ]
