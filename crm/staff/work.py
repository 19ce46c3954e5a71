from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import TeamMembership, User
from crm.platform.periods import Period
from crm.staff import access


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
    memberships = memberships.filter(access.led_teams_condition(user))
    if team_ids is not None:
        memberships = memberships.filter(team_id__in=team_ids)
    return memberships
