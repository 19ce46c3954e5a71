import time

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Team, User
from crm.customers.models import Customer
from crm.devtools.seeding import (
    BulkRun,
    analyze,
    bulk_seeders,
    drop_secondary_indexes,
    reset_sequences,
    restore_secondary_indexes,
    seeded_models,
    wipe,
)

DEFAULT_PASSWORD = "crm-bench-2026"  # noqa: S105 - printed with the personas; benchmark databases only
SQLITE_MAX_SCALE = 0.01

HELP = f"""Builds a large, deterministic data set for benchmarks (issue 7): at --scale 1.0, 300 staff in 20
teams, 100,000 customers, 250,000 contacts, 200,000 opportunities, 300,000 orders with 1,000,000 lines,
1,000,000 tickets with 3,000,000 messages and 1,000 shares; everything scales linearly (at least 4 teams
and 13 staff). The same --seed gives the same rows. PostgreSQL loads with COPY; SQLite takes
--scale {SQLITE_MAX_SCALE} at most (batched INSERTs). Refuses a database that has users or customers
unless --reset (which TRUNCATEs the seeded tables, CASCADE). Seeded rows have no audit trail.

Usernames (password --password; NN: team, MM: member, from 01; team 01 is the largest, and member 01 of a
sales team owns the most customers): admin; sales-mgr-NN and support-mgr-NN (manager of "Sales NN" /
"Support NN"); sales-NN-MM (salesperson); support-NN-MM (support rep); sales-free-MM and support-free-MM
(in no team)."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the full data set (default 1.0).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help=f"Every user's (default {DEFAULT_PASSWORD}).")
        parser.add_argument(
            "--reset", action="store_true", help="Wipe the seeded tables first (asks unless --noinput)."
        )
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--no-progress", action="store_false", dest="progress", help="No progress bars.")

    def handle(self, *args, scale, seed, password, reset, interactive, progress, **options):
        self._check_database(scale=scale, reset=reset, interactive=interactive)
        started = time.monotonic()
        seeders = bulk_seeders()
        models_seeded = seeded_models(seeders)
        # One hash for everyone, salted from the seed: hashing is slow by design, and the rows stay the same.
        password_hash = make_password(password, salt=f"bulkseed{seed}")
        run = BulkRun(scale=scale, seed=seed, password_hash=password_hash, progress=progress)
        with transaction.atomic():
            if reset:
                self._wipe(models_seeded)
            secondary = drop_secondary_indexes(models_seeded)
            for seeder in seeders:
                seeder.seed(run)
            rebuild_started = time.monotonic()
            restore_secondary_indexes(secondary)
            rebuild_seconds = time.monotonic() - rebuild_started
            reset_sequences(models_seeded)
        analyze_started = time.monotonic()
        analyze(models_seeded)
        analyze_seconds = time.monotonic() - analyze_started
        self._summary(run, steps={"indexes and constraints": rebuild_seconds, "VACUUM ANALYZE": analyze_seconds})
        self.stdout.write(
            self.style.SUCCESS(f"  {'total':<38} {run.total_rows:>10,} rows  {time.monotonic() - started:7.1f} s")
        )
        self._personas(run, password)

    def _check_database(self, *, scale: float, reset: bool, interactive: bool) -> None:
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        if connection.vendor == "sqlite" and scale > SQLITE_MAX_SCALE:
            raise CommandError(
                f"SQLite takes --scale {SQLITE_MAX_SCALE} at most; build the benchmark data on PostgreSQL "
                "(DATABASE_URL=postgres://...)."
            )
        users, customers = User.objects.count(), Customer.objects.count()
        if not (users or customers):
            return
        if not reset:
            raise CommandError(
                f"The database already has {users} users and {customers} customers. "
                "Run with --reset to wipe the seeded tables (and every row that points at them) first."
            )
        if interactive:
            answer = input(f"Wipe {users} users, {customers} customers and everything that points at them? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("Nothing was changed.")

    def _wipe(self, models_seeded) -> None:
        team_group_ids = list(Team.objects.values_list("group_id", flat=True))
        wipe(models_seeded)
        Group.objects.filter(pk__in=team_group_ids).delete()

    def _summary(self, run: BulkRun, *, steps: dict[str, float]) -> None:
        self.stdout.write(f"\nSeeded at scale {run.scale} with seed {run.seed}:")
        for report in run.reports:
            self.stdout.write(f"  {report.label:<38} {report.rows:>10,} rows  {report.seconds:7.1f} s")
        for step, seconds in steps.items():
            self.stdout.write(f"  {step:<38} {'':>10}       {seconds:7.1f} s")

    def _personas(self, run: BulkRun, password: str) -> None:
        self.stdout.write(f"\nPersonas (password {password}):")
        for who, username in run.facts["staff"].personas():
            self.stdout.write(f"  {username:<16} {who}")
