"""What support adds to crm's manager dashboard: the tickets and satisfaction section (figures
and charts) and the support teams' columns (registered from SupportConfig.ready()).

Every figure starts from the support policy (tickets_visible_to, feedback_visible_to)
and links to the list that shows its rows with the same filter (support.filters).
"""

from datetime import timedelta

from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Q, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth

from accounts.models import TeamKind, User
from crm.insights.dashboard import Bar, Chart, Figure, SectionFigures
from crm.platform.dates import day_text, month_text
from crm.platform.periods import Period, month_end, start_of
from crm.platform.slots import SlotItem
from crm.staff.work import Cell, TeamColumns

from . import access
from .filters import breached_on_or_after, feedback_list_url, ticket_list_url
from .models import UNRESOLVED_STATUSES, TicketPriority, TicketStatus

FIRST_RESPONSE_DAYS = 30
CSAT_MONTHS = 6
PRIORITIES_MOST_URGENT_FIRST = (TicketPriority.URGENT, TicketPriority.HIGH, TicketPriority.NORMAL, TicketPriority.LOW)


def duration_text(duration: timedelta | None) -> str:
    if duration is None:
        return "—"
    minutes = round(duration.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def rating_text(total, count) -> str:
    return f"{total / count:.2f}" if count else "—"


def tickets_section() -> SlotItem:
    return SlotItem(
        key="tickets", title="Tickets and satisfaction", order=20, visible_to=access.sees_tickets, build=ticket_figures
    )


def ticket_figures(*, user: User, period: Period) -> SectionFigures:
    """Four queries: open tickets by assignee, priority and status, breaches by assignee (both shared with the
    team columns), the median first response, CSAT."""
    tickets = access.tickets_visible_to(user).order_by()
    open_rows = open_ticket_rows(user=user, period=period)
    breaches = sum(breaches_by_assignee(user=user, period=period).values())
    responded_since = period.days_ago(FIRST_RESPONSE_DAYS - 1)
    median = median_first_response(
        tickets.filter(created_at__gte=start_of(responded_since), first_response_at__isnull=False)
    )
    csat_chart, csat_total, csat_count = csat_by_month(user=user, period=period)
    csat_since = period.month_starts(CSAT_MONTHS)[0]
    figures = [
        Figure(
            "open-tickets",
            "Open tickets",
            str(sum(row["count"] for row in open_rows)),
            ticket_list_url(unresolved="true"),
        ),
        Figure(
            "breaches-week",
            "SLA breaches this week",
            str(breaches),
            ticket_list_url(breached_after=period.week_start.isoformat()),
            note=f"tickets with a clock overdue since {day_text(period.week_start)}",
        ),
        Figure(
            "median-first-response",
            "Median first response",
            duration_text(median),
            ticket_list_url(created_at_after=responded_since.isoformat(), responded="true"),
            note=f"tickets opened in the last {FIRST_RESPONSE_DAYS} days",
        ),
        Figure(
            "csat",
            "CSAT average",
            rating_text(csat_total, csat_count),
            feedback_list_url(created_at_after=csat_since.isoformat()),
            note=f"{csat_count} rating{'s' if csat_count != 1 else ''} (1–5) in {CSAT_MONTHS} months",
        ),
    ]
    charts = [_open_by_priority(open_rows), _open_by_status(open_rows), csat_chart]
    return SectionFigures(figures=figures, charts=charts)


def _open_by_priority(open_rows: list[dict]) -> Chart:
    counts = dict.fromkeys(TicketPriority.values, 0)
    for row in open_rows:
        counts[row["priority"]] += row["count"]
    return Chart(
        key="open-by-priority",
        title="Open tickets by priority",
        category_label="Priority",
        value_label="Tickets",
        whole_numbers=True,
        bars=[
            Bar(TicketPriority(p).label, counts[p], str(counts[p]), ticket_list_url(priority=p, unresolved="true"))
            for p in PRIORITIES_MOST_URGENT_FIRST
        ],
    )


def _open_by_status(open_rows: list[dict]) -> Chart:
    counts = dict.fromkeys(UNRESOLVED_STATUSES, 0)
    for row in open_rows:
        counts[row["status"]] += row["count"]
    return Chart(
        key="open-by-status",
        title="Open tickets by status",
        category_label="Status",
        value_label="Tickets",
        whole_numbers=True,
        bars=[
            Bar(TicketStatus(s).label.split(" (")[0], counts[s], str(counts[s]), ticket_list_url(status=s))
            for s in UNRESOLVED_STATUSES
        ],
    )


def open_ticket_rows(*, user: User, period: Period) -> list[dict]:
    """The visible unresolved tickets counted per assignee, priority and status.

    One grouped query per request (the unresolved tickets are a small part of all), shared by the
    section's charts and the team columns.
    """

    def compute() -> list[dict]:
        return list(
            access.tickets_visible_to(user)
            .filter(status__in=UNRESOLVED_STATUSES)
            .order_by()
            .values("assignee_id", "priority", "status")
            .annotate(count=Count("*"))  # COUNT(*), not of a column: an index-only scan answers it
        )

    return period.shared(("support.open_ticket_rows", user.pk), compute)


def breaches_by_assignee(*, user: User, period: Period) -> dict[int | None, int]:
    """The visible tickets that breached an SLA clock this week, per assignee (one query per request, shared)."""

    def compute() -> dict[int | None, int]:
        rows = (
            access.tickets_visible_to(user)
            .filter(breached_on_or_after(period.week_start))
            .order_by()
            .values("assignee_id")
            .annotate(count=Count("pk"))
        )
        return {row["assignee_id"]: row["count"] for row in rows}

    return period.shared(("support.breaches_by_assignee", user.pk), compute)


def median_first_response(tickets) -> timedelta | None:
    """The median wait from opening to the first reply, in one query that loads the middle row or two.

    The waits are ranked in the database (a window over the rows the filter keeps); with n rows the
    middle ones are at (n + 1) // 2 and n // 2 + 1.
    """
    wait = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    middle = list(
        tickets.annotate(
            wait=wait,
            position=Window(RowNumber(), order_by=[wait.asc(), F("pk").asc()]),
            rows=Window(Count("pk")),
        )
        .filter(Q(position=(F("rows") + 1) / 2) | Q(position=F("rows") / 2 + 1))
        .order_by()
        .values_list("wait", flat=True)
    )
    return sum(middle, timedelta()) / len(middle) if middle else None


def csat_by_month(*, user: User, period: Period) -> tuple[Chart, int, int]:
    """The average rating per month for the last months (one query), with the sum and count over all of them."""
    months = period.month_starts(CSAT_MONTHS)
    rows = (
        access.feedback_visible_to(user)
        .filter(created_at__gte=start_of(months[0]))
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"), total=Sum("rating"))
    )
    by_month = {row["month"]: row for row in rows}
    bars = []
    for month in months:
        row = by_month.get(month, {"count": 0, "total": 0})
        average = row["total"] / row["count"] if row["count"] else 0
        url = feedback_list_url(created_at_after=month.isoformat(), created_at_before=month_end(month).isoformat())
        bars.append(Bar(month_text(month), average, rating_text(row["total"], row["count"]), url))
    chart = Chart(
        key="csat-by-month",
        title="CSAT average by month",
        category_label="Month",
        value_label="Average rating (1–5)",
        bars=bars,
        max_value=5,
    )
    return chart, sum(row["total"] for row in by_month.values()), sum(row["count"] for row in by_month.values())


def ticket_team_columns() -> TeamColumns:
    return TeamColumns(
        key="tickets",
        team_kind=TeamKind.SUPPORT,
        order=20,
        columns=(("open_tickets", "Open tickets"), ("breaches", "SLA breaches this week")),
        values=tickets_by_assignee,
    )


def tickets_by_assignee(*, user: User, member_ids: list[int], period: Period) -> dict[int, dict[str, Cell]]:
    """The members' open tickets and breaches, from the grouped queries the dashboard's section shares."""
    week_start = period.week_start
    open_counts = {}
    for row in open_ticket_rows(user=user, period=period):
        open_counts[row["assignee_id"]] = open_counts.get(row["assignee_id"], 0) + row["count"]
    breaches = breaches_by_assignee(user=user, period=period)
    return {
        member_id: {
            "open_tickets": Cell(
                str(open_counts.get(member_id, 0)), ticket_list_url(assignee=member_id, unresolved="true")
            ),
            "breaches": Cell(
                str(breaches.get(member_id, 0)),
                ticket_list_url(assignee=member_id, breached_after=week_start.isoformat()),
            ),
        }
        for member_id in member_ids
    }
