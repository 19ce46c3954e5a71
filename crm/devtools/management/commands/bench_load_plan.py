"""`manage.py bench_load_plan`: the requests of the load test (bench/load.sh), one `<session> <path>` a line.

It signs in several users of each persona by creating their sessions (as Client.force_login
does; no password, no log-in throttling), and lists for each user the pages and endpoints
that the benchmark measures for their persona, plus their home page. `--forget PLAN` deletes
the sessions of a plan afterwards.
"""

from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.models import User
from crm.devtools.benchmark.personas import PERSONAS
from crm.devtools.benchmark.registry import bench_cases

SESSION_BACKEND = "accounts.backends.RoleModelBackend"


class Command(BaseCommand):
    help = "Write the load test's requests (sessions and paths), or delete the sessions of one (--forget)."

    def add_arguments(self, parser):
        parser.add_argument("plan", type=Path, help="the file to write (or, with --forget, to read)")
        parser.add_argument("--users-per-persona", type=int, default=10)
        parser.add_argument("--forget", action="store_true", help="delete the sessions the plan holds")

    def handle(self, *args, **options):
        if options["forget"]:
            return self.forget(options["plan"])
        lines = []
        for persona, fits in PERSONAS.items():
            users = list(User.objects.filter(fits, is_active=True).distinct().order_by("username"))
            if not users:
                raise CommandError(f"No active user for persona {persona!r}.")
            for user in users[: options["users_per_persona"]]:
                lines += self.requests_of(persona, user)
        options["plan"].write_text("".join(f"{session} {path}\n" for session, path in lines))
        sessions = len({session for session, _ in lines})
        self.stdout.write(f"{len(lines)} requests of {sessions} users written to {options['plan']}")

    def requests_of(self, persona: str, user: User) -> list[tuple[str, str]]:
        session = self.signed_in_session(user)
        paths = [case.app_path(user) for case in bench_cases() if case.persona == persona]
        return [(session, path) for path in [reverse("home"), *paths]]

    @staticmethod
    def signed_in_session(user: User) -> str:
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = SESSION_BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    def forget(self, plan: Path) -> None:
        store_class = import_module(settings.SESSION_ENGINE).SessionStore
        session_keys = {line.split(" ", 1)[0] for line in plan.read_text().splitlines() if line}
        for session_key in session_keys:
            store_class(session_key).delete()
        self.stdout.write(f"{len(session_keys)} sessions deleted")
