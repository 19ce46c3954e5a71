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
from decimal import Decimal

from accounts.models import User
from crm.platform.periods import Period


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
