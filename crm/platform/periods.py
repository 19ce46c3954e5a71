from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone


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
