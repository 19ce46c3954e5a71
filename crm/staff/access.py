"""Access for team oversight (docs/ACCESS.md, "Managers' tools"): moving a member's work,
the dashboard and its work tables, and the access explainer. Managers oversee the teams they
manage; admins oversee every team.
"""

from django.db.models import Q

from accounts.models import Role, Team, User


def can_reassign_team_work(user: User, team: Team) -> bool:
    """Moving one member's records to another member of the team: the team's manager, or an admin."""
    return user.is_authenticated and user.is_active and (user.is_admin or team.manager_id == user.pk)


def can_view_dashboard(user: User) -> bool:
    """The manager dashboard: managers (over what they may view) and admins (over everything)."""
    return user.is_authenticated and user.is_active and (user.is_admin or user.role == Role.MANAGER)


def can_explain_access(user: User) -> bool:
    """The access explainer ("Who can see this?"): managers and admins, on records they may view themselves."""
    return can_view_dashboard(user)


def led_teams_condition(user: User, *, team_field: str = "team") -> Q:
    """Rows of the teams `user` oversees (work tables, reassignment): those they manage; an admin, every team."""
    return Q() if user.is_admin else Q(**{f"{team_field}__manager_id": user.pk})


def sees_team_work(user: User) -> bool:
    """The home page's table of their teams' work: managers (admins have the dashboard)."""
    return user.is_authenticated and user.is_active and user.role == Role.MANAGER


def oversees_staff(user: User) -> bool:
    """The home page's users, teams and latest access changes: admins."""
    return user.is_authenticated and user.is_admin
