"""Each role is backed by a Django group that carries the role's model permissions.

Django admin shows and edits these groups. The defaults below are put back at every
`migrate` (admins add rights in Django admin; taking a default away is a code change).
Other contexts add their defaults from their AppConfig.ready().
"""

from collections import defaultdict

from django.contrib.auth.models import Group, Permission

from .models import Role

ROLE_GROUP_PREFIX = "Role: "
_default_permissions: dict[str, set[str]] = defaultdict(set)


def role_group_name(role: str) -> str:
    return f"{ROLE_GROUP_PREFIX}{Role(role).label}"


def grant_default_permissions(role: str, permissions: list[str]) -> None:
    """Register model permissions ("app_label.codename") that a role's group carries by default."""
    _default_permissions[Role(role)].update(permissions)


grant_default_permissions(Role.ADMIN, ["accounts.*", "authtoken.*", "axes.*", "guardian.*", "auth.*"])


def _permissions_named(names: set[str]):
    apps_wholly = {name.split(".")[0] for name in names if name.endswith(".*")}
    pairs = [name.split(".", 1) for name in names if not name.endswith(".*")]
    found = Permission.objects.filter(content_type__app_label__in=apps_wholly)
    for app_label, codename in pairs:
        found = found | Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return found.distinct()


def ensure_role_groups(**kwargs) -> None:
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role_group_name(role))
        wanted = _default_permissions.get(role, set())
        if wanted:
            group.permissions.add(*_permissions_named(wanted))
