"""Model permissions, and the one thing that reads them: Django admin.

Each role is backed by a Django group ("Role: Sales"), derived from the user's role. Only
admins reach Django admin (User.save makes `is_staff` follow the role `admin`); a superuser
passes every check, and an admin who is not a superuser passes Django admin's model checks
(`has_perm("crm.view_customer")`, without a record) through the group of the role `admin`,
which carries the permissions below, put back at every `migrate`. Other roles never reach
Django admin, so their groups carry no model permissions (RoleModelBackend reads none for them).

Nothing else reads model permissions: the portal, the API and each record in Django admin
are decided by the policy objects in each context's access.py (PolicyBackend). Other
contexts add the admin's permissions on their models from their AppConfig.ready().
"""

from django.contrib.auth.models import Group, Permission

from .models import Role

ROLE_GROUP_PREFIX = "Role: "
# The roles whose group carries model permissions: those who reach Django admin.
ROLES_IN_DJANGO_ADMIN = frozenset({Role.ADMIN})
_admin_permissions: set[str] = set()


def role_group_name(role: str) -> str:
    return f"{ROLE_GROUP_PREFIX}{Role(role).label}"


def grant_admin_permissions(permissions: list[str]) -> None:
    """Register model permissions ("app_label.codename", or "app_label.*") that the admin role's group carries."""
    _admin_permissions.update(permissions)


grant_admin_permissions(["accounts.*", "authtoken.*", "axes.*", "guardian.*", "auth.*"])


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
        if role in ROLES_IN_DJANGO_ADMIN and _admin_permissions:
            group.permissions.add(*_permissions_named(_admin_permissions))
