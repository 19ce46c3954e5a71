"""Keyset pages and capped counts: how every list (portal and API) pages through any number of rows.

A page is one range query on the list's ordering, never an OFFSET: the cursor holds the
sort values of the row it starts after (or before), and the ordering always ends with
the primary key, so rows never repeat or go missing at page boundaries however many
share a value. Empty (NULL) values sort last in either direction.

Counts stop at COUNT_CAP + 1 rows (a LIMITed subquery), so a list of a million rows
costs what a list of a thousand does; the page says "1,000+".

Cursors are opaque to clients but not secret: they only position a page within the
rows the user may already view (the list's queryset starts from the access policy).
"""

import base64
import binascii
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import reduce
from operator import and_, or_
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone

PAGE_SIZE = 25
COUNT_CAP = 1_000
AFTER, BEFORE = "after", "before"
CURSOR_PARAMS = (AFTER, BEFORE, "page", "cursor")


class BadCursor(ValueError):
    """A cursor that was not made for this list and ordering."""


@dataclass(frozen=True)
class SortKey:
    name: str  # a concrete field of the model ("pk" is spelled by its field name)
    descending: bool
    nullable: bool = False
    nulls_last: bool = True  # only meaningful when nullable

    def reversed(self) -> "SortKey":
        return SortKey(self.name, not self.descending, self.nullable, not self.nulls_last)

    def order_expression(self):
        # NULLS FIRST/LAST only on nullable columns: on the others it would stop a plain index from serving DESC.
        nulls = ({"nulls_last": True} if self.nulls_last else {"nulls_first": True}) if self.nullable else {}
        return F(self.name).desc(**nulls) if self.descending else F(self.name).asc(**nulls)


def sort_keys(model: type[Model], ordering: Sequence[str]) -> tuple[SortKey, ...]:
    """The ordering as sort keys, ending with the primary key (in the direction of the last key) as tiebreaker."""
    pk_name = model._meta.pk.name
    keys = []
    for name in ordering:
        field_name = name.lstrip("-")
        field_name = pk_name if field_name == "pk" else field_name
        nullable = model._meta.get_field(field_name).null
        keys.append(SortKey(field_name, name.startswith("-"), nullable))
        if field_name == pk_name:
            break  # the primary key is unique: later keys never decide anything
    if not keys or keys[-1].name != pk_name:
        keys.append(SortKey(pk_name, keys[-1].descending if keys else False))
    return tuple(keys)


def ordered(queryset: QuerySet, keys: Sequence[SortKey]) -> QuerySet:
    return queryset.order_by(*(key.order_expression() for key in keys))


# Cursors


def _encode_value(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()  # full precision: a keyset compares exact values
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(keys: Sequence[SortKey], row: Model) -> str:
    payload = {"o": [_key_label(key) for key in keys], "v": [_encode_value(getattr(row, key.name)) for key in keys]}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(model: type[Model], keys: Sequence[SortKey], cursor: str) -> list:
    """The sort values a cursor holds, typed like the model's fields; BadCursor if it does not fit `keys`.

    A cursor comes from the client, so anything may arrive: garbled base64, JSON nested thousands
    deep, NaN, 1e999999, numbers or text a column cannot hold, NUL characters (PostgreSQL refuses
    them in text), dates that a time zone pushes past year 9999. Each is BadCursor, never a database error.
    """
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor("Not a cursor.")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw, parse_constant=_refuse_constant)  # 1e999999 reads as inf: refused below
        labels, values = payload["o"], payload["v"]
    except (binascii.Error, ValueError, TypeError, KeyError, RecursionError) as error:
        raise BadCursor("Not a cursor.") from error
    if labels != [_key_label(key) for key in keys] or not isinstance(values, list) or len(values) != len(keys):
        raise BadCursor("The cursor belongs to another ordering.")
    try:
        return [_typed(model, key, value) for key, value in zip(keys, values, strict=True)]
    except (FieldDoesNotExist, ValidationError, TypeError, ValueError, ArithmeticError, OverflowError) as error:
        raise BadCursor("The cursor holds values of the wrong kind.") from error


