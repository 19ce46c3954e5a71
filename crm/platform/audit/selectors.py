"""A record's history as one user may see it, in a fixed number of queries.

One query reads the entries (with their actor and kind); then each kind of reference
found in them ("user", "customer", ...) is named in one query, through the
registered namer, which names only what the user may view. The number of queries
depends on the kinds of reference, never on the number of entries.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, DateTimeField, Model, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from crm.platform.audit.models import AuditEntry
from crm.platform.audit.registry import AuditedModel, audited_model, audited_models, record_type_of, reference_kind
from crm.platform.dates import day_text, moment_text

PANEL_ENTRIES = 10
PAGE_ENTRIES = 50
LONG_TEXT = 300
NOTHING = "—"
UNNAMED = "a record you cannot see"
ACTIONS = {
    AuditEntry.Action.CREATE: "created",
    AuditEntry.Action.UPDATE: "changed",
    AuditEntry.Action.DELETE: "deleted",
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    entry_id: int
    timestamp: datetime
    actor: str
    actor_id: int | None
    via: str
    action: str
    kind: str  # "customer", "contact", ...
    record: str  # the changed record, as it was named then or (AuditedModel.named) by its id
    record_id: int | None
    changes: list[FieldChange]


def entries_on(*, user, record: Model) -> QuerySet[AuditEntry]:
    """The entries shown on `record`'s page to `user` (who may view the record), newest first."""
    entries = AuditEntry.objects.filter(record_type=record_type_of(type(record)), record_id=record.pk)
    for hidden in _models_hidden_from(user, record):
        opts = hidden.model._meta
        entries = entries.exclude(content_type__app_label=opts.app_label, content_type__model=opts.model_name)
    return entries.select_related("actor", "content_type").order_by("-id")


def _models_hidden_from(user, record: Model) -> list[AuditedModel]:
    record_type = record_type_of(type(record))
    return [
        spec
        for spec in audited_models()
        if spec.record_type == record_type and spec.shown_to is not None and not spec.shown_to(user, record)
    ]


def record_history(*, user, record: Model, limit: int = PANEL_ENTRIES, before: int | None = None) -> list[HistoryRow]:
    """Up to `limit` entries of `record`'s page, older than entry `before` when given."""
    entries = entries_on(user=user, record=record)
    if before is not None:
        entries = entries.filter(id__lt=before)
    return history_rows(user=user, entries=list(entries[:limit]), page_record=record)


def history_rows(*, user, entries: list[AuditEntry], page_record: Model | None = None) -> list[HistoryRow]:
    models = {entry.pk: entry.content_type.model_class() for entry in entries}
    looked_up = _names_looked_up(user, entries, models, page_record)
    return [_row(entry, models[entry.pk], looked_up) for entry in entries]


def _names_looked_up(user, entries, models, page_record) -> dict[str, dict[int, str]]:
    """Names of the customers and contacts the entries reference, among those `user` may view: a query per kind."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        spec = audited_model(models[entry.pk])
        for name, values in (entry.changes or {}).items() if spec else ():
            reference = reference_kind(spec.references.get(name, ""))
            if reference is not None and reference.visible_to is not None:
                wanted[reference.kind].update(int(value) for value in values if _is_id(value))
    named: dict[str, dict[int, str]] = {}
    for kind, ids in wanted.items():
        reference = reference_kind(kind)
        named[kind] = {}
        if page_record is not None and isinstance(page_record, reference.model) and page_record.pk in ids:
            named[kind][page_record.pk] = reference.label(page_record)  # the page's own record: no query
            ids = ids - {page_record.pk}
        if ids:
            named[kind].update(
                {record.pk: reference.label(record) for record in reference.visible_to(user).filter(pk__in=ids)}
            )
    return named


def _is_id(value) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit())


def _row(entry: AuditEntry, model: type[Model] | None, looked_up) -> HistoryRow:
    spec = audited_model(model) if model else None
    written = (entry.additional_data or {}).get("labels", {})
    changes = []
    for name, values in sorted((entry.changes or {}).items(), key=lambda item: _field_order(model, item[0])):
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue
        names = written.get(name) or [None, None]
        old, new = (_shown(model, spec, name, value, names[i], looked_up) for i, value in enumerate(values))
        if old == new:
            continue  # e.g. a blank field on a new record
        label = spec.field_labels.get(name) if spec else None
        changes.append(FieldChange(name=name, label=label or _field_label(model, name), old=old, new=new))
    return HistoryRow(
        entry_id=entry.pk,
        timestamp=entry.timestamp,
        actor=entry.actor_label,
        actor_id=entry.actor_id,
        via=entry.get_via_display(),
        action=ACTIONS.get(entry.action, "recorded"),
        kind=str(model._meta.verbose_name) if model else entry.content_type.model,
        record=spec.named(entry.object_id) if spec is not None and spec.named is not None else entry.object_repr,
        record_id=entry.object_id,
        changes=changes,
    )


def _field(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _field_order(model, name) -> int:
    names = [f.name for f in model._meta.concrete_fields] if model else []
    return names.index(name) if name in names else len(names)


def _field_label(model, name) -> str:
    model_field = _field(model, name)
    return str(model_field.verbose_name) if model_field is not None else name.replace("_", " ")


def _shown(model, spec, name, value, written_label, looked_up) -> str:
    if value is None or value == "None" or value == "":
        return NOTHING
    reference = reference_kind(spec.references.get(name, "")) if spec else None
    if reference is not None:
        if reference.visible_to is None:
            return written_label or f"#{value}"
        unnamed = reference.unnamed or UNNAMED
        return looked_up.get(reference.kind, {}).get(int(value), unnamed) if _is_id(value) else unnamed
    model_field = _field(model, name)
    choices = dict(model_field.choices) if model_field is not None and model_field.choices else None
    if choices and value in choices:
        return str(choices[value])
    if isinstance(model_field, DateTimeField | DateField):
        return _date_shown(model_field, value)
    if value in ("True", "False"):
        return "yes" if value == "True" else "no"
    text = str(value)
    return text if len(text) <= LONG_TEXT else f"{text[:LONG_TEXT]}…"


def _date_shown(model_field, value) -> str:
    """A stored date or time (ISO, times in UTC) as the portal writes it: the viewer's format and time zone."""
    text = str(value)
    try:
        parsed = parse_datetime(text) if isinstance(model_field, DateTimeField) else parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        return text
    if isinstance(model_field, DateTimeField):
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, UTC)
        return moment_text(parsed)
    return day_text(parsed)
