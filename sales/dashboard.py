"""What sales adds to crm's dashboard: the pipeline section (figures and charts) and the pipeline
columns of a team's page (registered from SalesConfig.ready()).

Every figure starts from the sales policy (opportunities_visible_to, orders_visible_to)
and links to the list that shows its rows, with the same filter (sales.filters): the
figure and the list count the same records. Support users see no pipeline figure.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse

from accounts.models import TeamKind, User
from crm.insights.dashboard import Bar, Chart, Figure, SectionFigures
from crm.platform.dates import month_text
from crm.platform.periods import Period, month_end, start_of
from crm.platform.slots import SlotItem
from crm.staff.work import Cell, TeamColumns

from . import access
from .filters import closed_on_or_after
from .models import CLOSED_STAGES, OPEN_STAGES, ZERO, Stage
from .selectors import BOOKED_STATUSES

REVENUE_MONTHS = 12


def money(amount) -> str:
    return f"{Decimal(amount or ZERO):,.2f} {settings.CRM_CURRENCY}"


def opportunities_url(**params) -> str:
    return f"{reverse('opportunity-list')}?{urlencode(params, doseq=True)}"


def orders_url(**params) -> str:
    return f"{reverse('order-list')}?{urlencode(params, doseq=True)}"


def _name(row: dict) -> str:
    full = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return full or row["owner__username"]


def pipeline_section() -> SlotItem:
    return SlotItem(key="pipeline", title="Pipeline", order=10, visible_to=access.sees_pipeline, build=pipeline_figures)


def pipeline_figures(*, user: User, period: Period) -> SectionFigures | None:
    """Two queries: the pipeline per owner and stage (shared with the team columns), and revenue by month."""
    if not access.sees_pipeline(user):
        return None
    rows = pipeline_rows(user=user, period=period)
    open_rows = [row for row in rows if row["stage"] in OPEN_STAGES]
    by_stage = _totals_by(open_rows, "stage")
    by_owner = sorted(
        _totals_by(open_rows, "owner_id").values(),
        key=lambda row: (-row["total"], row["owner__username"] or ""),
    )
    closed = _closed_counts(rows)
    open_total = sum((row["total"] for row in by_stage.values()), ZERO)
    figures = [
        Figure("pipeline-total", "Open pipeline", money(open_total), opportunities_url(stage=OPEN_STAGES)),
        *_closed_figures("month", "this month", period.month_start, closed),
        *_closed_figures("quarter", "this quarter", period.quarter_start, closed),
    ]
    charts = [
        Chart(
            key="pipeline-by-stage",
            title="Open pipeline by stage",
            category_label="Stage",
            value_label=f"Value ({settings.CRM_CURRENCY})",
            bars=[
                Bar(label, total, money(total), opportunities_url(stage=stage))
                for stage, label in Stage.choices
                if stage in OPEN_STAGES
                for total in [by_stage.get(stage, {}).get("total") or ZERO]
            ],
        ),
        Chart(
            key="pipeline-by-member",
            title="Open pipeline by owner",
            category_label="Owner",
            value_label=f"Value ({settings.CRM_CURRENCY})",
            bars=[
                Bar(
                    _name(row),
                    row["total"],
                    money(row["total"]),
                    opportunities_url(owner=row["owner_id"], stage=OPEN_STAGES),
                )
                for row in by_owner
            ],
        ),
        revenue_chart(user=user, period=period),
    ]
    return SectionFigures(figures=figures, charts=charts)


def pipeline_rows(*, user: User, period: Period) -> list[dict]:
    """Per owner and stage, the visible open opportunities and those won or lost since the quarter began.

    One grouped query per request, shared by the section and the team columns: `count` and `total`
    over the row's opportunities, `month_count` and `month_total` over those closed since the month began.
    The filter is index-served (owner or stage, and ranges on won_at and lost_at).
    """

    def compute() -> list[dict]:
        since_month = closed_on_or_after(period.month_start)
        closed_this_quarter = Q(stage__in=CLOSED_STAGES) & closed_on_or_after(period.quarter_start)
        return list(
            access.opportunities_visible_to(user)
            .filter(Q(stage__in=OPEN_STAGES) | closed_this_quarter)
            .order_by()
            .values("owner_id", "owner__username", "owner__first_name", "owner__last_name", "stage")
            .annotate(
                count=Count("pk"),
                total=Sum("amount", default=ZERO),
                month_count=Count("pk", filter=since_month),
                month_total=Sum("amount", filter=since_month, default=ZERO),
            )
        )

    return period.shared(("sales.pipeline_rows", user.pk), compute)


def _totals_by(rows: list[dict], key: str) -> dict:
    """The rows summed per value of `key` (count and total), each keeping the first row's other fields."""
    totals = {}
    for row in rows:
        found = totals.setdefault(row[key], {**row, "count": 0, "total": ZERO})
        found["count"] += row["count"]
        found["total"] += row["total"]
    return totals