MAX_CURSOR_LENGTH = 8_192  # a real cursor holds a few sort values: a name of 200 characters at most


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a sort value.")


def _key_label(key: SortKey) -> str:
    return f"-{key.name}" if key.descending else key.name


def _typed(model, key: SortKey, value):
    """The value as the field holds it, refused unless the database can compare the column with it."""
    field = model._meta.get_field(key.name)
    if value is None:
        if not field.null:
            raise TypeError("An empty value for a field that is never empty.")
        return None
    if isinstance(value, dict | list | bool):
        raise TypeError("Not a sort value.")
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("NUL is never in a sort value.")
    typed = field.to_python(value)
    if typed is None:
        raise TypeError("Not a sort value.")
    if (isinstance(typed, Decimal) and not typed.is_finite()) or (
        isinstance(typed, float) and not math.isfinite(typed)
    ):
        raise ValueError("Not a finite number.")
    if isinstance(typed, datetime):
        if timezone.is_naive(typed):
            raise ValueError("A cursor's times carry their offset.")
        # OverflowError past year 9999 or before year 1; the same instant in UTC, since Python takes
        # offsets up to 23:59 and PostgreSQL only up to 15:59.
        typed = typed.astimezone(UTC)
    field.run_validators(typed)  # a column's range: bigints, max_length, decimal digits
    return typed


# The range condition


def rows_beyond(model: type[Model], keys: Sequence[SortKey], values: Sequence) -> Q:
    """The rows that come after the row with sort `values` in the order of `keys`.

    Lexicographic: (k1 beyond v1) or (k1 = v1 and k2 beyond v2) or ... A first key that
    is never empty also gets its own bound (k1 >= v1), which lets an index on it start the range.
    """
    branches = []
    equal_so_far = []
    for key, value in zip(keys, values, strict=True):
        beyond = _beyond(model, key, value)
        if beyond is not None:
            branches.append(reduce(and_, [*equal_so_far, beyond]))
        equal_so_far.append(Q(**{f"{key.name}__isnull": True}) if value is None else Q(**{key.name: value}))
    if not branches:
        return Q(pk__in=[])
    condition = reduce(or_, branches)
    first_key, first_value = keys[0], values[0]
    if first_value is not None and not first_key.nullable:
        condition &= Q(**{f"{first_key.name}__{'lte' if first_key.descending else 'gte'}": first_value})
    return condition


def _beyond(model, key: SortKey, value) -> Q | None:
    if value is None:
        # Past an empty value come only the remaining empty ones (handled by the next key), or,
        # when empty values come first, every filled one.
        return None if key.nulls_last else Q(**{f"{key.name}__isnull": False})
    beyond = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
    if key.nullable and key.nulls_last:
        beyond |= Q(**{f"{key.name}__isnull": True})
    return beyond


# Pages


