"""The manager dashboard, figure by figure, against the hand-computed world of conftest.py.

dual_manager (Sales X and Support X) sees their teams' records, a customer shared
with a member, tickets in their queue and tickets on their members' customers;
far_manager (Sales Y) sees only Sales Y's; an admin sees everything. Every figure
and every bar links to a list that shows exactly the rows it counts.
"""

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db

ROW_ID = re.compile(r'data-(?:opportunity|order|ticket|feedback)-id="(\d+)"')


def dashboard(portal, user):
    response = portal.as_user(user).get("/dashboard/")
    assert response.status_code == 200
    return response


def figures(response) -> dict[str, str]:
    return {figure.key: figure.value for section in response.context["sections"] for figure in section.context.figures}


def figure_notes(response) -> dict[str, str]:
    return {figure.key: figure.note for section in response.context["sections"] for figure in section.context.figures}


def chart(response, key) -> dict[str, str]:
    [found] = [c for section in response.context["sections"] for c in section.context.charts if c.key == key]
    return {bar.label: bar.display for bar in found.bars}


def team_rows(response) -> dict[str, dict[str, str]]:
    """{team: {member: [cell values]}} with "—" where a column does not apply."""
    teams = response.context["teams"]
    return {
        table.team_name: {
            row.member.username: [cell.value if cell else "—" for cell in row.cells] for row in table.rows
        }
        for table in teams.tables
    }


MONTHS = [
    "Jun 2025",
    "Jul 2025",
    "Aug 2025",
    "Sep 2025",
    "Oct 2025",
    "Nov 2025",
    "Dec 2025",
    "Jan 2026",
    "Feb 2026",
    "Mar 2026",
    "Apr 2026",
    "May 2026",
]


def revenue(**by_month) -> dict[str, str]:
    return {month: by_month.get(month.replace(" ", "_"), "0.00 EUR") for month in MONTHS}


def test_pipeline_figures_of_a_manager_of_two_teams(world, portal):
    response = dashboard(portal, world.users["dual_manager"])
    expected = {
        "pipeline-total": "17,700.50 EUR",  # o1 + o2 + o3 + o4 + o11 (their own)
        "won-month": "1",  # o5
        "lost-month": "1",  # o7
        "win-rate-month": "50%",
        "won-quarter": "2",  # o5, o6
        "lost-quarter": "1",  # o7; o8 was lost on 31 March
        "win-rate-quarter": "67%",
    }
    assert {key: figures(response)[key] for key in expected} == expected
    notes = figure_notes(response)
    assert (notes["won-month"], notes["lost-month"]) == ("3,000.00 EUR", "500.00 EUR")
    assert (notes["won-quarter"], notes["lost-quarter"]) == ("10,000.00 EUR", "500.00 EUR")
    assert chart(response, "pipeline-by-stage") == {
        "Prospecting": "1,000.00 EUR",
        "Qualification": "200.00 EUR",
        "Proposal": "6,500.50 EUR",
        "Negotiation": "10,000.00 EUR",
    }
    assert chart(response, "pipeline-by-member") == {
        "rep_x2": "14,000.00 EUR",
        "rep_x1": "3,500.50 EUR",
        "dual_manager": "200.00 EUR",
    }


def test_revenue_per_month_for_twelve_months(world, portal):
    response = dashboard(portal, world.users["dual_manager"])
    # Placed or shipped, by the month placed: r9 (1 June 2025, 00:30), r3, r7, r1 + r2 + r6.
    # Not r8 (May 2025), r4 (cancelled), r5 (draft). Managing a support team puts dual_manager in the support
    # directory: they view every customer, so every customer's order history (r6, r7 on Sales Y's customers).
    assert chart(response, "revenue-by-month") == revenue(
        Jun_2025="10.00 EUR", Feb_2026="400.00 EUR", Apr_2026="50.00 EUR", May_2026="1,127.25 EUR"
    )


def test_ticket_and_satisfaction_figures(world, portal):
    response = dashboard(portal, world.users["dual_manager"])
    assert {key: figures(response)[key] for key in ("open-tickets", "breaches-week", "median-first-response")} == {
        "open-tickets": "5",  # t1, t2, t3, t5 (their queue) and t7 (Support Y, on rep_x1's customer)
        "breaches-week": "2",  # t1 (twice, counted once) and t4; t2's breach was last week; t6 is not theirs
        "median-first-response": "1 h 30 min",  # 30, 60, 120, 300 minutes; t7 was opened 49 days ago
    }
    # f1 5, f2 2 (their tickets), f3 4 and f5 1 (about no ticket: the support directory shows every customer);
    # not f4 (t6 is in another queue, on another team's customer), nor f6 (older than six months).
    assert figures(response)["csat"] == "3.00"
    assert figure_notes(response)["csat"] == "4 ratings (1–5) in 6 months"
    assert chart(response, "open-by-priority") == {"Urgent": "1", "High": "2", "Normal": "2", "Low": "0"}
    assert chart(response, "open-by-status") == {"New": "2", "Open": "2", "Pending": "1"}
    assert chart(response, "csat-by-month") == {
        "Dec 2025": "—",
        "Jan 2026": "—",
        "Feb 2026": "—",
        "Mar 2026": "4.00",
        "Apr 2026": "—",
        "May 2026": "2.67",
    }


