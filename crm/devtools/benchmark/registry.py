"""Cases and floors of the benchmark; each context registers its own from `<app>/devtools/bench_cases.py`.

A case is a page or endpoint as a persona opens it. Its floor is a bare view that renders
the same rows (the keys the case's response shows, passed as `?keys=`) from one indexed
query by primary key, without access filtering, with a comparable template or serializer.
Both answers are read by the case's `read_rows`, so they must mark their rows the same way.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.module_loading import autodiscover_modules

from accounts.models import User

LIST_GOAL = 2.0  # every list and page within 2x its floor at p95
DASHBOARD_GOAL = 3.0


@dataclass(frozen=True)
class BenchCase:
    name: str  # what is measured, e.g. "support queue"
    persona: str  # a key of crm.devtools.benchmark.personas.PERSONAS
    app_path: Callable[[User], str]  # the URL the persona opens (may look up a record for them)
    floor: str  # key of the registered floor
    read_rows: Callable[[HttpResponse], list[str]]  # the row keys an answer shows, in order
    goal: float = LIST_GOAL
    api: bool = False


FloorView = Callable[[HttpRequest, list[str]], HttpResponse]

_cases: list[BenchCase] = []
_floors: dict[str, FloorView] = {}


def register_case(case: BenchCase) -> None:
    _cases.append(case)


def register_floor(key: str, view: FloorView) -> None:
    _floors[key] = view


def bench_cases() -> list[BenchCase]:
    discover()
    return list(_cases)


def floor_view(key: str) -> FloorView | None:
    discover()
    return _floors.get(key)


_discovered = False


def discover() -> None:
    """Import every app's bench module once (they register their cases and floors)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("devtools.bench_cases")
        _discovered = True


# Readers: the row keys a response shows. Keys are "<kind>:<id>" so that one page may show several kinds.


def html_rows(pattern: str, kind: str) -> Callable[[HttpResponse], list[str]]:
    """Rows marked in HTML by `pattern`, whose first group is the row's id."""
    compiled = re.compile(pattern)

    def read(response: HttpResponse) -> list[str]:
        return [f"{kind}:{key}" for key in compiled.findall(response.content.decode())]

    return read


def marked_rows(kinds: tuple[str, ...]) -> Callable[[HttpResponse], list[str]]:
    """Rows marked `data-<kind>-id="<id>"`, for each of `kinds`."""
    compiled = re.compile(r"data-(" + "|".join(kinds) + r')-id="(\d+)"')

    def read(response: HttpResponse) -> list[str]:
        return [f"{kind}:{key}" for kind, key in compiled.findall(response.content.decode())]

    return read


def api_rows(kind: str) -> Callable[[HttpResponse], list[str]]:
    """The `results` of a JSON list answer, by their `id`."""

    def read(response: HttpResponse) -> list[str]:
        return [f"{kind}:{row['id']}" for row in response.json()["results"]]

    return read


def ids_of(keys: list[str], kind: str) -> list[int]:
    """The ids of `kind` among the keys, in order."""
    prefix = f"{kind}:"
    return [int(key.removeprefix(prefix)) for key in keys if key.startswith(prefix)]


def in_key_order(rows_by_id: dict, ids: list[int]) -> list:
    return [rows_by_id[row_id] for row_id in ids if row_id in rows_by_id]


@dataclass(frozen=True)
class RowSource:
    """How a floor fetches and renders rows of one kind that another context's page shows (the customer page)."""

    kind: str
    fetch: Callable[[list[int]], list]  # the rows by primary key, in the given order, in one query
    template: str  # renders `rows`, each marked data-<kind>-id


_row_sources: dict[str, RowSource] = {}


def register_row_source(source: RowSource) -> None:
    _row_sources[source.kind] = source


def row_source(kind: str) -> RowSource | None:
    discover()
    return _row_sources.get(kind)


def render_floor(template: str, context: dict) -> HttpResponse:
    """A floor's page: its template alone, without the context processors (navigation, user, messages)."""
    return HttpResponse(render_to_string(template, context))
