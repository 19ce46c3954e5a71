"""The benchmark's table, its JSON file and the comparison of two runs (scale 0.1 against 1.0)."""

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connection

# Models whose row counts describe the data set; named by label, so crm imports none of them.
COUNTED_MODELS = (
    "accounts.User",
    "accounts.Team",
    "crm.Customer",
    "crm.Contact",
    "crm.CustomerShare",
    "sales.Opportunity",
    "sales.Order",
    "sales.OrderLine",
    "support.Ticket",
    "support.TicketMessage",
)
FULL_SCALE_CUSTOMERS = 100_000  # issue 7's data set at scale 1.0
GROWTH_GOAL = 1.3  # p50 from scale 0.1 to 1.0

HEADINGS = ("case", "persona", "rows", "app p50", "app p95", "floor p50", "floor p95", "p95 ×", "queries", "goal", "")


def row_counts() -> dict[str, int]:
    counts = {}
    for label in COUNTED_MODELS:
        try:
            counts[label] = apps.get_model(label).objects.count()
        except LookupError:
            continue
    return counts


def scale_of(counts: dict[str, int]) -> str:
    """The data set's scale, read from its customers: "1.0" for 100,000, "0.1" for 10,000."""
    scale = counts.get("crm.Customer", 0) / FULL_SCALE_CUSTOMERS
    return f"{scale:.1f}" if scale >= 0.1 else f"{scale:.2g}"


def metadata(*, counts: dict[str, int], iterations: int, warmup: int) -> dict:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "database": {"vendor": connection.vendor, "name": str(settings.DATABASES["default"]["NAME"])},
        "scale": scale_of(counts),
        "row_counts": counts,
        "iterations": iterations,
        "warmup": warmup,
        "debug": settings.DEBUG,
        "python": platform.python_version(),
        "django": django.get_version(),
        # The machine is shared: a high load average at the start means noisy timings.
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "timing": "server time in process: time.perf_counter around django.test.Client.get, full middleware stack",
    }


def _git_commit() -> str:
    try:
        answer = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return answer.stdout.strip()


def table_lines(results: list[dict]) -> list[str]:
    rows = [HEADINGS, *(_table_row(result) for result in results)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADINGS))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def _table_row(result: dict) -> tuple[str, ...]:
    if result["error"]:
        return (result["case"], result["persona"], "-", "-", "-", "-", "-", "-", "-", f"{result['goal']}×", "ERROR")
    queries = "/".join(str(count) for count in result["app_queries"])
    floor_queries = "/".join(str(count) for count in result["floor_queries"])
    return (
        result["case"],
        f"{result['persona']} ({result['username']})",
        str(result["rows"]),
        f"{result['app_p50_ms']:.1f}",
        f"{result['app_p95_ms']:.1f}",
        f"{result['floor_p50_ms']:.1f}",
        f"{result['floor_p95_ms']:.1f}",
        f"{result['ratio_p95']:.2f}",
        f"{queries}{'' if result['within_query_budget'] else '!'} ({floor_queries})",
        f"{result['goal']:g}×",
        "pass" if result["passed"] else "FAIL",
    )


def write_json(path: Path, *, meta: dict, results: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")


def growth_lines(small_path: Path, large_path: Path) -> tuple[list[str], bool]:
    """p50 growth per case between two runs (goal ≤ 1.3×); and whether every case met it."""
    small, large = json.loads(small_path.read_text()), json.loads(large_path.read_text())
    before = {(r["case"], r["persona"]): r for r in small["results"] if not r["error"]}
    lines = [f"p50 growth from scale {small['meta']['scale']} to {large['meta']['scale']} (goal ≤ {GROWTH_GOAL}×)"]
    all_within = True
    for result in large["results"]:
        earlier = before.get((result["case"], result["persona"]))
        if result["error"] or earlier is None:
            lines.append(f"  {result['case']:<28} {result['persona']:<16} -")
            all_within = False
            continue
        growth = result["app_p50_ms"] / earlier["app_p50_ms"]
        floor_growth = result["floor_p50_ms"] / earlier["floor_p50_ms"]
        within = growth <= GROWTH_GOAL
        all_within &= within
        lines.append(
            f"  {result['case']:<28} {result['persona']:<16} {earlier['app_p50_ms']:>8.1f} → "
            f"{result['app_p50_ms']:>8.1f} ms  {growth:5.2f}×  (floor {floor_growth:4.2f}×)  "
            f"{'pass' if within else 'FAIL'}"
        )
    return lines, all_within
