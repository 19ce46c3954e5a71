"""Support's part in crm's bulk reassignment (registered from SupportConfig.ready()): a member's
open tickets, counted by a selector and moved by a service (support.services.tickets)."""

from datetime import datetime

from accounts.models import Team, TeamKind, User
from crm.staff.reassignment import Mover, Pending

from . import selectors
from .services import tickets as services


def count_tickets(*, team: Team, from_user: User) -> list[Pending]:
    count = selectors.team_open_tickets_assigned_to(team=team, assignee=from_user).count()
    return [Pending("tickets", "open tickets", count, one="open ticket")]


def move_tickets(
    *, acting_user: User, team: Team, from_user: User, to_user: User, now: datetime, include_closed: bool = False
) -> int:
    # `include_closed` is about deals: finished tickets always keep who worked them.
    return services.tickets_reassign(acting_user=acting_user, team=team, from_user=from_user, to_user=to_user, now=now)


def tickets_mover() -> Mover:
    return Mover(
        kind="tickets",
        label="Open tickets assigned to them",
        one="ticket",
        team_kind=TeamKind.SUPPORT,
        order=30,
        move=move_tickets,
        count=count_tickets,
    )
