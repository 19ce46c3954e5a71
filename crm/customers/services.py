"""Writes to customers, their contacts, timeline and shares.

Each service takes the acting user, asks the access policy, validates, and writes in
one transaction. A refused action raises PermissionDenied; bad input raises a
ValidationError naming the field; a change based on a stale version raises
StaleVersion and writes nothing.
"""

from datetime import datetime

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Q
from django.utils import timezone

from accounts.models import Team, User
from crm.customers import access
from crm.customers.holdings import reassign_owned_on, records_owned_on
from crm.customers.models import (
    Activity,
    Contact,
    Customer,
    CustomerGroupObjectPermission,
    CustomerShare,
    CustomerUserObjectPermission,
    ShareLevel,
)
from crm.platform.audit.bulk import reassign_and_record
from crm.platform.errors import ConcurrentChange, SharedRecordsOwned
from crm.platform.records import lock_for_change, save_new_version

CUSTOMER_FIELDS = frozenset({"name", "email", "phone", "industry"})
CONTACT_FIELDS = frozenset({"first_name", "last_name", "email", "phone"})
SHARE_CODENAME = access.CODENAME_OF_LEVEL  # a share at `view` is the grant view_customer, at `edit` change_customer
SHARE_PERMISSION = {level: f"crm.{codename}" for level, codename in SHARE_CODENAME.items()}


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
    owner = owner or access.default_customer_owner(acting_user)
    if owner is None:
        raise ValidationError({"owner": ["Name the owner: a sales user or a manager."]})
    if owner.pk != acting_user.pk and not access.can_name_customer_owner(acting_user):
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
    """Share with one user or one team; sharing again with the same one changes its level.

    A share never gives more than the sharer holds, never names the sharer, and never changes
    a share the sharer could not have made. Two of the same share made at once: the second is
    refused (ConcurrentChange) rather than answered with a database error.
    """
    if not access.can_share_customer(acting_user, customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may share this customer.")
    _check_share_target(acting_user=acting_user, customer=customer, level=level, user=user, team=team)
    existing = CustomerShare.objects.filter(customer=customer, user=user, team=team).first()
    if existing is not None and not access.can_revoke_share(acting_user, existing):
        raise ValidationError({"level": [_BEYOND_HELD]})
    try:
        with transaction.atomic():
            if existing is not None:
                _delete_grant(existing)
            grant = _grant(
                acting_user=acting_user, customer=customer, codename=SHARE_CODENAME[level], user=user, team=team
            )
            share = CustomerShare.objects.create(
                customer=customer,
                user=user,
                team=team,
                level=level,
                user_grant=grant if user else None,
                team_grant=grant if team else None,
                shared_by=acting_user,
            )
    except IntegrityError as error:
        raise ConcurrentChange("This share was just made or changed by someone else; reload and try again.") from error
    access.forget_customer_access(customer)
    return share, existing is None


_BEYOND_HELD = "You may not give or change more access than you hold yourself."


def _check_share_target(
    *, acting_user: User, customer: Customer, level: str, user: User | None, team: Team | None
) -> None:
    if (user is None) == (team is None):
        raise ValidationError({"non_field_errors": ["Share with either a user or a team."]})
    if level not in ShareLevel.values:
        raise ValidationError({"level": [f"Choose one of: {', '.join(ShareLevel.values)}."]})
    if user is not None and user.pk == acting_user.pk:
        raise ValidationError({"user": ["You cannot share a customer with yourself."]})
    if user is not None and not user.is_active:
        raise ValidationError({"user": ["This user is not active."]})
    if user is not None and user.pk == customer.owner_id:
        raise ValidationError({"user": ["This user owns the customer."]})
    grantable = access.share_levels_grantable_by(acting_user, customer)
    if level not in grantable:
        raise ValidationError({"level": [f"{_BEYOND_HELD} Choose: {', '.join(grantable)}."]})


def _grant(*, acting_user: User, customer: Customer, codename: str, user: User | None, team: Team | None):
    """The guardian grant of `codename` on `customer` to `user` or `team`'s group, recording who gave it."""
    permission = Permission.objects.get(content_type__app_label="crm", codename=codename)
    if user is not None:
        grant, _ = CustomerUserObjectPermission.objects.get_or_create(
            user=user, permission=permission, content_object=customer, defaults={"granted_by": acting_user}
        )
    else:
        grant, _ = CustomerGroupObjectPermission.objects.get_or_create(
            group=team.group, permission=permission, content_object=customer, defaults={"granted_by": acting_user}
        )
    return grant


def _delete_grant(share: CustomerShare) -> None:
    (share.user_grant or share.team_grant).delete()  # the share goes with it (on_delete=CASCADE)


@transaction.atomic
def customer_unshare(
    *, acting_user: User, share: CustomerShare, reassign_to: User | None = None, keep_records: bool = False
) -> dict[str, int]:
    """Remove a share. Users who lose the customer with it and own records on it (opportunities,
    orders) keep them only when `keep_records`; `reassign_to` (the customer's owner) takes them.
    Without either, SharedRecordsOwned lists them and nothing is written. Answers how many moved."""
    customer = share.customer
    if not access.can_share_customer(acting_user, customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may unshare this customer.")
    if not access.can_revoke_share(acting_user, share):
        raise PermissionDenied("This share gives more than you hold; someone who may edit the customer removes it.")
    holder_ids = _share_holder_ids(share.user, share.team)
    return _remove_access(
        acting_user=acting_user,
        customer=customer,
        holder_ids=holder_ids,
        remove=lambda: _delete_grant(share),
        reassign_to=reassign_to,
        keep_records=keep_records,
    )


def _share_holder_ids(user: User | None, team: Team | None) -> set[int]:
    """The users a share or grant lets in: its user, or its team's members and manager."""
    if user is not None:
        return {user.pk}
    return set(team.memberships.values_list("user_id", flat=True)) | ({team.manager_id} if team.manager_id else set())


def _remove_access(*, acting_user, customer, holder_ids, remove, reassign_to, keep_records) -> dict[str, int]:
    """Run `remove` (inside the caller's transaction), then deal with what the users who lost the customer own."""
    if reassign_to is not None and reassign_to.pk != customer.owner_id:
        raise ValidationError({"reassign_to": ["Their records go to the customer's owner."]})
    remove()
    access.forget_customer_access(customer)
    losing = [
        holder.pk
        for holder in User.objects.filter(pk__in=holder_ids - {customer.owner_id})
        if not access.customers_visible_to(holder).filter(pk=customer.pk).exists()
    ]
    records = records_owned_on(customer=customer, owner_ids=losing)
    if not records or keep_records:
        return {}
    if reassign_to is None:
        raise SharedRecordsOwned(records)  # leaving the atomic block undoes the removal
    return reassign_owned_on(
        acting_user=acting_user, customer=customer, owner_ids=losing, to_user=reassign_to, now=timezone.now()
    )


@transaction.atomic
def customer_grant(
    *, acting_user: User, customer: Customer, codename: str, user: User | None = None, team: Team | None = None
):
    """An admin's grant on one customer (Django admin). View and change grants are shares (listed and
    revocable where shares are); `share_customer` is an admin-only grant. Nothing else is grantable."""
    if not access.can_grant_on_customer(acting_user):
        raise PermissionDenied("Only an admin may grant permissions on a customer here.")
    level = next((level for level, name in SHARE_CODENAME.items() if name == codename), None)
    if level is not None:
        share, _ = customer_share(acting_user=acting_user, customer=customer, level=level, user=user, team=team)
        return share.user_grant or share.team_grant
    if codename not in access.ADMIN_ONLY_CODENAMES:
        raise ValidationError({"permission": [f"Grant one of: {', '.join(access.GRANTABLE_CODENAMES)}."]})
    if (user is None) == (team is None):
        raise ValidationError({"non_field_errors": ["Grant to either a user or a team."]})
    try:
        with transaction.atomic():
            grant = _grant(acting_user=acting_user, customer=customer, codename=codename, user=user, team=team)
    except IntegrityError as error:
        raise ConcurrentChange() from error
    access.forget_customer_access(customer)
    return grant


@transaction.atomic
def customer_admin_set_grants(
    *,
    acting_user: User,
    customer: Customer,
    level: str | None,
    may_share: bool,
    user: User | None = None,
    team: Team | None = None,
) -> None:
    """Django admin's object-permission page for one user or team: a share at `level` (None: no share)
    and the admin-only `share_customer` grant, or not. What the page does not offer stays as it is."""
    if not access.can_grant_on_customer(acting_user):
        raise PermissionDenied("Only an admin may grant permissions on a customer here.")
    share = CustomerShare.objects.filter(customer=customer, user=user, team=team).first()
    if level is None and share is not None:
        customer_unshare(acting_user=acting_user, share=share, keep_records=True)
    elif level is not None and (share is None or share.level != level):
        customer_share(acting_user=acting_user, customer=customer, level=level, user=user, team=team)
    grants = _holder_grants(customer=customer, user=user, team=team)
    # view and change grants that back no share (made before grants were shares) give way to the choice made here
    grants.filter(permission__codename__in=SHARE_CODENAME.values(), share__isnull=True).delete()
    if may_share:
        customer_grant(acting_user=acting_user, customer=customer, codename="share_customer", user=user, team=team)
    else:
        grants.filter(permission__codename="share_customer").delete()
    access.forget_customer_access(customer)


def _holder_grants(*, customer: Customer, user: User | None, team: Team | None):
    if user is not None:
        return CustomerUserObjectPermission.objects.filter(content_object=customer, user=user)
    return CustomerGroupObjectPermission.objects.filter(content_object=customer, group=team.group)


@transaction.atomic
def customer_revoke_grant(
    *, acting_user: User, grant, reassign_to: User | None = None, keep_records: bool = False
) -> dict[str, int]:
    """Revoke one grant on a customer: a share's goes through customer_unshare. Others (admins' grants)
    are revoked by those who could have made them: view and change as a share, the rest by admins."""
    customer = grant.content_object
    by_user = isinstance(grant, CustomerUserObjectPermission)
    share = CustomerShare.objects.filter(Q(user_grant=grant) if by_user else Q(team_grant=grant)).first()
    if share is not None:
        return customer_unshare(
            acting_user=acting_user, share=share, reassign_to=reassign_to, keep_records=keep_records
        )
    if not access.can_view_customer(acting_user, customer):
        raise Customer.DoesNotExist
    if not access.can_revoke_grant(acting_user, grant.permission.codename, customer):
        raise PermissionDenied("Only an admin may revoke this grant.")
    if by_user:
        holder_ids = {grant.user_id}
    elif (team := getattr(grant.group, "team", None)) is not None:
        holder_ids = _share_holder_ids(None, team)
    else:  # a group that is not a team's (made behind the admin's back): its users
        holder_ids = set(grant.group.user_set.values_list("pk", flat=True))
    return _remove_access(
        acting_user=acting_user,
        customer=customer,
        holder_ids=holder_ids,
        remove=grant.delete,
        reassign_to=reassign_to,
        keep_records=keep_records,
    )


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


@transaction.atomic
def customers_reassign_owner(*, acting_user: User, from_user: User, to_user: User, now: datetime) -> int:
    """Every customer `from_user` owns becomes `to_user`'s (their shares stay as they are).

    The team reassignment (crm.staff.reassignment.team_reassign, through crm.customers.reassignment)
    has checked who acts and who the two members are. Each moved customer gets an audit entry and a
    new version. Answers how many moved.
    """
    return reassign_and_record(
        Customer.objects.filter(owner=from_user), field="owner", to=to_user, version=F("version") + 1, updated_at=now
    )