def _closed_counts(rows: list[dict]) -> dict:
    closed = {}
    for name, stage in (("won", Stage.WON), ("lost", Stage.LOST)):
        stage_rows = [row for row in rows if row["stage"] == stage]
        closed[f"{name}_quarter"] = sum(row["count"] for row in stage_rows)
        closed[f"{name}_quarter_value"] = sum((row["total"] for row in stage_rows), ZERO)
        closed[f"{name}_month"] = sum(row["month_count"] for row in stage_rows)
        closed[f"{name}_month_value"] = sum((row["month_total"] for row in stage_rows), ZERO)
    return closed


def _closed_figures(key: str, when: str, day, closed: dict) -> list[Figure]:
    won, lost = closed[f"won_{key}"], closed[f"lost_{key}"]
    since = day.isoformat()
    rate = f"{won * 100 / (won + lost):.0f}%" if won + lost else "—"
    return [
        Figure(
            f"won-{key}",
            f"Won {when}",
            str(won),
            opportunities_url(stage=Stage.WON, closed_after=since),
            note=money(closed[f"won_{key}_value"]),
        ),
        Figure(
            f"lost-{key}",
            f"Lost {when}",
            str(lost),
            opportunities_url(stage=Stage.LOST, closed_after=since),
            note=money(closed[f"lost_{key}_value"]),
        ),
        Figure(
            f"win-rate-{key}",
            f"Win rate {when}",
            rate,
            opportunities_url(stage=[Stage.WON, Stage.LOST], closed_after=since),
            note="won ÷ (won + lost)",
        ),
    ]


def revenue_chart(*, user: User, period: Period) -> Chart:
    """Placed or shipped orders, by the month they were placed, for the last twelve months (one query)."""
    months = period.month_starts(REVENUE_MONTHS)
    rows = (
        access.orders_visible_to(user)
        .filter(status__in=BOOKED_STATUSES, placed_at__gte=start_of(months[0]))
        .annotate(month=TruncMonth("placed_at", output_field=DateField()))
        .order_by()
        .values("month")
        .annotate(total=Sum("total"))
    )
    totals = {row["month"]: row["total"] for row in rows}
    return Chart(
        key="revenue-by-month",
        title="Revenue from placed orders by month",
        category_label="Month placed",
        value_label=f"Revenue ({settings.CRM_CURRENCY})",
        bars=[
            Bar(
                month_text(month),
                totals.get(month) or ZERO,
                money(totals.get(month)),
                orders_url(
                    status=list(BOOKED_STATUSES),
                    placed_at_after=month.isoformat(),
                    placed_at_before=month_end(month).isoformat(),
                ),
            )
            for month in months
        ],
    )


def pipeline_team_columns() -> TeamColumns:
    return TeamColumns(
        key="pipeline",
        team_kind=TeamKind.SALES,
        order=10,
        columns=(("open_opportunities", "Open opportunities"), ("pipeline_value", "Pipeline value")),
        values=pipeline_by_member,
    )


def pipeline_by_member(*, user: User, member_ids: list[int], period: Period) -> dict[int, dict[str, Cell]]:
    """The members' open opportunities, from the dashboard's shared grouped query (no query of its own there)."""
    members = set(member_ids)
    open_rows = [row for row in pipeline_rows(user=user, period=period) if row["stage"] in OPEN_STAGES]
    found = {owner_id: row for owner_id, row in _totals_by(open_rows, "owner_id").items() if owner_id in members}
    cells = {}
    for member_id in member_ids:
        row = found.get(member_id, {})
        url = opportunities_url(owner=member_id, stage=OPEN_STAGES)
        cells[member_id] = {
            "open_opportunities": Cell(str(row.get("count", 0)), url),
            "pipeline_value": Cell(money(row.get("total")), url),
        }
    return cells