def test_team_table_per_member(world, portal):
    response = dashboard(portal, world.users["dual_manager"])
    assert response.context["teams"].headings == [
        "Open opportunities",
        "Pipeline value",
        "Open tickets",
        "SLA breaches this week",
    ]
    assert team_rows(response) == {
        "Sales X": {"rep_x1": ["2", "3,500.50 EUR", "—", "—"], "rep_x2": ["2", "14,000.00 EUR", "—", "—"]},
        "Support X": {"agent_x1": ["—", "—", "2", "1"], "agent_x2": ["—", "—", "1", "1"]},
    }


def test_a_manager_of_another_team_sees_none_of_it(world, portal):
    response = dashboard(portal, world.users["far_manager"])
    assert figures(response) == {
        "pipeline-total": "105,554.00 EUR",  # o9, o10: Sales Y's own
        "won-month": "0",
        "lost-month": "0",
        "win-rate-month": "—",
        "won-quarter": "0",
        "lost-quarter": "0",
        "win-rate-quarter": "—",
        "open-tickets": "1",  # t6, on rep_y's customer
        "breaches-week": "1",
        "median-first-response": "1 min",
        "csat": "1.00",  # f4, f5
    }
    assert chart(response, "pipeline-by-member") == {"rep_y": "105,554.00 EUR"}
    assert chart(response, "revenue-by-month") == revenue(Apr_2026="50.00 EUR", May_2026="777.00 EUR")
    assert team_rows(response) == {"Sales Y": {"rep_y": ["2", "105,554.00 EUR", "—", "—"]}}
    linked = _every_linked_row(portal, response)
    theirs = {world.opportunities[n].pk for n in ("o9", "o10")} | {world.orders[n].pk for n in ("r6", "r7")}
    theirs |= {world.tickets["t6"].pk} | {world.feedback[n].pk for n in ("f4", "f5")}
    assert linked <= theirs


def test_a_manager_of_an_empty_team_sees_zeros(world, portal, other_manager, other_team):
    response = dashboard(portal, other_manager)
    values = figures(response)
    assert values["pipeline-total"] == "0.00 EUR"
    assert (values["open-tickets"], values["breaches-week"], values["csat"]) == ("0", "0", "—")
    assert _every_linked_row(portal, response) == set()


def test_an_admin_sees_everything(world, portal):
    response = dashboard(portal, world.users["root"])
    values = figures(response)
    assert values["pipeline-total"] == "123,254.50 EUR"
    assert values["open-tickets"] == "6"  # t1, t2, t3, t5, t6, t7
    assert values["breaches-week"] == "3"  # t1, t4, t6
    assert set(team_rows(response)) == {"Sales X", "Support X", "Sales Y", "Support Y"}


@pytest.mark.parametrize("persona", ["rep_x1", "agent_x1"])
def test_the_dashboard_is_for_managers_and_admins(world, portal, persona):
    assert portal.as_user(world.users[persona]).get("/dashboard/").status_code == 403


def test_anonymous_is_sent_to_log_in(world, portal):
    response = portal.as_user(None).get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def _rows_behind(portal, url) -> set[int]:
    response = portal.get(url)
    assert response.status_code == 200, url
    return {int(pk) for pk in ROW_ID.findall(response.content.decode())}


def _every_linked_row(portal, response) -> set[int]:
    rows = set()
    for section in response.context["sections"]:
        for figure in section.context.figures:
            rows |= _rows_behind(portal, figure.url)
        for each_chart in section.context.charts:
            for bar in each_chart.bars:
                rows |= _rows_behind(portal, bar.url)
    return rows


