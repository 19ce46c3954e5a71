"""The manager dashboard is built from sections and team columns that contexts register.

crm imports neither sales nor support: they register what they count from their
AppConfig.ready():

    register_dashboard_section(DashboardSection(
        key="pipeline", title="Pipeline", order=10,
        build=lambda *, user, period: SectionFigures(figures=[...], charts=[...]) or None,
    ))
    register_team_columns(TeamColumns(
        key="pipeline", team_kind=TeamKind.SALES, order=10, columns=(("open", "Open opportunities"), ...),
        values=lambda *, user, member_ids, period: {member_id: {"open": Cell(...)}},
    ))

Every figure is counted over the records the user may view (each context's
visible_to), and carries the URL of the filtered list that shows the rows behind it.
A section or a column costs a fixed number of queries, whatever the number of records.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import TeamMembership, User


@dataclass(frozen=True)
class Period:
    """The moments figures are counted from, fixed once per request (in the installation's time zone)."""

    now: datetime
    today: date
    # Aggregates that a section and a team column both read, computed once per request
    # (keyed by what they count and for whom); see `shared`.
    _shared: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def at(cls, now: datetime | None = None) -> "Period":
        now = now or timezone.now()
        return cls(now=now, today=timezone.localdate(now))

    def shared(self, key: tuple, compute: Callable[[], object]):
        """`compute()` once per request and key: the dashboard's sections and team columns share a grouped query."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    @property
    def week_start(self) -> date:
        return self.today - timedelta(days=self.today.weekday())

    @property
    def month_start(self) -> date:
        return self.today.replace(day=1)

    @property
    def month_end(self) -> date:
        return month_end(self.month_start)

    @property
    def quarter_start(self) -> date:
        return self.today.replace(month=(self.today.month - 1) // 3 * 3 + 1, day=1)

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def month_starts(self, count: int) -> list[date]:
        """The first days of the last `count` months, oldest first, this month last."""
        starts = [self.month_start]
        for _ in range(count - 1):
            starts.append((starts[-1] - timedelta(days=1)).replace(day=1))
        return starts[::-1]


def start_of(day: date) -> datetime:
    """Midnight at the start of `day`, in the installation's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def month_end(month_start: date) -> date:
    return (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


@dataclass(frozen=True)
class Figure:
    """A headline number and the list behind it."""

    key: str
    label: str
    value: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | float
    display: str
    url: str


@dataclass(frozen=True)
class Chart:
    """A bar chart (Chart.js in the browser) with the table that says the same."""

    key: str
    title: str
    category_label: str  # what each bar stands for: "Stage", "Month", ...
    value_label: str
    bars: list[Bar]
    kind: str = "bar"
    whole_numbers: bool = False  # counts: no 0.5 ticks
    max_value: float | None = None  # a scale with a ceiling (ratings: 5)

    @property
    def element_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.key}"

    def spec(self) -> dict:
        """What static/js/dashboard.js draws; passed to the page with json_script."""
        return {
            "type": self.kind,
            "label": self.value_label,
            "labels": [bar.label for bar in self.bars],
            "values": [float(bar.value) for bar in self.bars],
            "urls": [bar.url for bar in self.bars],
            "wholeNumbers": self.whole_numbers,
            "max": self.max_value,
        }


@dataclass(frozen=True)
class SectionFigures:
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class DashboardSection:
    key: str
    title: str
    order: int
    build: Callable[..., SectionFigures | None]  # (*, user, period); None: not shown to this user


@dataclass(frozen=True)
class RenderedSection:
    key: str
    title: str
    figures: list[Figure]
    charts: list[Chart]


_sections: dict[str, DashboardSection] = {}


def register_dashboard_section(section: DashboardSection) -> None:
    _sections[section.key] = section


def dashboard_sections_for(*, user: User, period: Period) -> list[RenderedSection]:
    rendered = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        built = section.build(user=user, period=period)
        if built is not None:
            rendered.append(RenderedSection(section.key, section.title, built.figures, built.charts))
    return rendered


# The team table: one row per member of the teams the user leads, columns from the contexts.


@dataclass(frozen=True)
class Cell:
    value: str
    url: str = ""


@dataclass(frozen=True)
class TeamColumns:
    key: str
    team_kind: str  # the columns count for members of teams of this kind; others show a dash
    order: int
    columns: tuple[tuple[str, str], ...]  # (key, heading)
    values: Callable[..., dict[int, dict[str, Cell]]]  # (*, user, member_ids, period) -> {member id: {key: cell}}


_team_columns: dict[str, TeamColumns] = {}


def register_team_columns(columns: TeamColumns) -> None:
    _team_columns[columns.key] = columns


@dataclass(frozen=True)
class TeamRow:
    member: User
    cells: list[Cell | None]  # None: the column does not apply to this member's team


@dataclass(frozen=True)
class TeamTable:
    team_id: int
    team_name: str
    team_kind: str
    rows: list[TeamRow]


@dataclass(frozen=True)
class TeamTables:
    headings: list[str]
    tables: list[TeamTable]


def team_tables(*, user: User, memberships, period: Period) -> TeamTables:
    """Per team, per member: the registered columns, counted over what `user` may view.

    `memberships` are the TeamMembership rows to show (with user and team selected);
    one query for them, then at most one per registered group of columns (none when no team
    of its kind is shown; none when it reads a grouped query the dashboard's sections share).
    """
    memberships = list(memberships)
    groups = sorted(_team_columns.values(), key=lambda g: (g.order, g.key))
    values = {}
    for group in groups:
        # Only members of teams the columns count for; no team of that kind, no query.
        member_ids = list(dict.fromkeys(m.user_id for m in memberships if m.team.kind == group.team_kind))
        values[group.key] = group.values(user=user, member_ids=member_ids, period=period) if member_ids else {}
    tables: dict[int, TeamTable] = {}
    for membership in memberships:
        team = membership.team
        table = tables.setdefault(team.pk, TeamTable(team.pk, team.name, team.kind, []))
        cells = []
        for group in groups:
            for column_key, _heading in group.columns:
                applies = group.team_kind == team.kind
                cell = values[group.key].get(membership.user_id, {}).get(column_key) if applies else None
                cells.append(cell or (Cell("0") if applies else None))
        table.rows.append(TeamRow(membership.user, cells))
    headings = [heading for group in groups for _key, heading in group.columns]
    return TeamTables(headings=headings, tables=list(tables.values()))


def memberships_led_by(user: User, *, team_ids=None):
    """The memberships of the teams `user` manages (an admin: of every team), members and teams selected."""
    memberships = TeamMembership.objects.select_related("user", "team").order_by(
        "team__name", "user__username", "user_id"
    )
    if not user.is_admin:
        memberships = memberships.filter(team__manager_id=user.pk)
    if team_ids is not None:
        memberships = memberships.filter(team_id__in=team_ids)
    return memberships
