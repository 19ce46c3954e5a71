"""The developer tools (demo and bulk seeding, the benchmark) are an app that production never installs."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# Loading the settings connects to neither; production only insists that both are named.
SHARED_SERVICES = {"DATABASE_URL": "postgres://crm@db.invalid:5432/crm", "CACHE_URL": "redis://cache.invalid:6379/1"}


def run_under(module: str, script: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": module,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "crm.example.com",
        **SHARED_SERVICES,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


INSTALLED = "import django; from django.apps import apps; django.setup(); print(apps.is_installed('crm.devtools'))"
COMMANDS = (
    "import django; django.setup(); from django.core.management import get_commands; "
    "print(sorted(name for name in ('seed_demo', 'seed_bulk', 'bench', 'bench_load_plan') if name in get_commands()))"
)


@pytest.mark.parametrize(
    ("module", "installed"),
    [("crm.settings.production", "False"), ("crm.settings.development", "True"), ("crm.settings.test", "True")],
)
def test_devtools_are_installed_in_development_and_tests_only(module, installed):
    result = run_under(module, INSTALLED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == installed


def test_production_has_no_seeding_or_benchmark_commands():
    production = run_under("crm.settings.production", COMMANDS)
    development = run_under("crm.settings.development", COMMANDS)
    assert production.returncode == development.returncode == 0, production.stderr + development.stderr
    assert production.stdout.strip() == "[]"
    assert development.stdout.strip() == "['bench', 'bench_load_plan', 'seed_bulk', 'seed_demo']"


def test_production_processes_load_no_developer_tools():
    loaded = run_under(
        "crm.settings.production",
        "import sys, django; django.setup(); import crm.project.urls; "
        "print(sorted(name for name in sys.modules if '.devtools' in name or name.endswith('devtools')))",
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
