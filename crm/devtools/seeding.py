"""Bulk data for benchmarks: `manage.py seed_bulk` runs every context's bulk seeders in order.

Each installed app may have a `devtools/bulk_seed.py` module with a `BULK_SEEDERS` list; the
command finds them with `autodiscover_modules`, so crm imports neither sales nor
support (and accounts, the lowest layer, need not import crm to take part). A seeder
streams its rows through `BulkRun.copy`: PostgreSQL COPY (psycopg 3) where it can, batched
INSERTs on SQLite (small scales only). Ids are assigned by the seeders, and the
sequences are set past them at the end. Seeders hand what later ones need (ids,
owners, weights) through `BulkRun.facts`, in compact arrays rather than rows.

Rows are written as the services would leave them, but directly: no signals run, so
seeded data has no audit trail.
"""

import random
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any, Protocol

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models
from django.utils.module_loading import autodiscover_modules

# Every seeded timestamp lies in the two years before this instant, so a seed gives the same rows on any day.
BASE_TIME = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY = timedelta(days=730)
PROGRESS_EVERY = 20_000
SQLITE_BATCH = 2_000


class BulkSeeder(Protocol):
    name: str
    order: int  # seeders run by ascending order: accounts, crm, then sales and support
    model_labels: Sequence[str]  # the tables it fills ("app_label.Model"), parents first

    def seed(self, run: "BulkRun") -> None: ...


def bulk_seeders() -> list[BulkSeeder]:
    autodiscover_modules("devtools.bulk_seed")
    seeders: list[BulkSeeder] = []
    for app_config in apps.get_app_configs():
        module = sys.modules.get(f"{app_config.name}.devtools.bulk_seed")
        if module is not None:
            seeders.extend(getattr(module, "BULK_SEEDERS", ()))
    return sorted(seeders, key=lambda seeder: seeder.order)


def seeded_models(seeders: Sequence[BulkSeeder]) -> list[type[models.Model]]:
    return [apps.get_model(label) for seeder in seeders for label in seeder.model_labels]


@dataclass
class TableReport:
    label: str
    rows: int
    seconds: float


@dataclass
class BulkRun:
    """One run of the bulk seeders: the scale, the seed, the shared facts and the table writer."""

    scale: float
    seed: int
    password_hash: str
    progress: bool = True
    base_time: datetime = BASE_TIME
    history: timedelta = HISTORY
    facts: dict[str, Any] = field(default_factory=dict)
    reports: list[TableReport] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(report.rows for report in self.reports)

    def rng(self, name: str) -> random.Random:
        """A random stream of its own per purpose, so that changing one table leaves the others' rows as they were."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 - test data, not secrets

    def count(self, full_scale_count: int, minimum: int = 1) -> int:
        return max(minimum, round(full_scale_count * self.scale))

    def first_id(self, model: type[models.Model]) -> int:
        """The first free id of the table (1 on an empty one): the seeders number their rows from it."""
        last = model.objects.aggregate(last=models.Max("pk"))["last"]
        return (last or 0) + 1

    def copy(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple], *, total: int) -> int:
        """Write the rows (tuples in the order of `columns`, attnames) into the model's table; returns their count.

        A generator of rows may query the database before its first row (e.g. `first_id`), not after:
        the connection is busy with the COPY from then on.
        """
        started = time.monotonic()
        rows = iter(rows)
        first_row = next(rows, None)
        rows = chain([first_row], rows) if first_row is not None else iter(())
        with self._progress_bar(model, total) as advance:
            if connection.vendor == "postgresql":
                written = _copy_postgresql(model, columns, rows, advance)
            else:
                written = _insert_batches(model, columns, rows, advance)
        self.reports.append(TableReport(model._meta.label, written, time.monotonic() - started))
        return written

    def _progress_bar(self, model, total):
        return _ProgressBar(label=model._meta.db_table, total=total, enabled=self.progress)


class _ProgressBar:
    def __init__(self, *, label: str, total: int, enabled: bool):
        self.label, self.total, self.enabled = label, total, enabled
        self.bar = None

    def __enter__(self) -> Callable[[int], None]:
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, desc=f"{self.label:<34}", unit=" rows", unit_scale=True, leave=True)
        return self.advance

    def advance(self, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(rows)

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.close()


def _copy_postgresql(model, columns, rows, advance) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(_column(model, name)) for name in columns)
    written = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
        write_row = copy.write_row
        for row in rows:
            write_row(row)
            written += 1
            if written % PROGRESS_EVERY == 0:
                advance(PROGRESS_EVERY)
    advance(written % PROGRESS_EVERY)
    return written


def _insert_batches(model, columns, rows, advance) -> int:
    fields = [_field(model, name) for name in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    written, batch = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)])
            if len(batch) == SQLITE_BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                advance(len(batch))
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
            advance(len(batch))
    return written


def _field(model, attname: str) -> models.Field:
    for model_field in model._meta.concrete_fields:
        if model_field.attname == attname:
            return model_field
    raise ValueError(f"{model._meta.label} has no column {attname!r}")


def _column(model, attname: str) -> str:
    return _field(model, attname).column


def reset_sequences(models_seeded: Sequence[type[models.Model]]) -> None:
    """Set each table's id sequence past the ids the seeders gave (new rows from the app continue from there)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_seeded)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@dataclass(frozen=True)
