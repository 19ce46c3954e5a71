"""What the audit trail records and where it shows.

- `AuditedModel`: a model whose creates, changes and deletes are recorded, the fields
  recorded, the page its entries show on (`record_type` and `record_id`: a contact's
  entries show on its customer's page), how its references are named, and, when not
  everyone who may view the page may see its entries, who may (`shown_to`).
- `AuditedRecord`: a page that shows a history: its records, as `visible_to(user)`.
- reference kinds ("user", "customer", ...): how a batch of referenced ids is named
  for one user, in one query, without naming a record the user may not view.

Contexts register theirs from AppConfig.ready(); crm registers its own and accounts'.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from auditlog.registry import auditlog
from django.db.models import Model, QuerySet

# Bookkeeping that every change touches; the entry's own time and actor say it better.
BOOKKEEPING_FIELDS = ("id", "version", "created_at", "updated_at", "updated_by")


@dataclass(frozen=True)
class AuditedModel:
    model: type[Model]
    record_type: str
    record_id: Callable[[Model], int]
    include_fields: tuple[str, ...] = ()
    exclude_fields: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)  # field name -> reference kind
    field_labels: dict[str, str] = field(default_factory=dict)  # field name -> how a history names it
    # Whether `user` may see these entries on `record`'s page (None: whoever may view the page).
    shown_to: Callable[[object, Model], bool] | None = None
    # How an entry names its record when shown, from the record's id (None: the name stored with
    # the entry). For records whose stored name once named a related record the reader may not
    # view ("Order 37 for Maple Clinics"): a history names related records only through their
    # reference kinds, at read time.
    named: Callable[[int | None], str] | None = None


@dataclass(frozen=True)
class AuditedRecord:
    record_type: str
    model: type[Model]
    visible_to: Callable[[object], QuerySet]
    url: Callable[[Model], str]


@dataclass(frozen=True)
class ReferenceKind:
    """How a referenced record is named in an entry.

    With `visible_to` None, anyone may know the name (users, teams, products): it is
    written into the entry with the change, as it was then. Otherwise (customers,
    contacts) it is looked up when the entry is shown, among the records the viewer
    may view, so that no entry names a record they may not see.
    """

    kind: str
    model: type[Model]
    label: Callable[[Model], str]
    visible_to: Callable[[object], QuerySet] | None = None
    unnamed: str = "a record you cannot see"  # what a reader who may not view the record reads instead


_models: dict[type[Model], AuditedModel] = {}
_records: dict[str, AuditedRecord] = {}
_references: dict[str, ReferenceKind] = {}


def register_audited_model(spec: AuditedModel) -> None:
    auditlog.unregister(spec.model)
    auditlog.register(spec.model, include_fields=list(recorded_fields(spec)))
    _models[spec.model] = spec


def recorded_fields(spec: AuditedModel) -> tuple[str, ...]:
    """The fields whose values an entry records: the model's own columns (never reverse relations)."""
    if spec.include_fields:
        return spec.include_fields
    skipped = set(BOOKKEEPING_FIELDS) | set(spec.exclude_fields)
    return tuple(f.name for f in spec.model._meta.concrete_fields if f.name not in skipped)


def register_audited_record(spec: AuditedRecord) -> None:
    _records[spec.record_type] = spec


def register_reference(reference: ReferenceKind) -> None:
    _references[reference.kind] = reference


def audited_model(model: type[Model]) -> AuditedModel | None:
    return _models.get(model)


def audited_models() -> Iterable[AuditedModel]:
    return _models.values()


def audited_record(record_type: str) -> AuditedRecord | None:
    return _records.get(record_type)


def reference_kind(kind: str) -> ReferenceKind | None:
    return _references.get(kind)


def record_of(instance: Model) -> tuple[str, int]:
    """The page that shows `instance`'s entries: (record type, record id)."""
    spec = _models.get(type(instance))
    if spec is None:
        return type(instance)._meta.model_name, instance.pk
    return spec.record_type, spec.record_id(instance)


def record_type_of(model: type[Model]) -> str:
    spec = _models.get(model)
    return spec.record_type if spec else model._meta.model_name
