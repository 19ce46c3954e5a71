"""Reading an import file and checking its rows as the API checks a POST.

Each row goes through the API's own serializer (crm/customers/api.py: field types,
lengths, e-mail format, unknown and read-only fields, who may set the owner) and then
the service's checks and model validation (crm/customers/services.py: `new_customer`,
`new_contact`). What the API reads from the database per request (the owners a user
may name, the customers they may view and change) is read once per batch here.
"""

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from rest_framework import exceptions as api_exceptions
from rest_framework import serializers

from accounts.models import User
from crm.customers import access, services
from crm.customers.api import ContactSerializer, CustomerSerializer
from crm.customers.models import Contact, Customer
from crm.imports.models import ImportKind
from crm.platform.api.filtering import as_record_id
from crm.platform.exports import undefuse

MAX_ROWS = 100_000
# Columns an export writes that an import does not set: read and ignored, so an export can be imported.
IGNORED_COLUMNS = frozenset({"id", "created_at", "updated_at", "version", "owner_name", "customer_name"})
COLUMNS = {
    ImportKind.CUSTOMERS: ("name", "email", "phone", "industry", "owner"),
    ImportKind.CONTACTS: ("customer", "first_name", "last_name", "email", "phone"),
}
REQUIRED_COLUMNS = {ImportKind.CUSTOMERS: ("name",), ImportKind.CONTACTS: ("customer", "first_name")}


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (not CSV, wrong columns, too large)."""


@dataclass(frozen=True)
class Row:
    line: int  # the header is line 1
    values: dict[str, str]


def iter_rows(kind: str, source: str) -> Iterator[Row]:
    """The file's rows (blank ones left out), one at a time, after its header is checked; any line ending."""
    reader = csv.DictReader(_lines(source))
    with _readable():
        header = [name.strip().lower() for name in reader.fieldnames or []]
    _check_header(kind, header)
    reader.fieldnames = header
    with _readable():
        for number, record in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                raise ImportFileError(f"A file may hold at most {MAX_ROWS:,} rows.")
            values = {name: _cell(record.get(name)) for name in COLUMNS[kind] if name in header}
            if any(values.values()):
                yield Row(number, values)


# A line and its ending: LF, CRLF or CR alone (old Mac files), as io.StringIO(newline="") splits them.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(source: str) -> Iterator[str]:
    """The file's lines, one at a time (io.StringIO would hold a copy of the file four bytes a character)."""
    for match in _LINE.finditer(source):
        yield match.group()


@contextmanager
def _readable():
    """csv's errors as a file error that says what is wrong (never a 500)."""
    try:
        yield
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ImportFileError(
                f"A cell (or a header) is longer than {csv.field_size_limit():,} characters: "
                "is a quote left open? Check the file and upload it again."
            ) from error
        raise ImportFileError(f"This is not a readable CSV file ({error}).") from error


def _check_header(kind: str, header: list[str]) -> None:
    if not any(header):
        raise ImportFileError("The file is empty: its first line names the columns.")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise ImportFileError(f"Columns named twice: {', '.join(duplicates)}.")
    unknown = [name for name in header if name not in COLUMNS[kind] and name not in IGNORED_COLUMNS]
    if unknown:
        raise ImportFileError(
            f"Unknown columns: {', '.join(unknown)}. A {kind} file has the columns {', '.join(COLUMNS[kind])}."
        )
    missing = [name for name in REQUIRED_COLUMNS[kind] if name not in header]
    if missing:
        raise ImportFileError(f"Missing columns: {', '.join(missing)}.")


def _cell(value) -> str:
    """The cell's text, trimmed; what an export defused against formula injection ('=1+1) is read back as it was."""
    text = (value or "").strip() if isinstance(value, str) else ""
    return undefuse(text).strip()


@dataclass
class CheckedRows:
    new_records: list[tuple[Row, Customer | Contact]] = field(default_factory=list)
    duplicates: list[Row] = field(default_factory=list)
    errors: list[tuple[Row, dict[str, list[str]]]] = field(default_factory=list)


class PreloadedChoiceField(serializers.RelatedField):
    """The API's reference field, answered from records read once for the batch (same messages)."""

    default_error_messages = {
        "does_not_exist": serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"],
        "incorrect_type": serializers.PrimaryKeyRelatedField.default_error_messages["incorrect_type"],
    }

    def __init__(self, *, context_key: str, missing_message: str | None = None, **kwargs):
        self.context_key = context_key
        super().__init__(read_only=False, queryset=None, **kwargs)
        if missing_message:
            self.error_messages["does_not_exist"] = missing_message

    def get_queryset(self):
        return None

    def to_internal_value(self, data):
        if not isinstance(data, str | int) or isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        record = self.context[self.context_key].get(str(data))
        if record is None:
            self.fail("does_not_exist", pk_value=data)
        return record

    def to_representation(self, value):
        return str(value)


class ImportCustomerSerializer(CustomerSerializer):
    """The API's customer serializer; the owner is named by username, among those the user may name."""

    owner = PreloadedChoiceField(
        context_key="owners",
        required=False,
        missing_message='No user you may name as the owner has the username "{pk_value}".',
    )

    def current_value(self, name):
        if name == "owner" and self.instance is None:
            return self.context["request"].user.username
        return super().current_value(name)


