"""Bulk reassignment: a manager moves one member's work to another member of the same team, at once.

crm moves customers; sales and support register movers for their records from their
AppConfig.ready(), so crm imports neither:

    register_reassignment_mover(Mover(
        kind="tickets", label="Open tickets assigned to them", team_kind=TeamKind.SUPPORT, order=30,
        move=lambda *, acting_user, team, from_user, to_user, now, include_closed: count_moved,
        count=lambda *, team, from_user: [Pending("tickets", "open tickets", n)],
    ))

Before anything moves, `team_reassign_preview` says how much would: each mover counts its
records in parts ("open opportunities", "won or lost deals"); a part marked `closed` moves
only when the caller asks for closed records too (`include_closed`, off by default).

A mover only writes: `team_reassign` has already checked who acts and who the two
members are. Every mover runs in one transaction, so a refusal or a failure in any of
them leaves nothing moved. Each moved record's version goes up, so an edit based on
the record as it was before is refused as stale.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from crm.staff import access

# The one answer to a user who is not a member of the team, whatever the reason: another team's
# user, a user in no team, an id that names nobody, a value that is no id. Nothing tells them apart.
NOT_A_MEMBER = "Not a member of this team."

# A member as the caller names them: the user, their id as a client sent it, or None (a value that is no id).
NamedMember = User | int | None


@dataclass(frozen=True)
class Pending:
    """Records of one part of a kind that a reassignment would move (or leave, if `closed` and not asked for)."""

    part: str  # as the API names it: "customers", "opportunities", "closed_opportunities", "tickets"
    label: str  # "open opportunities", "won or lost deals"
    count: int
    closed: bool = False  # moves only with include_closed
    one: str = ""  # the label for exactly one record ("customer"); default: `label`

    @property
    def counted(self) -> str:
        """ "1 customer", "3 open opportunities"."""
        return f"{self.count} {self.one if self.count == 1 and self.one else self.label}"


@dataclass(frozen=True)
class Mover:
    kind: str  # as the API and the form name it: "customers", "opportunities", "tickets"
    label: str
    team_kind: str  # the members of teams of this kind own or work these records
    order: int
    # (*, acting_user, team, from_user, to_user, now, include_closed) -> how many records moved
    move: Callable[..., int]
    # (*, team, from_user) -> what `move` would touch, in parts (None: not counted in a preview)
    count: Callable[..., list[Pending]] | None = None
    closed_label: str = ""  # the choice that also moves its closed records ("Also move won and lost deals")
    one: str = ""  # one record of the kind, for "Moved ...: 1 customer" (default: the kind)

    def counted(self, count: int) -> str:
        """ "1 customer", "3 customers"."""
        return f"{count} {self.one if count == 1 and self.one else self.kind}"


_movers: dict[str, Mover] = {}


def register_reassignment_mover(mover: Mover) -> None:
    _movers[mover.kind] = mover


def movers_for(team: Team) -> list[Mover]:
    """The movers that apply to `team`'s members, in order."""
    return sorted((m for m in _movers.values() if m.team_kind == team.kind), key=lambda m: (m.order, m.kind))


@transaction.atomic
def team_reassign(
    *,
    acting_user: User,
    team: Team,
    from_user: NamedMember,
    to_user: NamedMember,
    kinds: Iterable[str] | None = None,
    include_closed: bool = False,
) -> dict[str, int]:
    """Move `from_user`'s records of `kinds` (default: every kind for this team) to `to_user`.

    Answers how many records of each kind moved. Won and lost deals move only with
    `include_closed`. Only a manager of the team or an admin may; both users must be
    members of the team, and `to_user` active.
    """
    from_user, to_user, movers = _checked(
        acting_user=acting_user, team=team, from_user=from_user, to_user=to_user, kinds=kinds
    )
    now = timezone.now()
    return {
        mover.kind: mover.move(
            acting_user=acting_user,
            team=team,
            from_user=from_user,
            to_user=to_user,
            now=now,
            include_closed=include_closed,
        )
        for mover in movers
    }


def team_reassign_preview(
    *,
    acting_user: User,
    team: Team,
    from_user: NamedMember,
    to_user: NamedMember,
    kinds: Iterable[str] | None = None,
    include_closed: bool = False,
) -> list[tuple[Pending, bool]]:
    """What `team_reassign` with the same arguments would do, moving nothing: (part, whether it moves).

    Checked exactly like the move itself, so a preview that answers will move what it said
    (unless the records change in between).
    """
    from_user, _to_user, movers = _checked(
        acting_user=acting_user, team=team, from_user=from_user, to_user=to_user, kinds=kinds
    )
    return [
        (pending, include_closed or not pending.closed)
        for mover in movers
        if mover.count is not None
        for pending in mover.count(team=team, from_user=from_user)
    ]


def _checked(
    *, acting_user: User, team: Team, from_user: NamedMember, to_user: NamedMember, kinds
) -> tuple[User, User, list[Mover]]:
    """Who acts, the two members (read once, as they are now) and the movers; refuses any of them."""
    if not access.can_reassign_team_work(acting_user, team):
        raise PermissionDenied("Only the team's manager or an admin may move its members' work.")
    from_member, to_member = _members_named(team=team, from_user=from_user, to_user=to_user)
    return from_member, to_member, _chosen_movers(team, kinds)


def _chosen_movers(team: Team, kinds: Iterable[str] | None) -> list[Mover]:
    available = movers_for(team)
    if kinds is None:
        return available
    kinds = list(kinds)
    by_kind = {mover.kind: mover for mover in available}
    unknown = [kind for kind in kinds if kind not in by_kind]
    if unknown:
        choices = ", ".join(by_kind) or "none"
        message = f"Not movable within a {team.kind} team: {', '.join(unknown)}. Choose from: {choices}."
        raise ValidationError({"kinds": [message]})
    if not kinds:
        raise ValidationError({"kinds": ["Choose at least one kind of record to move."]})
    return [mover for mover in available if mover.kind in kinds]


def _members_named(*, team: Team, from_user: NamedMember, to_user: NamedMember) -> tuple[User, User]:
    """The two members of `team`, in one read of its membership; any value that names no member
    (another team's user, a user in no team, an id that names nobody) gets NOT_A_MEMBER."""
    from_id, to_id = _id_of(from_user), _id_of(to_user)
    wanted = {user_id for user_id in (from_id, to_id) if user_id is not None}
    members = {member.pk: member for member in User.objects.filter(pk__in=wanted, team_membership__team=team)}
    from_member, to_member = members.get(from_id), members.get(to_id)
    errors = {}
    if from_member is None:
        errors["from_user"] = [NOT_A_MEMBER]
    if to_member is None:
        errors["to_user"] = [NOT_A_MEMBER]
    elif not to_member.is_active:
        errors["to_user"] = ["This user is not active."]
    elif to_member.pk == from_id:
        errors["to_user"] = ["Choose another member than the one whose work moves."]
    if errors:
        raise ValidationError(errors)
    return from_member, to_member


def _id_of(member: NamedMember) -> int | None:
    return member.pk if isinstance(member, User) else member