class SecondaryDefinitions:
    constraints: list[tuple[str, str, str]]  # (table, name, definition)
    indexes: list[tuple[str, str, str]]


def drop_secondary_indexes(models_seeded: Sequence[type[models.Model]]) -> SecondaryDefinitions:
    """Drop the secondary indexes, unique and foreign-key constraints of the tables, to load them without.

    Building an index from a full table (one sort) is far faster than keeping it up to date row by row, and one
    validating join per foreign key beats a trigger per row. The definitions are read from the catalogue
    (pg_get_indexdef, pg_get_constraintdef) for `restore_secondary_indexes`, in the same transaction: the schema
    the migrations made is what remains, and a failure rolls the drops back with the rest. Primary keys and
    check constraints stay. Elsewhere than on PostgreSQL, nothing changes.
    """
    if connection.vendor != "postgresql":
        return SecondaryDefinitions([], [])
    tables = [model._meta.db_table for model in models_seeded]
    with connection.cursor() as cursor:
        definitions = _secondary_definitions(cursor, tables)
        for table, name, _ in definitions.constraints:
            cursor.execute(f"ALTER TABLE {_quoted(table)} DROP CONSTRAINT {_quoted(name)}")
        for _, name, _ in definitions.indexes:
            cursor.execute(f"DROP INDEX {_quoted(name)}")
    return definitions


def restore_secondary_indexes(definitions: SecondaryDefinitions) -> None:
    with connection.cursor() as cursor:
        if definitions.indexes or definitions.constraints:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, _, definition in definitions.indexes:
            cursor.execute(definition)
        # Unique constraints before foreign keys, which may need them.
        for table, name, definition in sorted(definitions.constraints, key=lambda row: not row[2].startswith("UNIQUE")):
            cursor.execute(f"ALTER TABLE {_quoted(table)} ADD CONSTRAINT {_quoted(name)} {definition}")


def _secondary_definitions(cursor, tables: list[str]) -> SecondaryDefinitions:
    cursor.execute(
        """
        SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
        WHERE rel.relname = ANY(%s) AND con.contype IN ('u', 'f') AND rel.relnamespace = current_schema()::regnamespace
        ORDER BY rel.relname, con.conname
        """,
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT rel.relname, idx.relname, pg_get_indexdef(ind.indexrelid)
        FROM pg_index ind JOIN pg_class rel ON rel.oid = ind.indrelid JOIN pg_class idx ON idx.oid = ind.indexrelid
        WHERE rel.relname = ANY(%s) AND rel.relnamespace = current_schema()::regnamespace
          AND NOT ind.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ind.indexrelid)
        ORDER BY rel.relname, idx.relname
        """,
        [tables],
    )
    return SecondaryDefinitions(constraints, cursor.fetchall())


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def wipe(models_seeded: Sequence[type[models.Model]]) -> None:
    """Empty the seeded tables (PostgreSQL: TRUNCATE ... CASCADE, which also empties the tables pointing at them)."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models_seeded]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses tables with pending FK checks
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from the models


def analyze(models_seeded: Sequence[type[models.Model]]) -> None:
    """Fresh planner statistics; on PostgreSQL also the visibility map (VACUUM), which index-only scans need."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or connection.in_atomic_block:  # VACUUM cannot run in a transaction
            cursor.execute("ANALYZE")
            return
        for model in models_seeded:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    """A moment as whole microseconds (exact, unlike a float timestamp), to keep many of them in an array."""
    return (moment - EPOCH) // MICROSECOND


def from_micros(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


def spread(index: int, total: int, rng: random.Random) -> datetime:
    """The creation time of the index-th of `total` records made evenly over the history, ids in time order."""
    offset = HISTORY * ((index + rng.random()) / total)
    return BASE_TIME - HISTORY + offset


def weighted_prefix_choice(rng: random.Random, cumulative_weights: Sequence[float], upto: int) -> int:
    """An index below `upto`, drawn with the weights whose running sums are `cumulative_weights`."""
    target = rng.random() * cumulative_weights[upto - 1]
    return min(bisect_right(cumulative_weights, target, 0, upto), upto - 1)
