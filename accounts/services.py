"""Writes to users and teams. Each one checks the invariants of ACCESS.md:

- deactivating a user (and reactivating one) ends every session and revokes every API
  token of theirs, whichever path does it (API, Django admin): `user_set_active` is the
  one place; a new password revokes the tokens (`user_set_password`), and Django's
  session hash ends the other sessions;

- a team's manager has the role `manager`;
- a team's members have the role matching its kind (sales or support);
- a sales or support user is a member of at most one team;
- a user's role cannot change while the change would break one of the above.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from . import sessions
from .access import can_manage_users, can_set_password, can_set_preferences, forget_staff_scope
from .models import Role, Team, TeamKind, TeamMembership, User


def _require_admin(acting_user: User) -> None:
    if not can_manage_users(acting_user):
        raise PermissionDenied("Only admins manage users and teams.")


def validate_role_change(user: User, new_role: str) -> None:
    if user.pk is None or new_role == user.role:
        return
    if user.managed_teams.exists() and new_role != Role.MANAGER:
        raise ValidationError({"role": ["This user manages a team; give the team another manager first."]})
    membership = TeamMembership.objects.filter(user=user).select_related("team").first()
    if membership and membership.team.kind != new_role:
        raise ValidationError(
            {
                "role": [
                    f"This user is a member of the {membership.team.kind} team {membership.team}; remove them first."
                ]
            }
        )


def validate_role_and_team(user: User, role: str, team: Team | None) -> None:
    """`user` with `role`, member of `team` (None: of no team), as an admin sets both at once."""
    errors = {}
    if user.pk is not None and role != Role.MANAGER and user.managed_teams.exists():
        errors["role"] = ["This user manages a team; give the team another manager first."]
    if team is not None and team.kind != role:
        errors["team"] = [f"{team} is a {team.kind} team; it takes users with the role {team.kind}."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_set_team(*, acting_user: User, user: User, team: Team | None) -> None:
    """Move `user` into `team`, or out of their team (None). Each membership change reaches the audit trail."""
    _require_admin(acting_user)
    validate_role_and_team(user, user.role, team)
    current = TeamMembership.objects.filter(user=user).first()
    if current is not None and team is not None and current.team_id == team.pk:
        return
    if current is not None:
        current.delete()
    if team is not None:
        TeamMembership.objects.create(team=team, user=user)
    forget_staff_scope(user)


@transaction.atomic
def user_create(*, acting_user: User, username: str, password: str | None = None, **fields) -> User:
    _require_admin(acting_user)
    user = User(username=username, **fields)
    if password:
        validate_password_for_field(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_update(*, acting_user: User, user: User, password: str | None = None, **fields) -> User:
    _require_admin(acting_user)
    if "role" in fields:
        validate_role_change(user, fields["role"])
    if user.is_superuser and fields.get("role", Role.ADMIN) != Role.ADMIN:
        raise ValidationError({"role": ["A superuser's role is always admin."]})
    is_active = fields.pop("is_active", None)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "is_active"])
    user.save()
    if password:
        user_set_password(acting_user=acting_user, user=user, password=password)
    if is_active is not None:
        user_set_active(acting_user=acting_user, user=user, is_active=is_active)
    forget_staff_scope(user)
    return user


@transaction.atomic
def user_set_active(*, acting_user: User, user: User, is_active: bool) -> User:
    """The one way a user is deactivated or reactivated (API, Django admin, its bulk actions).

    A change either way ends every session and revokes every API token of the user, so
    reactivation revives nothing from before: the user signs in again. (Ending them at
    reactivation as well covers a deactivation that bypassed this service.)
    """
    _require_admin(acting_user)
    if not is_active and user.pk == acting_user.pk:
        raise ValidationError({"is_active": ["You cannot deactivate yourself."]})
    stored = User.objects.select_for_update().filter(pk=user.pk).values_list("is_active", flat=True).first()
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    if stored != is_active or not is_active:
        end_sessions_and_tokens(user)
    forget_staff_scope(user)
    return user


@transaction.atomic
def user_deactivate(*, acting_user: User, user: User) -> User:
    """Users own records, so they are deactivated rather than deleted."""
    return user_set_active(acting_user=acting_user, user=user, is_active=False)


def end_sessions_and_tokens(user: User) -> None:
    sessions.end_all_sessions(user)
    sessions.revoke_tokens(user)


@transaction.atomic
def user_set_password(*, acting_user: User, user: User, password: str | None) -> User:
    """A new password (None: an unusable one) revokes the user's API tokens, so that whoever
    learned the old one keeps nothing. The new hash also ends the user's sessions (Django);
    a view keeps the session it was changed in with update_session_auth_hash."""
    if not can_set_password(acting_user, user):
        raise PermissionDenied("Only the user or an admin sets a password.")
    if password is None:
        user.set_unusable_password()
    else:
        validate_password_for_field(password, user)
        user.set_password(password)
    user.save(update_fields=["password"])
    sessions.revoke_tokens(user)
    return user


@transaction.atomic
def user_set_preferences(*, acting_user: User, user: User, time_zone: str, date_locale: str) -> User:
    """The time zone and date format the portal writes `user`'s times in (empty: the installation's)."""
    if not can_set_preferences(acting_user, user):
        raise PermissionDenied("Only the user or an admin sets these.")
    user.time_zone, user.date_locale = time_zone, date_locale
    user.full_clean(validate_unique=False, exclude=[f.name for f in User._meta.fields if f.name not in PREFERENCES])
    user.save(update_fields=PREFERENCES)
    return user


PREFERENCES = ["time_zone", "date_locale"]


def validate_password_for_field(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


def validate_team(*, kind: str, manager: User, members: Iterable[User], team: Team | None) -> None:
    errors: dict[str, list[str]] = {}
    if manager.role != Role.MANAGER or not manager.is_active:
        errors["manager"] = [f"{manager.username} is not an active user with the role manager."]
    member_errors = []
    for member in members:
        if member.role != kind:
            member_errors.append(f"{member.username} has the role {member.role}; a {kind} team takes {kind} users.")
        elif TeamMembership.objects.filter(user=member).exclude(team=team).exists():
            member_errors.append(f"{member.username} is already a member of another team.")
    if member_errors:
        errors["members"] = member_errors
    if kind not in TeamKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(TeamKind.values)}."]
    if errors:
        raise ValidationError(errors)


def _set_members(team: Team, members: Iterable[User]) -> None:
    wanted = {member.pk for member in members}
    TeamMembership.objects.filter(team=team).exclude(user_id__in=wanted).delete()
    existing = set(TeamMembership.objects.filter(team=team).values_list("user_id", flat=True))
    for user_id in sorted(wanted - existing):  # one by one, so that each membership reaches the audit trail
        TeamMembership.objects.create(team=team, user_id=user_id)


@transaction.atomic
def team_create(*, acting_user: User, name: str, kind: str, manager: User, members: Iterable[User] = ()) -> Team:
    _require_admin(acting_user)
    members = list(members)
    validate_team(kind=kind, manager=manager, members=members, team=None)
    if Team.objects.filter(name=name).exists():
        raise ValidationError({"name": ["A team with this name already exists."]})
    group = Group.objects.create(name=f"Team: {name}")
    team = Team(name=name, kind=kind, manager=manager, group=group)
    team.full_clean()
    team.save()
    _set_members(team, members)
    return team


@transaction.atomic
def team_update(
    *,
    acting_user: User,
    team: Team,
    name: str | None = None,
    kind: str | None = None,
    manager: User | None = None,
    members: Iterable[User] | None = None,
) -> Team:
    _require_admin(acting_user)
    new_kind = kind or team.kind
    new_members = list(members) if members is not None else list(team.members.all())
    validate_team(kind=new_kind, manager=manager or team.manager, members=new_members, team=team)
    if name and name != team.name:
        if Team.objects.filter(name=name).exclude(pk=team.pk).exists():
            raise ValidationError({"name": ["A team with this name already exists."]})
        team.name = name
        team.group.name = f"Team: {name}"
        team.group.save(update_fields=["name"])
    team.kind = new_kind
    team.manager = manager or team.manager
    team.full_clean()
    team.save()
    _set_members(team, new_members)
    return team


@transaction.atomic
def team_delete(*, acting_user: User, team: Team) -> None:
    _require_admin(acting_user)
    group = team.group
    try:
        team.delete()
    except ProtectedError as error:
        kinds = sorted({str(record._meta.verbose_name_plural) for record in error.protected_objects})
        raise ValidationError(f"This team still has {', '.join(kinds)}; move them to another team first.") from error
    group.delete()
