"""The manager dashboard is built from sections (a slot, "dashboard") and team columns that contexts register.

crm imports neither sales nor support: they register what they count from their
AppConfig.ready():

    DASHBOARD.register(SlotItem(
        key="pipeline", title="Pipeline", order=10, visible_to=access.sees_pipeline,
        build=pipeline_figures,  # (*, user, period) -> SectionFigures | None
    ))
    register_team_columns(TeamColumns(
        key="pipeline", team_kind=TeamKind.SALES, order=10, columns=(("open", "Open opportunities"), ...),
        values=lambda *, user, member_ids, period: {member_id: {"open": Cell(...)}},
    ))

Every figure is counted over the records the user may view (each context's
visible_to), and carries the URL of the filtered list that shows the rows behind it.
A section or a column costs a fixed number of queries, whatever the number of records.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from crm.platform.slots import Slot


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


DASHBOARD = Slot("dashboard")
