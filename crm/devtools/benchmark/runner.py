"""Runs the cases: app and floor requests alternate through django.test.Client, timed in process."""

import math
from dataclasses import asdict, dataclass, field
from time import perf_counter
from urllib.parse import urlencode

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from crm.devtools.benchmark.registry import BenchCase

QUERY_BUDGET = 10  # a list or page's query count, whatever its number of rows (issue 7)


class BenchFailure(Exception):
    """A case answered something other than 200, or its app and floor showed different rows."""


class QueryCounter:
    """Counts the queries of a request; one call per query, so it does not distort the timing."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class Measure:
    milliseconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile."""
        ordered = sorted(self.milliseconds)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class CaseResult:
    case: str
    persona: str
    username: str
    path: str
    goal: float
    rows: int = 0
    floor_rows: int = 0
    app_p50_ms: float | None = None
    app_p95_ms: float | None = None
    floor_p50_ms: float | None = None
    floor_p95_ms: float | None = None
    ratio_p95: float | None = None
    app_queries: list[int] = field(default_factory=list)  # the distinct counts seen (one if constant)
    floor_queries: list[int] = field(default_factory=list)
    passed: bool = False
    within_query_budget: bool = False
    error: str = ""
    # The app's queries in one more request (untimed; CaptureQueriesContext): where its time goes.
    app_sql: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def timed_get(client: Client, path: str) -> tuple[HttpResponse, float, int]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = perf_counter()
        response = client.get(path)
        elapsed_ms = (perf_counter() - started) * 1000
    return response, elapsed_ms, counter.count


def run_case(case: BenchCase, *, client: Client, user: User, iterations: int, warmup: int) -> CaseResult:
    result = CaseResult(case=case.name, persona=case.persona, username=user.username, path="", goal=case.goal)
    try:
        _measure(case, result, client=client, user=user, iterations=iterations, warmup=warmup)
    except Exception as failure:
        result.error = f"{type(failure).__name__}: {failure}"
    return result


def _measure(case: BenchCase, result: CaseResult, *, client, user, iterations: int, warmup: int) -> None:
    result.path = app_path = case.app_path(user)
    keys = _rows_of(case, client.get(app_path), what="app")
    if not keys:
        raise BenchFailure(f"{app_path} shows no rows to {user.username}: name another persona")
    floor_path = f"{reverse('bench-floor', args=[case.floor])}?{urlencode({'keys': ','.join(keys)})}"
    for _ in range(warmup):
        client.get(app_path)
        client.get(floor_path)
    app, floor = Measure(), Measure()
    for iteration in range(iterations):
        # Alternate which goes first, so that neither always follows the other's cache effects.
        turns = [(app_path, app, "app"), (floor_path, floor, "floor")]
        for path, measure, what in turns if iteration % 2 == 0 else reversed(turns):
            response, elapsed_ms, queries = timed_get(client, path)
            shown = _rows_of(case, response, what=what)
            if shown != keys:
                raise BenchFailure(f"{what} showed {len(shown)} rows, expected the app's {len(keys)} (same keys)")
            if what == "floor":
                result.floor_rows = len(shown)
            measure.milliseconds.append(elapsed_ms)
            measure.queries.append(queries)
    _summarise(result, rows=len(keys), app=app, floor=floor)
    with CaptureQueriesContext(connection) as captured:
        client.get(app_path)
    result.app_sql = [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"]} for q in captured.captured_queries]


def _rows_of(case: BenchCase, response: HttpResponse, *, what: str) -> list[str]:
    if response.status_code != 200:
        raise BenchFailure(f"{what} answered {response.status_code}")
    return case.read_rows(response)


def _summarise(result: CaseResult, *, rows: int, app: Measure, floor: Measure) -> None:
    result.rows = rows
    result.app_p50_ms, result.app_p95_ms = round(app.percentile(0.5), 2), round(app.percentile(0.95), 2)
    result.floor_p50_ms, result.floor_p95_ms = round(floor.percentile(0.5), 2), round(floor.percentile(0.95), 2)
    result.ratio_p95 = round(app.percentile(0.95) / floor.percentile(0.95), 2)
    result.app_queries = sorted(set(app.queries))
    result.floor_queries = sorted(set(floor.queries))
    result.passed = result.ratio_p95 <= result.goal
    result.within_query_budget = max(app.queries) <= QUERY_BUDGET
