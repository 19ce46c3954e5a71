"""What the services of opportunities and orders share: who owns a new record, on which customer,
which fields a caller may set, and handing records over to another owner."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet

from accounts.models import User
from crm.customers.models import Customer
from crm.platform.audit.bulk import reassign_and_record

from .. import access


def owner_for_new_record(*, acting_user: User, owner: User | None) -> User:
    if owner is None and acting_user.is_admin:
        raise ValidationError({"owner": ["Name the owner: a sales user or a manager."]})
    owner = owner or acting_user
    if owner.pk != acting_user.pk and not access.may_name_owner(acting_user):
        raise PermissionDenied("A salesperson owns what they create; only a manager may name another owner.")
    check_assignable(acting_user=acting_user, owner=owner)
    return owner


def check_assignable(*, acting_user: User, owner: User) -> None:
    if not access.owners_assignable_by(acting_user).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": ["Choose a sales user or manager of a team you manage, or yourself."]})


def check_customer_for_new_record(*, acting_user: User, customer: Customer, may_create) -> None:
    if not may_create(acting_user):
        raise PermissionDenied("Your role may not create sales records.")
    if not may_create(acting_user, customer):
        # Answered like a customer that does not exist: it does not, for this user.
        raise ValidationError({"customer": ["No such customer."]})


def settable(values: dict, allowed: frozenset[str]) -> dict:
    """`values`, when every name in it is one a caller may set; else a ValidationError naming the others."""
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in sorted(unknown)})
    return values


def hand_over(records: QuerySet, *, acting_user: User, to_user: User, now) -> int:
    """`records` become `to_user`'s, each with an audit entry and a new version (an edit based on
    the record as it was is refused as stale). Answers how many moved."""
    return reassign_and_record(
        records, field="owner", to=to_user, version=F("version") + 1, updated_at=now, updated_by=acting_user
    )
