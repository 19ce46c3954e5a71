"""`manage.py bench`: each case's server time and queries beside its floor (issue 7; README, "Benchmark")."""

import logging
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings

from crm.devtools.benchmark import report
from crm.devtools.benchmark.personas import resolve_personas
from crm.devtools.benchmark.registry import bench_cases
from crm.devtools.benchmark.runner import run_case


class Command(BaseCommand):
    help = "Measure p50/p95 server time and queries of the main pages and endpoints beside their floors."

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=50, help="timed requests per case, each (default 50)")
        parser.add_argument("--warmup", type=int, default=5, help="untimed requests per case first (default 5)")
        parser.add_argument("--json", type=Path, help="where to write the results (default bench/results-<scale>.json)")
        parser.add_argument(
            "--case", action="append", default=[], help="only cases whose name contains this (repeatable)"
        )
        parser.add_argument(
            "--persona", action="append", default=[], metavar="PERSONA=USERNAME", help="log in as this user"
        )
        parser.add_argument(
            "--compare", nargs=2, type=Path, metavar=("SMALL.json", "LARGE.json"), help="print p50 growth and exit"
        )

    def handle(self, *args, **options):
        if options["compare"]:
            return self.compare(*options["compare"])
        if settings.DEBUG:
            raise CommandError("DEBUG is on, which distorts the timing: run with DJANGO_DEBUG=0.")
        logging.getLogger("axes").setLevel(logging.WARNING)  # not a line per benchmark log-in and log-out
        if options["iterations"] < 1:
            raise CommandError("--iterations must be at least 1.")
        users = resolve_personas(dict(self.named_persona(text) for text in options["persona"]))
        cases = [c for c in bench_cases() if not options["case"] or any(s in c.name for s in options["case"])]
        counts = report.row_counts()
        meta = report.metadata(counts=counts, iterations=options["iterations"], warmup=options["warmup"])
        load = "/".join(str(value) for value in meta["load_average"])
        self.stdout.write(
            f"scale {meta['scale']} · {meta['database']['name']} · {options['iterations']} iterations · load {load}"
        )
        results = self.run_cases(cases, users, iterations=options["iterations"], warmup=options["warmup"])
        for line in report.table_lines(results):
            self.stdout.write(line)
        path = options["json"] or Path(settings.BASE_DIR) / "bench" / f"results-{meta['scale']}.json"
        report.write_json(path, meta=meta, results=results)
        self.stdout.write(f"written {path}")
        failed = [r for r in results if r["error"]]
        for result in failed:
            self.stderr.write(f"{result['case']} ({result['persona']}): {result['error']}")
        if failed:
            raise CommandError(f"{len(failed)} case(s) failed to run.")

    def run_cases(self, cases, users, *, iterations: int, warmup: int) -> list[dict]:
        # The bench URL conf serves the floors beside the project's URLs; the test client's host is allowed.
        allowed_hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ROOT_URLCONF="crm.devtools.benchmark.urls", ALLOWED_HOSTS=allowed_hosts):
            clients = {persona: self.logged_in(user) for persona, user in users.items()}
            try:
                measure = {"iterations": iterations, "warmup": warmup}
                return [
                    run_case(case, client=clients[case.persona], user=users[case.persona], **measure).as_dict()
                    for case in cases
                ]
            finally:
                for client in clients.values():
                    # Not logout(): that would end every session of the user (accounts/sessions.py) and write to it.
                    client.session.delete()

    @staticmethod
    def logged_in(user) -> Client:
        client = Client()
        with override_settings(AXES_ENABLED=False):  # no access-log row per benchmark log-in
            client.force_login(user)
        return client

    @staticmethod
    def named_persona(text: str) -> tuple[str, str]:
        persona, _, username = text.partition("=")
        if not username:
            raise CommandError(f"--persona takes PERSONA=USERNAME, not {text!r}.")
        return persona, username

    def compare(self, small: Path, large: Path) -> None:
        lines, all_within = report.growth_lines(small, large)
        for line in lines:
            self.stdout.write(line)
        if not all_within:
            self.stdout.write("Some cases grew more than the goal (or are missing).")
