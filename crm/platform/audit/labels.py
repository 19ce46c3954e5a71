"""Names of the records an entry references, written with the entry when anyone may know them.

A change of owner records the owners' ids; the entry also keeps their names as they
were then (users, teams, products, permissions), so that showing a history costs no
query per kind of reference. Customers and contacts are not named here: they are
looked up when shown, among the records the viewer may view.
"""

from collections import defaultdict

from django.db.models import Model

from crm.platform.audit.registry import audited_model, reference_kind


def labels_at_write(instance: Model, changes: dict | None, *, known=None) -> dict[str, list[str | None]]:
    spec = audited_model(type(instance))
    if spec is None or not changes:
        return {}
    wanted = {}
    for name, values in changes.items():
        reference = reference_kind(spec.references.get(name, ""))
        if reference is not None and reference.visible_to is None:
            wanted[name] = (reference, [_as_id(value) for value in values])
    if not wanted:
        return {}
    known = _referenced_records(instance, wanted, known or {})
    return {
        name: [reference.label(known[reference.model][pk]) if pk in known[reference.model] else None for pk in ids]
        for name, (reference, ids) in wanted.items()
    }


def _referenced_records(instance, wanted, already_known) -> dict[type[Model], dict[int, Model]]:
    known: dict[type[Model], dict[int, Model]] = defaultdict(dict)
    for model, records in already_known.items():
        known[model].update(records)
    for name, (reference, _ids) in wanted.items():
        field = instance._meta.get_field(name)
        if field.is_cached(instance) and getattr(instance, name) is not None:
            related = getattr(instance, name)
            known[reference.model][related.pk] = related
    missing: dict[type[Model], set[int]] = defaultdict(set)
    for reference, ids in wanted.values():
        missing[reference.model].update(pk for pk in ids if pk is not None and pk not in known[reference.model])
    for model, ids in missing.items():
        if ids:
            known[model].update({record.pk: record for record in model._default_manager.filter(pk__in=ids)})
    return known


def _as_id(value) -> int | None:
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None
