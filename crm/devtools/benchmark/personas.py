"""Who the benchmark logs in as: one user per persona, found by role (or named with --persona)."""

from django.core.management.base import CommandError
from django.db.models import Q

from accounts.models import Role, TeamKind, User

# Persona -> the users that fit it; the first by username is taken, so a data set always gives the same one.
PERSONAS = {
    "sales": Q(role=Role.SALES, team_membership__team__kind=TeamKind.SALES),
    "sales_manager": Q(role=Role.MANAGER, managed_teams__kind=TeamKind.SALES),
    "support_rep": Q(role=Role.SUPPORT, team_membership__team__kind=TeamKind.SUPPORT),
    "support_manager": Q(role=Role.MANAGER, managed_teams__kind=TeamKind.SUPPORT),
    "admin": Q(role=Role.ADMIN),
}


def resolve_personas(named: dict[str, str]) -> dict[str, User]:
    """Each persona's user: the one named on the command line, else the first that fits by username."""
    unknown = set(named) - set(PERSONAS)
    if unknown:
        raise CommandError(f"Unknown persona(s) {sorted(unknown)}; known: {sorted(PERSONAS)}.")
    users = {}
    for persona, fits in PERSONAS.items():
        candidates = User.objects.filter(is_active=True)
        if persona in named:
            user = candidates.filter(username=named[persona]).first()
        else:
            user = candidates.filter(fits).order_by("username").distinct().first()
        if user is None:
            raise CommandError(f"No active user for persona {persona!r}; name one with --persona {persona}=USERNAME.")
        users[persona] = user
    return users
