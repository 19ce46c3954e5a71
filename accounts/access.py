"""Access policy for users and teams, and the staff scope every other policy builds on.

A user's scope says where they stand in the hierarchy of ACCESS.md: their teams, the
teams they manage and those teams' members. It is read from the records' own fields
(roles, Team.manager, TeamMembership) once per request, so it is always current.

Users: admins see everyone; a manager sees themselves and the members of the teams
they manage; everyone else sees themselves. Teams: admins see every team; a manager
sees the teams they manage; a member sees their own team. Only admins change either.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Expression, Q, QuerySet

from .backends import ObjectPolicy
from .models import Role, Team, TeamKind, TeamMembership, User

# Facts about the users someone acts for that upper layers read on most requests (crm: "does
# any of them own a customer?"), answered in the staff scope's own query instead of one more.
# Each builds an expression from the user's id and a subquery of the members they manage.
ScopeFact = Callable[[int, QuerySet], Expression]
_SCOPE_FACTS: dict[str, ScopeFact] = {}


def register_scope_fact(name: str, build: ScopeFact) -> None:
    """Answer `name` in the staff scope's query; policies find it in `scope.memo[name]`."""
    _SCOPE_FACTS[name] = build


@dataclass(frozen=True)
class StaffScope:
    user_id: int
    role: str
    is_admin: bool
    team_ids: frozenset[int]  # the teams the user is a member of (at most one)
    managed_team_ids: frozenset[int]
    managed_member_ids: frozenset[int]  # members of the teams the user manages
    grant_group_ids: frozenset[int]  # groups of their own and their managed teams
    support_team_ids: frozenset[int]  # support teams they are in or manage
    # Answers other policies compute at most once per request about this user ("owns any customer?").
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def acting_user_ids(self) -> frozenset[int]:
        """The users whose rights this user has: themselves and, for a manager, their members."""
        return self.managed_member_ids | {self.user_id}

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def in_support_directory(self) -> bool:
        """Support users, and managers of a support team, may look up every customer."""
        return self.role == Role.SUPPORT or bool(self.support_team_ids & self.managed_team_ids)


def staff_scope(user: User) -> StaffScope:
    """The user's place in the hierarchy, computed once per user object (one request)."""
    cached = getattr(user, "_staff_scope", None)
    if cached is not None:
        return cached
    # One query: the user's teams and, for the teams they manage, every member (a left join).
    teams = Team.objects.filter(Q(manager_id=user.pk) | Q(memberships__user_id=user.pk))
    rows = list(teams.annotate(**_scope_facts(user)).values(*_SCOPE_COLUMNS, *_SCOPE_FACTS))
    user._staff_scope = _scope_from_rows(user, rows)
    if rows:  # without a team, a policy that needs a fact asks for it itself
        user._staff_scope.memo.update({name: rows[0][name] for name in _SCOPE_FACTS})
    return user._staff_scope


def _scope_facts(user: User) -> dict[str, Expression]:
    managed_members = TeamMembership.objects.filter(team__manager_id=user.pk).values("user_id")
    return {name: build(user.pk, managed_members) for name, build in _SCOPE_FACTS.items()}


def prime_staff_scopes(users) -> list[User]:
    """Compute the scopes of many users in one query (the access explainer asks about every user)."""
    users = list(users)
    user_ids = [user.pk for user in users]
    rows = list(
        Team.objects.filter(Q(manager_id__in=user_ids) | Q(memberships__user_id__in=user_ids)).values(*_SCOPE_COLUMNS)
    )
    for user in users:
        own_rows = [row for row in rows if user.pk in (row["manager_id"], row["memberships__user_id"])]
        user._staff_scope = _scope_from_rows(user, own_rows)
    return users


_SCOPE_COLUMNS = ("id", "kind", "group_id", "manager_id", "memberships__user_id")