class CustomerReferenceField(PreloadedChoiceField):
    """A contact's customer: its id (as the API takes it), or its name or e-mail (any case).

    Only customers the uploader may view are matched; among several, those they may change
    count first; if more than one remains, the row is refused (which one was meant?).
    """

    default_error_messages = {
        **PreloadedChoiceField.default_error_messages,
        "no_match": 'No customer you may change has the name or e-mail "{value}".',
        "ambiguous": (
            '{count} customers you may change have the name or e-mail "{value}": '
            "name the customer by its id (the customer export's id column)."
        ),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or as_record_id(data) is not None:
            return super().to_internal_value(data)
        matches = self.context["customers_by_key"].get(data.strip().lower(), [])
        changeable = [c for c in matches if c.pk in self.context["changeable_customer_ids"]]
        candidates = changeable or matches  # one the user may only view: the service says so
        if len(candidates) > 1:
            self.fail("ambiguous", count=len(candidates), value=data)
        if not candidates:
            self.fail("no_match", value=data)
        return candidates[0]


class ImportContactSerializer(ContactSerializer):
    customer = CustomerReferenceField(context_key="customers")


def check_rows(*, acting_user: User, kind: str, rows: list[Row], seen: set | None = None) -> CheckedRows:
    """Sort `rows` into new records (validated, not saved), duplicates of what the user can see, and errors.

    `seen` (the dry run's, across its batches) holds the e-mails of rows before these.
    """
    check = _check_customer_row if kind == ImportKind.CUSTOMERS else _check_contact_row
    preloaded = _preload(acting_user, kind, rows)
    serializer_class = ImportCustomerSerializer if kind == ImportKind.CUSTOMERS else ImportContactSerializer
    serializer = serializer_class(context={"request": SimpleNamespace(user=acting_user), **preloaded})
    checked = CheckedRows()
    seen = set() if seen is None else seen
    seen.update(preloaded["existing"])
    for row in rows:
        try:
            data = serializer.run_validation({name: value for name, value in row.values.items() if value != ""})
            record = check(acting_user, data, preloaded)
        except serializers.ValidationError as error:
            checked.errors.append((row, _messages(error.detail)))
            continue
        except api_exceptions.PermissionDenied as error:  # a field the user's role may not set: name it
            named = [name for name in row.values if f"'{name}'" in str(error.detail)]
            checked.errors.append((row, {(named[0] if named else "row"): [str(error.detail)]}))
            continue
        except ValidationError as error:
            checked.errors.append((row, _django_messages(error)))
            continue
        except PermissionDenied as error:
            checked.errors.append((row, {"row": [str(error)]}))
            continue
        key = _dedupe_key(kind, record)
        if key is not None and key in seen:
            checked.duplicates.append(row)
            continue
        if key is not None:
            seen.add(key)
        checked.new_records.append((row, record))
    return checked


def _check_customer_row(acting_user, data, preloaded) -> Customer:
    data.pop("expected_version", None)
    return services.new_customer(acting_user=acting_user, assignable_owner_ids=preloaded["owner_ids"], **data)


def _check_contact_row(acting_user, data, preloaded) -> Contact:
    data.pop("expected_version", None)
    return services.new_contact(
        acting_user=acting_user, changeable_customer_ids=preloaded["changeable_customer_ids"], **data
    )


def _preload(acting_user: User, kind: str, rows: list[Row]) -> dict:
    emails = {row.values.get("email", "").lower() for row in rows} - {""}
    if kind == ImportKind.CUSTOMERS:
        owners = list(access.owners_assignable_by(acting_user))
        existing = (
            access.customers_visible_to(acting_user)
            .annotate(email_key=Lower("email"))
            .filter(email_key__in=emails)
            .values_list("email_key", flat=True)
        )
        return {
            "owners": {owner.username: owner for owner in owners},
            "owner_ids": {owner.pk for owner in owners},
            "existing": set(existing),
        }
    references = {row.values.get("customer", "") for row in rows} - {""}
    ids = {record_id for value in references if (record_id := as_record_id(value)) is not None}
    texts = {value for value in references if as_record_id(value) is None}
    keys = {value.lower() for value in texts}
    visible = access.customers_visible_to(acting_user)
    customers = {str(c.pk): c for c in visible.filter(pk__in=ids)}
    named = []
    if texts:  # the exact text, and any case (Lower is ASCII-only on SQLite: the exact text still matches)
        lowered = visible.annotate(name_key=Lower("name"), email_key=Lower("email"))
        named = list(
            lowered.filter(Q(name__in=texts) | Q(email__in=texts) | Q(name_key__in=keys) | Q(email_key__in=keys))
        )
    by_key: dict[str, list[Customer]] = {}
    for customer in named:
        for key in {customer.name.lower(), (customer.email or "").lower()} & keys:
            by_key.setdefault(key, []).append(customer)
    concerned = ids | {customer.pk for customer in named}
    changeable = set(access.customers_for(acting_user, "change").filter(pk__in=concerned).values_list("pk", flat=True))
    existing = (
        access.contacts_visible_to(acting_user)
        .filter(customer_id__in=changeable)
        .annotate(email_key=Lower("email"))
        .filter(email_key__in=emails)
        .values_list("customer_id", "email_key")
    )
    return {
        "customers": customers,
        "customers_by_key": by_key,
        "changeable_customer_ids": changeable,
        "existing": set(existing),
    }


def _dedupe_key(kind: str, record):
    if not record.email:
        return None
    return record.email.lower() if kind == ImportKind.CUSTOMERS else (record.customer_id, record.email.lower())


def _messages(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {name: [str(message) for message in _as_list(messages)] for name, messages in detail.items()}
    return {"row": [str(message) for message in _as_list(detail)]}


def _django_messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"row": error.messages}


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]