@dataclass(frozen=True)
class KeysetPage:
    """One page of a list, with the cursors of its neighbours (None: there is no such page)."""

    rows: list
    next_cursor: str | None
    previous_cursor: str | None
    # The portal's query strings of the neighbours (the list's filters with the cursor).
    next_query: str = ""
    previous_query: str = ""

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def object_list(self) -> list:
        return self.rows

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def keyset_page(
    queryset: QuerySet,
    *,
    ordering: Sequence[str],
    after: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> KeysetPage:
    """The page after the cursor `after`, or before `before`, or the first page; one query.

    A cursor that does not fit raises BadCursor (the portal shows the first page instead,
    the API answers 400 naming the cursor).
    """
    model = queryset.model
    keys = sort_keys(model, ordering)
    if before:
        values = decode_cursor(model, keys, before)
        backwards = [key.reversed() for key in keys]
        fetched = list(ordered(queryset.filter(rows_beyond(model, backwards, values)), backwards)[: page_size + 1])
        rows = fetched[:page_size][::-1]
        has_previous, has_next = len(fetched) > page_size, True
    else:
        if after:
            queryset = queryset.filter(rows_beyond(model, keys, decode_cursor(model, keys, after)))
        fetched = list(ordered(queryset, keys)[: page_size + 1])
        rows = fetched[:page_size]
        has_previous, has_next = bool(after), len(fetched) > page_size
    return KeysetPage(
        rows=rows,
        next_cursor=encode_cursor(keys, rows[-1]) if has_next and rows else None,
        previous_cursor=encode_cursor(keys, rows[0]) if has_previous and rows else None,
    )


def portal_page(queryset: QuerySet, params: Mapping, *, ordering: Sequence[str], page_size: int = PAGE_SIZE):
    """The page a portal list asks for with ?after= or ?before=; a stale or foreign cursor shows the first page."""
    try:
        page = keyset_page(
            queryset, ordering=ordering, after=params.get(AFTER), before=params.get(BEFORE), page_size=page_size
        )
    except BadCursor:
        page = keyset_page(queryset, ordering=ordering, page_size=page_size)
    base_query = query_without_cursor(params)
    return replace(
        page,
        next_query=cursor_query(base_query, AFTER, page.next_cursor) if page.next_cursor else "",
        previous_query=cursor_query(base_query, BEFORE, page.previous_cursor) if page.previous_cursor else "",
    )


def query_without_cursor(params) -> str:
    """The list's query string (filters, search and ordering) without its position, for links and exports."""
    query = params.copy()
    for name in CURSOR_PARAMS:
        query.pop(name, None)
    return query.urlencode()


def cursor_query(base_query: str, name: str, cursor: str) -> str:
    """`base_query` with the cursor `name` (after/before) set to `cursor`."""
    position = urlencode({name: cursor})
    return f"{base_query}&{position}" if base_query else position


# Counts


@dataclass(frozen=True)
class CappedCount:
    """How many rows a list holds, counted up to COUNT_CAP; beyond it the figure reads "1,000+"."""

    value: int
    capped: bool
    cap: int = COUNT_CAP

    def __str__(self) -> str:
        return f"{self.cap:,}+" if self.capped else f"{self.value:,}"

    def __int__(self) -> int:
        return self.value

    def __float__(self) -> float:  # the pluralize filter asks
        return float(self.value)

    def __eq__(self, other):
        if isinstance(other, CappedCount):
            return (self.value, self.capped, self.cap) == (other.value, other.capped, other.cap)
        if isinstance(other, int):
            return not self.capped and self.value == other
        return NotImplemented

    def __hash__(self):
        return hash((self.value, self.capped, self.cap))

    @property
    def is_one(self) -> bool:
        return self.value == 1 and not self.capped


def capped_count(queryset: QuerySet, cap: int = COUNT_CAP) -> CappedCount:
    """COUNT(*) over at most cap + 1 of the rows: SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1)."""
    found = queryset.order_by().values("pk")[: cap + 1].count()
    return CappedCount(value=min(found, cap), capped=found > cap, cap=cap)


def capped_counts(querysets: Mapping[str, QuerySet], cap: int = COUNT_CAP) -> dict[str, CappedCount]:
    """Several capped counts in one query: one scalar subquery per queryset, each LIMITed to cap + 1 rows."""
    if not querysets:
        return {}
    parts, params = [], []
    database = None
    for queryset in querysets.values():
        database = database or queryset.db
        if queryset.query.is_empty():
            parts.append("0")
            continue
        sql, sql_params = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped)")  # noqa: S608 (SQL compiled by the ORM, values as params)
        params.extend(sql_params)
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        found = cursor.fetchone()
    return {
        key: CappedCount(value=min(count, cap), capped=count > cap, cap=cap)
        for key, count in zip(querysets, found, strict=True)
    }
