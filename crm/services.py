"""Writes to customers, their contacts, timeline and shares.

Each service takes the acting user, asks the access policy, validates, and writes in
one transaction. A refused action raises PermissionDenied; bad input raises a
ValidationError naming the field; a change based on a stale version raises
StaleVersion and writes nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from guardian.shortcuts import assign_perm

from accounts.models import Role, Team, User

from . import access
from .models import Activity, Contact, Customer, CustomerShare, ShareLevel
from .versions import lock_for_change, save_new_version

CUSTOMER_FIELDS = frozenset({"name", "email", "phone", "industry"})
CONTACT_FIELDS = frozenset({"first_name", "last_name", "email", "phone"})
SHARE_PERMISSION = {ShareLevel.VIEW: "crm.view_customer", ShareLevel.EDIT: "crm.change_customer"}


def _check_owner(*, acting_user: User, owner: User, assignable_owner_ids: set[int] | None = None) -> None:
    if assignable_owner_ids is not None:
        allowed = owner.pk in assignable_owner_ids
    else:
        allowed = access.owners_assignable_by(acting_user).filter(pk=owner.pk).exists()
    if not allowed:
        raise ValidationError({"owner": ["Choose a sales user or manager of a team you manage, or yourself."]})


def new_customer(
    *, acting_user: User, name: str, owner: User | None = None, assignable_owner_ids: set[int] | None = None, **fields
) -> Customer:
    """A customer as `customer_create` makes it, checked and validated but not saved (a CSV import saves many).

    `assignable_owner_ids`, when given, is `owners_assignable_by(acting_user)` read once for many rows.
    """
    if not access.can_create_customer(acting_user):
        raise PermissionDenied("Your role may not create customers.")
    if owner is None and acting_user.is_admin:
        raise ValidationError({"owner": ["Name the owner: a sales user or a manager."]})
    owner = owner or acting_user
    if owner.pk != acting_user.pk and not acting_user.is_admin and acting_user.role == Role.SALES:
        raise PermissionDenied("A salesperson owns the customers they create; only a manager may name another owner.")
    _check_owner(acting_user=acting_user, owner=owner, assignable_owner_ids=assignable_owner_ids)
    customer = Customer(name=name, owner=owner, **_only(fields, CUSTOMER_FIELDS))
    # An owner from the owners read for the batch exists: spare the query per row that validating it costs.
    customer.full_clean(exclude=["owner"] if assignable_owner_ids is not None else None)
    return customer


@transaction.atomic
def customer_create(*, acting_user: User, name: str, owner: User | None = None, **fields) -> Customer:
    customer = new_customer(acting_user=acting_user, name=name, owner=owner, **fields)
    customer.save()
    return customer


@transaction.atomic
def customer_update(
    *, acting_user: User, customer: Customer, expected_version: int | None = None, **changes
) -> Customer:
    if not access.can_change_customer(acting_user, customer):
        raise PermissionDenied("You may view this customer but not change it.")
    new_owner = changes.pop("owner", None)
    if new_owner is not None and new_owner.pk != customer.owner_id:
        _check_reassign(acting_user=acting_user, customer=customer, new_owner=new_owner)
    current = lock_for_change(Customer, customer, expected_version)
    for name, value in _only(changes, CUSTOMER_FIELDS).items():
        setattr(current, name, value)
    if new_owner is not None:
        current.owner = new_owner
    save_new_version(current)
    access.forget_customer_access(customer)
    return current


def _check_reassign(*, acting_user: User, customer: Customer, new_owner: User) -> None:
    if not access.can_reassign_customer(acting_user, customer):
        raise PermissionDenied("Only the owner's manager or an admin may reassign this customer.")
    _check_owner(acting_user=acting_user, owner=new_owner)


def customer_reassign(
    *, acting_user: User, customer: Customer, new_owner: User, expected_version: int | None = None
) -> Customer:
    return customer_update(
        acting_user=acting_user, customer=customer, expected_version=expected_version, owner=new_owner
    )


@transaction.atomic
def customer_delete(*, acting_user: User, customer: Customer) -> None:
    if not access.can_delete_customer(acting_user, customer):
        raise PermissionDenied("Only the owner's manager or an admin may delete this customer.")
    try:
        customer.delete()
    except ProtectedError as error:
        kinds = sorted({str(record._meta.verbose_name_plural) for record in error.protected_objects})
        raise ValidationError(f"This customer still has {', '.join(kinds)}; close or move them first.") from error


@transaction.atomic
def customer_share(
    *,
    acting_user: User,
    customer: Customer,
    level: str,
    user: User | None = None,
    team: Team | None = None,
) -> tuple[CustomerShare, bool]:
    """Share with one user or one team; sharing again with the same one changes its level."""
    if not access.can_share_customer(acting_user, customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may share this customer.")
    _check_share_target(customer=customer, level=level, user=user, team=team)
    existing = CustomerShare.objects.filter(customer=customer, user=user, team=team).first()
    if existing is not None:
        _delete_grant(existing)
    grant = assign_perm(SHARE_PERMISSION[level], user or team.group, customer)
    share = CustomerShare.objects.create(
        customer=customer,
        user=user,
        team=team,
        level=level,
        user_grant=grant if user else None,
        team_grant=grant if team else None,
        shared_by=acting_user,
    )
    access.forget_customer_access(customer)
    return share, existing is None


def _check_share_target(*, customer: Customer, level: str, user: User | None, team: Team | None) -> None:
    if (user is None) == (team is None):
        raise ValidationError({"non_field_errors": ["Share with either a user or a team."]})
    if level not in ShareLevel.values:
        raise ValidationError({"level": [f"Choose one of: {', '.join(ShareLevel.values)}."]})
    if user is not None and not user.is_active:
        raise ValidationError({"user": ["This user is not active."]})
    if user is not None and user.pk == customer.owner_id:
        raise ValidationError({"user": ["This user owns the customer."]})


def _delete_grant(share: CustomerShare) -> None:
    (share.user_grant or share.team_grant).delete()  # the share goes with it (on_delete=CASCADE)


@transaction.atomic
def customer_unshare(*, acting_user: User, share: CustomerShare) -> None:
    if not access.can_share_customer(acting_user, share.customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may unshare this customer.")
    _delete_grant(share)
    access.forget_customer_access(share.customer)


def new_contact(
    *,
    acting_user: User,
    customer: Customer,
    first_name: str,
    changeable_customer_ids: set[int] | None = None,
    **fields,
) -> Contact:
    """A contact as `contact_create` makes it, checked and validated but not saved (a CSV import saves many).

    `changeable_customer_ids`, when given, holds the customers (among those concerned) `acting_user` may change.
    """
    if changeable_customer_ids is None:
        _require_change(acting_user, customer)
    elif customer.pk not in changeable_customer_ids:
        raise PermissionDenied("You may view this customer but not change it.")
    contact = Contact(customer=customer, first_name=first_name, **_only(fields, CONTACT_FIELDS))
    contact.full_clean(exclude=["customer"] if changeable_customer_ids is not None else None)
    return contact


@transaction.atomic
def contact_create(*, acting_user: User, customer: Customer, first_name: str, **fields) -> Contact:
    contact = new_contact(acting_user=acting_user, customer=customer, first_name=first_name, **fields)
    contact.save()
    return contact


@transaction.atomic
def contact_update(
    *,
    acting_user: User,
    contact: Contact,
    expected_version: int | None = None,
    customer: Customer | None = None,
    **changes,
) -> Contact:
    _require_change(acting_user, contact.customer)
    if customer is not None and customer.pk != contact.customer_id:
        _require_change(acting_user, customer)
    current = lock_for_change(Contact, contact, expected_version)
    for name, value in _only(changes, CONTACT_FIELDS).items():
        setattr(current, name, value)
    if customer is not None:
        current.customer = customer
    save_new_version(current)
    return current


@transaction.atomic
def contact_delete(*, acting_user: User, contact: Contact) -> None:
    _require_change(acting_user, contact.customer)
    contact.delete()


@transaction.atomic
def activity_create(*, acting_user: User, customer: Customer, kind: str, body: str, occurred_at=None) -> Activity:
    _require_change(acting_user, customer)
    activity = Activity(customer=customer, kind=kind, body=body, author=acting_user)
    if occurred_at is not None:
        activity.occurred_at = occurred_at
    activity.full_clean()
    activity.save()
    return activity


def _require_change(acting_user: User, customer: Customer) -> None:
    if not access.can_change_customer(acting_user, customer):
        raise PermissionDenied("You may view this customer but not change it.")


def _only(values: dict, allowed: frozenset[str]) -> dict:
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in sorted(unknown)})
    return values
