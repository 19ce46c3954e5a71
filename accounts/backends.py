"""Authentication backends.

RoleModelBackend: Django's model permissions, where a user's groups are derived: the
group of their role (so role membership never needs syncing). Only Django admin reads
them, and only admins reach it: other roles' groups grant nothing (accounts/roles.py). Rows in the raw
user-groups table grant nothing (Django admin no longer edits them); a team's group
holds grants on records, read from team membership by the access policies.

PolicyBackend: the one answer to `user.has_perm(perm, record)`. Each context registers
its access policy here; the answer comes from the same rules as its `visible_to`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Model

from .roles import ROLES_IN_DJANGO_ADMIN, role_group_name


class RoleModelBackend(ModelBackend):
    def _get_group_permissions(self, user_obj):
        if user_obj.role not in ROLES_IN_DJANGO_ADMIN:  # model permissions are Django admin's, and only admins reach it
            return Permission.objects.none()
        return Permission.objects.filter(group__name=role_group_name(user_obj.role))


@dataclass(frozen=True)
class ObjectPolicy:
    model: type[Model]
    # codename ("change_customer") -> can(user, record)
    checks: dict[str, Callable[[object, Model], bool]]


_policies: dict[type[Model], ObjectPolicy] = {}


def register_object_policy(policy: ObjectPolicy) -> None:
    _policies[policy.model] = policy


class PolicyBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if obj is None or not user_obj.is_active:
            return False
        policy = _policies.get(type(obj))
        if policy is None:
            return False
        app_label, _, codename = perm.partition(".")
        if app_label != obj._meta.app_label or codename not in policy.checks:
            return False
        return policy.checks[codename](user_obj, obj)
