"""Writes to opportunities: create, change, move between stages, delete, and hand a member's to another.

Each service takes the acting user, asks the access policy, validates, and writes in
one transaction. A refused action raises PermissionDenied; bad input raises a
ValidationError naming the field; a change based on a stale version raises
StaleVersion and writes nothing.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from crm.customers.models import Customer
from crm.platform.records import lock_for_change, save_new_version

from .. import access
from ..models import CLOSED_STAGES, Opportunity, Stage
from ._records import check_assignable, check_customer_for_new_record, hand_over, owner_for_new_record, settable

OPPORTUNITY_FIELDS = frozenset({"name", "amount", "expected_close", "probability_override", "lost_reason"})


@transaction.atomic
def opportunity_create(
    *,
    acting_user: User,
    customer: Customer,
    name: str,
    owner: User | None = None,
    stage: str = Stage.PROSPECTING,
    **fields,
) -> Opportunity:
    check_customer_for_new_record(acting_user=acting_user, customer=customer, may_create=access.can_create_opportunity)
    owner = owner_for_new_record(acting_user=acting_user, owner=owner)
    opportunity = Opportunity(customer=customer, name=name, owner=owner, updated_by=acting_user)
    for field_name, value in settable(fields, OPPORTUNITY_FIELDS).items():
        setattr(opportunity, field_name, value)
    _enter_stage(opportunity, stage, clear_lost_reason=False)
    _check_lost_reason(opportunity)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    acting_user: User,
    opportunity: Opportunity,
    expected_version: int | None = None,
    customer: Customer | None = None,
    owner: User | None = None,
    stage: str | None = None,
    **changes,
) -> Opportunity:
    if not access.can_change_opportunity(acting_user, opportunity):
        raise PermissionDenied("You may not change this opportunity.")
    if owner is not None and owner.pk != opportunity.owner_id:
        if not access.can_reassign_opportunity(acting_user, opportunity):
            raise PermissionDenied("Only the owner's manager or an admin may reassign this opportunity.")
        check_assignable(acting_user=acting_user, owner=owner)
    if customer is not None and customer.pk != opportunity.customer_id:
        check_customer_for_new_record(
            acting_user=acting_user, customer=customer, may_create=access.can_create_opportunity
        )
    current = lock_for_change(Opportunity, opportunity, expected_version)
    for field_name, value in settable(changes, OPPORTUNITY_FIELDS).items():
        setattr(current, field_name, value)
    if stage is not None:
        _enter_stage(current, stage, clear_lost_reason="lost_reason" not in changes)
    if owner is not None:
        current.owner = owner
    if customer is not None:
        current.customer = customer
    _check_lost_reason(current)
    current.updated_by = acting_user
    save_new_version(current)
    return current


def opportunity_move(
    *, acting_user: User, opportunity: Opportunity, stage: str, expected_version: int | None
) -> Opportunity:
    """Move an opportunity to another stage (the pipeline board's drag and drop)."""
    return opportunity_update(
        acting_user=acting_user, opportunity=opportunity, expected_version=expected_version, stage=stage
    )


def _enter_stage(opportunity: Opportunity, stage: str, *, clear_lost_reason: bool = True) -> None:
    if stage not in Stage.values:
        raise ValidationError({"stage": [f"Choose one of: {', '.join(Stage.values)}."]})
    if stage == opportunity.stage and opportunity.pk is not None:
        return
    now = timezone.now()
    opportunity.stage = stage
    opportunity.won_at = now if stage == Stage.WON else None
    opportunity.lost_at = now if stage == Stage.LOST else None
    if stage != Stage.LOST and clear_lost_reason:
        opportunity.lost_reason = ""


def _check_lost_reason(opportunity: Opportunity) -> None:
    if opportunity.lost_reason and opportunity.stage != Stage.LOST:
        raise ValidationError({"lost_reason": ["Only a lost opportunity has a lost reason."]})


@transaction.atomic
def opportunity_delete(*, acting_user: User, opportunity: Opportunity) -> None:
    if not access.can_delete_opportunity(acting_user, opportunity):
        raise PermissionDenied("Only the owner's manager or an admin may delete this opportunity.")
    opportunity.delete()


@transaction.atomic
def opportunities_reassign_owner(
    *, acting_user: User, from_user: User, to_user: User, now: datetime, include_closed: bool = False
) -> int:
    """Every open opportunity `from_user` owns becomes `to_user`'s; won and lost ones too only if asked
    (a closed deal's owner is who won or lost it, which reports and commissions rely on).

    The team reassignment (crm.staff.reassignment.team_reassign, through sales.reassignment) has
    checked who acts and who the two members are. Each moved opportunity gets an audit
    entry and a new version, so an edit based on it as it was is refused as stale.
    Answers how many moved.
    """
    owned = Opportunity.objects.filter(owner=from_user)
    moving = owned if include_closed else owned.exclude(stage__in=CLOSED_STAGES)
    return hand_over(moving, acting_user=acting_user, to_user=to_user, now=now)


@transaction.atomic
def opportunities_hand_over(*, acting_user: User, customer: Customer, owner_ids, to_user: User, now: datetime) -> int:
    """The opportunities on `customer` owned by `owner_ids` become `to_user`'s.

    Removing a share asks for it (crm.customers.holdings, through sales.holdings) when those owners
    would lose the customer; crm has checked who acts. Each gets an audit entry and a new version.
    Answers how many moved.
    """
    return hand_over(
        Opportunity.objects.filter(customer=customer, owner_id__in=owner_ids),
        acting_user=acting_user,
        to_user=to_user,
        now=now,
    )
