"""`manage.py bench` on the demo data: every case runs, beside a floor that shows the same rows."""

import json
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command

from crm.devtools.benchmark.registry import bench_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    call_command("seed_demo", stdout=StringIO())


def run_bench(*args) -> str:
    out = StringIO()
    call_command("bench", "--iterations", "2", "--warmup", "1", *args, stdout=out)
    return out.getvalue()


def test_every_case_runs_beside_a_floor_with_the_same_rows(demo_data, tmp_path):
    path = tmp_path / "results.json"
    printed = run_bench("--json", str(path))

    results = json.loads(path.read_text())["results"]
    cases = {(case.name, case.persona) for case in bench_cases()}
    assert {(r["case"], r["persona"]) for r in results} == cases
    for result in results:
        assert result["error"] == ""
        assert result["rows"] > 0
        assert result["floor_rows"] == result["rows"]
        assert result["app_p95_ms"] > 0
        assert result["floor_p95_ms"] > 0
        assert result["ratio_p95"] == pytest.approx(result["app_p95_ms"] / result["floor_p95_ms"], rel=0.05)
        assert f"{result['persona']} ({result['username']})" in printed
    for name, _ in cases:
        assert name in printed


def test_the_json_names_the_data_set(demo_data, tmp_path):
    path = tmp_path / "results.json"
    run_bench("--json", str(path), "--case", "customers list")

    meta = json.loads(path.read_text())["meta"]
    assert meta["row_counts"]["crm.Customer"] > 0
    assert meta["scale"]
    assert meta["date"]
    assert meta["git_commit"]
    assert meta["iterations"] == 2
    assert meta["debug"] is False


def test_compare_prints_the_growth_of_each_case(demo_data, tmp_path):
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    run_bench("--json", str(small), "--case", "pipeline board")
    run_bench("--json", str(large), "--case", "pipeline board")

    out = StringIO()
    call_command("bench", "--compare", str(small), str(large), stdout=out)
    assert "p50 growth" in out.getvalue()
    assert out.getvalue().count("pipeline board") == 2


def test_the_load_plan_signs_in_every_persona_and_forgets_its_sessions(demo_data, tmp_path, client):
    plan = tmp_path / "plan.txt"
    call_command("bench_load_plan", str(plan), "--users-per-persona", "1", stdout=StringIO())

    requests = [line.split(" ") for line in plan.read_text().splitlines()]
    sessions = {session for session, _ in requests}
    assert len(sessions) == 5  # one user of each persona
    session, path = requests[0]
    client.cookies["sessionid"] = session
    assert client.get(path).status_code == 200  # signed in: the home page, not the log-in redirect

    call_command("bench_load_plan", str(plan), "--forget", stdout=StringIO())
    assert not Session.objects.filter(session_key__in=sessions).exists()