def _scope_from_rows(user: User, rows: list[dict]) -> StaffScope:
    """The scope from the rows of the teams the user manages (every member) or belongs to (their own row)."""
    teams = list({row["id"]: row for row in rows}.values())
    managed_team_ids = frozenset(t["id"] for t in teams if t["manager_id"] == user.pk)
    managed_member_ids = frozenset(
        row["memberships__user_id"]
        for row in rows
        if row["manager_id"] == user.pk and row["memberships__user_id"] is not None
    )
    return StaffScope(
        user_id=user.pk,
        role=user.role,
        is_admin=user.is_admin,
        team_ids=frozenset(t["id"] for t in teams if t["manager_id"] != user.pk),
        managed_team_ids=managed_team_ids,
        managed_member_ids=managed_member_ids,
        grant_group_ids=frozenset(t["group_id"] for t in teams),
        support_team_ids=frozenset(t["id"] for t in teams if t["kind"] == TeamKind.SUPPORT),
    )


def forget_staff_scope(user: User) -> None:
    """Drop the cached scope after a change to the user's teams in the same request."""
    user.__dict__.pop("_staff_scope", None)


def is_signed_in(user: User) -> bool:
    """A member of staff, signed in and active: the portal's pages are for them."""
    return user.is_authenticated and user.is_active


def users_visible_to(user: User) -> QuerySet[User]:
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_admin:
        return User.objects.all()
    scope = staff_scope(user)
    return User.objects.filter(pk__in=scope.acting_user_ids)


def teams_visible_to(user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_admin:
        return Team.objects.all()
    scope = staff_scope(user)
    return Team.objects.filter(pk__in=scope.team_ids | scope.managed_team_ids)


def active_users_in_teams_of(user: User) -> QuerySet[User]:
    """Active users the user stands beside: members and managers of the teams they belong to or
    manage, and themselves. An admin (who sees every user) stands beside every active user."""
    if not user.is_authenticated:
        return User.objects.none()
    active = User.objects.filter(is_active=True)
    if user.is_admin:
        return active
    team_ids = teams_visible_to(user).values("pk")
    return active.filter(
        Q(pk=user.pk) | Q(team_membership__team__in=team_ids) | Q(managed_teams__in=team_ids)
    ).distinct()


def can_view_user(user: User, other: User) -> bool:
    return user.is_admin or other.pk in staff_scope(user).acting_user_ids


def can_manage_users(user: User) -> bool:
    """Create, change and delete users and teams: admins only."""
    return user.is_authenticated and user.is_admin


def can_set_preferences(user: User, other: User) -> bool:
    """A user chooses their own time zone and date format; an admin may set anyone's."""
    return user.is_authenticated and user.is_active and (user.pk == other.pk or can_manage_users(user))


def can_set_password(user: User, other: User) -> bool:
    """A user changes their own password; an admin sets anyone's."""
    return user.is_authenticated and user.is_active and (user.pk == other.pk or can_manage_users(user))


def users_with_history_visible_to(user: User) -> QuerySet[User]:
    """The users whose history (role, activity) `user` may read: admins only, each user they see."""
    return users_visible_to(user) if can_manage_users(user) else User.objects.none()


def teams_with_history_visible_to(user: User) -> QuerySet[Team]:
    """The teams whose history (manager, members) `user` may read: admins only, each team they see."""
    return teams_visible_to(user) if can_manage_users(user) else Team.objects.none()


def can_view_team(user: User, team: Team) -> bool:
    scope = staff_scope(user)
    return user.is_admin or team.pk in scope.team_ids | scope.managed_team_ids


def user_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=User,
        checks={
            "view_user": can_view_user,
            "change_user": lambda user, other: can_manage_users(user),
            "delete_user": lambda user, other: can_manage_users(user),
        },
    )


def team_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=Team,
        checks={
            "view_team": can_view_team,
            "change_team": lambda user, team: can_manage_users(user),
            "delete_team": lambda user, team: can_manage_users(user),
        },
    )