def test_every_figure_links_to_exactly_its_rows(world, portal):
    o, r, t, f = world.opportunities, world.orders, world.tickets, world.feedback
    response = dashboard(portal, world.users["dual_manager"])

    def ids(records, *names):
        return {records[name].pk for name in names}

    expected_figures = {
        "pipeline-total": ids(o, "o1", "o2", "o3", "o4", "o11"),
        "won-month": ids(o, "o5"),
        "lost-month": ids(o, "o7"),
        "win-rate-month": ids(o, "o5", "o7"),
        "won-quarter": ids(o, "o5", "o6"),
        "lost-quarter": ids(o, "o7"),
        "win-rate-quarter": ids(o, "o5", "o6", "o7"),
        "open-tickets": ids(t, "t1", "t2", "t3", "t5", "t7"),
        "breaches-week": ids(t, "t1", "t4"),
        "median-first-response": ids(t, "t1", "t2", "t3", "t4"),
        "csat": ids(f, "f1", "f2", "f3", "f5"),
    }
    expected_bars = {
        "pipeline-by-stage": {
            "Prospecting": ids(o, "o1"),
            "Qualification": ids(o, "o11"),
            "Proposal": ids(o, "o2", "o3"),
            "Negotiation": ids(o, "o4"),
        },
        "pipeline-by-member": {
            "rep_x1": ids(o, "o1", "o2"),
            "rep_x2": ids(o, "o3", "o4"),
            "dual_manager": ids(o, "o11"),
        },
        "revenue-by-month": {month: set() for month in MONTHS}
        | {
            "Jun 2025": ids(r, "r9"),
            "Feb 2026": ids(r, "r3"),
            "Apr 2026": ids(r, "r7"),
            "May 2026": ids(r, "r1", "r2", "r6"),
        },
        "open-by-priority": {
            "Urgent": ids(t, "t1"),
            "High": ids(t, "t2", "t5"),
            "Normal": ids(t, "t3", "t7"),
            "Low": set(),
        },
        "open-by-status": {"New": ids(t, "t1", "t7"), "Open": ids(t, "t2", "t5"), "Pending": ids(t, "t3")},
        "csat-by-month": {"Dec 2025": set(), "Jan 2026": set(), "Feb 2026": set(), "Apr 2026": set()}
        | {"Mar 2026": ids(f, "f3"), "May 2026": ids(f, "f1", "f2", "f5")},
    }
    for section in response.context["sections"]:
        for figure in section.context.figures:
            assert _rows_behind(portal, figure.url) == expected_figures.pop(figure.key), figure.key
        for each_chart in section.context.charts:
            bars = expected_bars.pop(each_chart.key)
            for bar in each_chart.bars:
                assert _rows_behind(portal, bar.url) == bars.pop(bar.label), (each_chart.key, bar.label)
            assert bars == {}
    assert expected_figures == {}
    assert expected_bars == {}


def test_every_team_cell_links_to_exactly_its_rows(world, portal):
    o, t = world.opportunities, world.tickets
    response = dashboard(portal, world.users["dual_manager"])
    cells = {
        (row.member.username, index): cell.url
        for table in response.context["teams"].tables
        for row in table.rows
        for index, cell in enumerate(row.cells)
        if cell is not None
    }
    expected = {
        ("rep_x1", 0): {o["o1"].pk, o["o2"].pk},
        ("rep_x1", 1): {o["o1"].pk, o["o2"].pk},
        ("rep_x2", 0): {o["o3"].pk, o["o4"].pk},
        ("rep_x2", 1): {o["o3"].pk, o["o4"].pk},
        ("agent_x1", 2): {t["t1"].pk, t["t2"].pk},
        ("agent_x1", 3): {t["t1"].pk},
        ("agent_x2", 2): {t["t3"].pk},
        ("agent_x2", 3): {t["t4"].pk},
    }
    assert {key: _rows_behind(portal, url) for key, url in cells.items()} == expected


def test_the_page_draws_charts_from_json_and_shows_their_tables(world, portal):
    html = dashboard(portal, world.users["dual_manager"]).content.decode()
    assert "vendor/chart-4.6.1.umd.min.js" in html
    assert "js/dashboard.js" in html
    assert '<script id="chart-data-pipeline-by-stage" type="application/json">' in html
    assert 'data-chart="chart-data-pipeline-by-stage"' in html
    assert 'data-testid="chart-table-pipeline-by-stage"' in html
    assert "17,700.50 EUR" in html
    assert 'style="' not in html
    assert "onclick" not in html.lower()
    # Every inline <script> holds data, never code (the CSP allows no inline script).
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert len(inline_scripts) == 6
    assert all('type="application/json"' in attributes for attributes in inline_scripts)


def test_the_lists_keep_the_dashboard_filters_in_their_forms(world, portal):
    response = dashboard(portal, world.users["dual_manager"])
    won = next(f for s in response.context["sections"] for f in s.context.figures if f.key == "won-month")
    path = urlsplit(won.url)
    html = portal.get(won.url).content.decode()
    assert 'data-testid="kept-filters"' in html
    assert '<input type="hidden" name="closed_after" value="2026-05-01">' in html
    assert path.path == "/sales/opportunities/"
