"""Every environment variable the code reads is documented in the README's tables.

The variables are found by reading the code (calls such as `os.environ.get("NAME")`, `os.environ["NAME"]`,
`os.getenv`, `env_bool`, `env_list`), not from a list kept by hand, so a new setting without a line in the
README fails here.
"""

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_PACKAGES = ["accounts", "crm", "sales", "support"]
ENVIRONMENT_READERS = {"get", "getenv", "setdefault", "pop"}


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _names_read(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            reads_environ = isinstance(function, ast.Attribute) and (
                (function.attr in ENVIRONMENT_READERS and _is_environ(function.value)) or function.attr == "getenv"
            )
            reads_helper = isinstance(function, ast.Name) and function.id.startswith("env_")
            if not (reads_environ or reads_helper):
                continue
            key = node.args[0]
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def variables_read_by(paths: list[Path]) -> set[str]:
    names = set()
    for path in paths:
        names |= _names_read(ast.parse(path.read_text(), filename=str(path)))
    return names


def python_files(*roots: str) -> list[Path]:
    files = []
    for root in roots:
        location = ROOT / root
        files += [location] if location.is_file() else sorted(location.rglob("*.py"))
    return [path for path in files if "migrations" not in path.parts]


def readme_table(heading: str) -> set[str]:
    """The variable names in the first column of the table that follows `heading` in README.md."""
    text = (ROOT / "README.md").read_text()
    start = text.index(heading)
    names = set()
    for line in text[start:].splitlines()[1:]:
        if line.startswith("|"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
        elif names:
            break
    return names


def test_the_reader_finds_each_form_of_reading_the_environment():
    code = """
import os
from os import environ
a = os.environ.get("A")
b = os.environ["B"]
c = os.getenv("C", "x")
d = env_bool("D", False)
e = env_list("E", "")
os.environ.setdefault("F", "y")
g = environ.get("G")
h = os.environ.get(name)  # not a literal: nothing to document
"""
    assert _names_read(ast.parse(code)) == set("ABCDEFG")


def test_every_variable_the_product_reads_is_in_the_readme():
    read = variables_read_by(python_files(*APP_PACKAGES, "manage.py"))
    documented = readme_table("Environment variables:")
    assert len(read) >= 20  # the reader found the settings (a broken reader would find nothing)
    assert read - documented == set(), "add these to the README's table of environment variables"
    assert documented - read == set(), "the README documents variables that nothing reads"


def test_every_variable_the_test_suite_reads_is_in_the_readme():
    read = variables_read_by(python_files("tests")) - variables_read_by(python_files(*APP_PACKAGES, "manage.py"))
    documented = readme_table("Variables the test suite reads:")
    assert read - documented == set(), "add these to the README's table of the test suite's variables"
    assert documented - read == set(), "the README documents test variables that nothing reads"


@pytest.mark.parametrize("entry_point", ["crm.wsgi", "crm.asgi", "crm.celery"])
def test_the_entry_points_default_to_the_production_settings(entry_point):
    """An operator's server or worker started without DJANGO_SETTINGS_MODULE runs strict, never the laptop's."""
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment |= {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://crm@db.invalid:5432/crm",  # loading the application connects to nothing
        "CACHE_URL": "redis://cache.invalid:6379/1",
    }
    script = f"import os, {entry_point}; print(os.environ['DJANGO_SETTINGS_MODULE'])"
    shown = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "crm.settings.production"
