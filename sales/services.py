"""Writes to opportunities, products and orders.

Each service takes the acting user, asks the access policy, validates, and writes in
one transaction. A refused action raises PermissionDenied; bad input or an illegal
transition raises a ValidationError naming the field; a change based on a stale
version raises StaleVersion and writes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import User
from crm.customers.models import Customer
from crm.platform.records import lock_for_change, save_new_version

from . import access
from .models import (
    ORDER_TRANSITIONS,
    ZERO,
    Opportunity,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    Stage,
)

OPPORTUNITY_FIELDS = frozenset({"name", "amount", "expected_close", "probability_override", "lost_reason"})
PRODUCT_FIELDS = frozenset({"sku", "name", "unit_price", "active"})
ORDER_TOTAL_LIMIT = Decimal("1e14")  # what Order.total (16 digits, 2 decimals) can hold


@dataclass(frozen=True)
class LineInput:
    """One wanted order line: a product and how many of it. The price is never an input."""

    product: Product
    quantity: int


# Owners and customers, shared by opportunities and orders


def _owner_for_new_record(*, acting_user: User, owner: User | None) -> User:
    if owner is None and acting_user.is_admin:
        raise ValidationError({"owner": ["Name the owner: a sales user or a manager."]})
    owner = owner or acting_user
    if owner.pk != acting_user.pk and not access.may_name_owner(acting_user):
        raise PermissionDenied("A salesperson owns what they create; only a manager may name another owner.")
    _check_assignable(acting_user=acting_user, owner=owner)
    return owner


def _check_assignable(*, acting_user: User, owner: User) -> None:
    if not access.owners_assignable_by(acting_user).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": ["Choose a sales user or manager of a team you manage, or yourself."]})


def _check_customer_for_new_record(*, acting_user: User, customer: Customer, may_create) -> None:
    if not may_create(acting_user):
        raise PermissionDenied("Your role may not create sales records.")
    if not may_create(acting_user, customer):
        # Answered like a customer that does not exist: it does not, for this user.
        raise ValidationError({"customer": ["No such customer."]})


# Opportunities


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
    _check_customer_for_new_record(acting_user=acting_user, customer=customer, may_create=access.can_create_opportunity)
    owner = _owner_for_new_record(acting_user=acting_user, owner=owner)
    opportunity = Opportunity(customer=customer, name=name, owner=owner, updated_by=acting_user)
    for field_name, value in _only(fields, OPPORTUNITY_FIELDS).items():
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
        _check_assignable(acting_user=acting_user, owner=owner)
    if customer is not None and customer.pk != opportunity.customer_id:
        _check_customer_for_new_record(
            acting_user=acting_user, customer=customer, may_create=access.can_create_opportunity
        )
    current = lock_for_change(Opportunity, opportunity, expected_version)
    for field_name, value in _only(changes, OPPORTUNITY_FIELDS).items():
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


# Products


@transaction.atomic
def product_create(*, acting_user: User, sku: str, name: str, unit_price: Decimal, **fields) -> Product:
    _require_product_admin(acting_user)
    product = Product(sku=sku, name=name, unit_price=unit_price, **_only(fields, PRODUCT_FIELDS))
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def product_update(*, acting_user: User, product: Product, expected_version: int | None = None, **changes) -> Product:
    _require_product_admin(acting_user)
    current = lock_for_change(Product, product, expected_version)
    for field_name, value in _only(changes, PRODUCT_FIELDS).items():
        setattr(current, field_name, value)
    save_new_version(current)
    return current


@transaction.atomic
def product_delete(*, acting_user: User, product: Product) -> None:
    _require_product_admin(acting_user)
    try:
        product.delete()
    except ProtectedError as error:
        raise ValidationError("This product is on orders; make it inactive instead.") from error


def _require_product_admin(acting_user: User) -> None:
    if not access.can_manage_products(acting_user):
        raise PermissionDenied("Only admins change products.")


# Orders


@transaction.atomic
def order_create(
    *,
    acting_user: User,
    customer: Customer,
    owner: User | None = None,
    status: str = OrderStatus.DRAFT,
    lines: Iterable[LineInput] = (),
) -> Order:
    """A new order, a draft unless `status` is `placed` (then it needs lines)."""
    _check_customer_for_new_record(acting_user=acting_user, customer=customer, may_create=access.can_create_order)
    owner = _owner_for_new_record(acting_user=acting_user, owner=owner)
    if status not in (OrderStatus.DRAFT, OrderStatus.PLACED):
        raise ValidationError({"status": ["A new order is a draft, or placed at once."]})
    order = Order(customer=customer, owner=owner, updated_by=acting_user)
    order.full_clean()
    order.save()
    _replace_lines(order, list(lines))
    if status == OrderStatus.PLACED:
        _enter_status(order, status)
    order.full_clean()
    order.save()
    return order


@transaction.atomic
def order_update(
    *,
    acting_user: User,
    order: Order,
    expected_version: int | None = None,
    customer: Customer | None = None,
    owner: User | None = None,
    status: str | None = None,
    lines: list[LineInput] | None = None,
) -> Order:
    """Change an order; lines (all of them, replacing the current ones) come before the status."""
    _require_order_change(acting_user, order)
    if owner is not None and owner.pk != order.owner_id:
        if not access.can_reassign_order(acting_user, order):
            raise PermissionDenied("Only the owner's manager or an admin may reassign this order.")
        _check_assignable(acting_user=acting_user, owner=owner)
    current = lock_for_change(Order, order, expected_version)
    if customer is not None and customer.pk != current.customer_id:
        _require_draft(current, "customer", "The customer of a {status} order cannot be changed.")
        _check_customer_for_new_record(acting_user=acting_user, customer=customer, may_create=access.can_create_order)
        current.customer = customer
    if lines is not None and not _same_lines(current, lines):
        _replace_lines(current, lines)
    if status is not None:
        _enter_status(current, status)
    if owner is not None:
        current.owner = owner
    _save_order(current, acting_user)
    access.forget_order_access(order)  # its owner or customer may have changed
    return current


@transaction.atomic
def order_transition(*, acting_user: User, order: Order, status: str, expected_version: int | None) -> Order:
    """Place, ship or cancel an order."""
    _require_order_change(acting_user, order)
    current = lock_for_change(Order, order, expected_version)
    _enter_status(current, status)
    return _save_order(current, acting_user)


@transaction.atomic
def order_add_line(
    *, acting_user: User, order: Order, product: Product, quantity: int, expected_version: int | None
) -> Order:
    """Add a product to a draft; a product already on the order gets the quantity added."""
    _require_order_change(acting_user, order)
    current = lock_for_change(Order, order, expected_version)
    wanted = {line.product_id: LineInput(line.product, line.quantity) for line in current.lines.all()}
    already = wanted.get(product.pk)
    wanted[product.pk] = LineInput(product, quantity + (already.quantity if already else 0))
    _replace_lines(current, list(wanted.values()))
    return _save_order(current, acting_user)


@transaction.atomic
def order_set_line_quantity(
    *, acting_user: User, order: Order, line: OrderLine, quantity: int, expected_version: int | None
) -> Order:
    _require_order_change(acting_user, order)
    current = lock_for_change(Order, order, expected_version)
    wanted = [
        LineInput(existing.product, quantity if existing.pk == line.pk else existing.quantity)
        for existing in current.lines.select_related("product")
    ]
    _replace_lines(current, wanted)
    return _save_order(current, acting_user)


@transaction.atomic
def order_remove_line(*, acting_user: User, order: Order, line: OrderLine, expected_version: int | None) -> Order:
    _require_order_change(acting_user, order)
    current = lock_for_change(Order, order, expected_version)
    wanted = [
        LineInput(existing.product, existing.quantity)
        for existing in current.lines.select_related("product")
        if existing.pk != line.pk
    ]
    _replace_lines(current, wanted)
    return _save_order(current, acting_user)


@transaction.atomic
def order_delete(*, acting_user: User, order: Order) -> None:
    if not access.can_delete_order(acting_user, order):
        raise PermissionDenied("Only the owner's manager or an admin may delete this order.")
    if order.status != OrderStatus.DRAFT:
        raise ValidationError(
            {"status": [f"A {order.get_status_display().lower()} order is order history; it cannot be deleted."]}
        )
    order.delete()


def _require_order_change(acting_user: User, order: Order) -> None:
    if not access.can_change_order(acting_user, order):
        raise PermissionDenied("You may view this order but not change it.")


def _require_draft(order: Order, field: str, message: str) -> None:
    if not order.lines_are_editable:
        raise ValidationError({field: [message.format(status=order.get_status_display().lower())]})


def _same_lines(order: Order, lines: list[LineInput]) -> bool:
    current = sorted((line.product_id, line.quantity) for line in order.lines.all())
    return current == sorted((line.product.pk, line.quantity) for line in lines)


def _replace_lines(order: Order, lines: list[LineInput]) -> None:
    """Make the order's lines `lines`: a product already on it keeps the price captured when it was added."""
    _require_draft(order, "lines", "The lines of a {status} order cannot be changed.")
    _check_line_inputs(lines)
    existing = {line.product_id: line for line in order.lines.all()}
    wanted_ids = {line.product.pk for line in lines}
    order.lines.exclude(product_id__in=wanted_ids).delete()
    total = ZERO
    for wanted in lines:
        line = existing.get(wanted.product.pk)
        if line is None:
            if not wanted.product.active:
                raise ValidationError({"lines": [f"{wanted.product} is no longer sold."]})
            line = OrderLine(order=order, product=wanted.product, unit_price=wanted.product.unit_price)
        line.quantity = wanted.quantity
        line.full_clean(exclude=["order"])
        line.save()
        total += line.line_total
    if total >= ORDER_TOTAL_LIMIT:
        raise ValidationError({"lines": ["The order total is too large."]})
    order.total = total


def _check_line_inputs(lines: list[LineInput]) -> None:
    product_ids = [line.product.pk for line in lines]
    if len(product_ids) != len(set(product_ids)):
        raise ValidationError({"lines": ["Each product appears on one line; raise its quantity instead."]})
    for line in lines:
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity < 1:
            raise ValidationError({"lines": ["A quantity is a whole number of at least 1."]})


def _enter_status(order: Order, status: str) -> None:
    if status not in OrderStatus.values:
        raise ValidationError({"status": [f"Choose one of: {', '.join(OrderStatus.values)}."]})
    if status == order.status:
        return
    if status not in ORDER_TRANSITIONS[OrderStatus(order.status)]:
        raise ValidationError(
            {"status": [f"An order cannot go from {order.status} to {status}. {_transitions_hint(order)}"]}
        )
    if status == OrderStatus.PLACED and not order.lines.exists():
        raise ValidationError({"lines": ["Add at least one line before placing the order."]})
    now = timezone.now()
    order.status = status
    if status == OrderStatus.PLACED:
        order.placed_at = now
    elif status == OrderStatus.SHIPPED:
        order.shipped_at = now
    elif status == OrderStatus.CANCELLED:
        order.cancelled_at = now


def _transitions_hint(order: Order) -> str:
    allowed = sorted(ORDER_TRANSITIONS[OrderStatus(order.status)])
    if not allowed:
        return f"A {order.status} order is final."
    return f"From {order.status} it may go to: {', '.join(allowed)}."


def _save_order(order: Order, acting_user: User) -> Order:
    order.updated_by = acting_user
    save_new_version(order)
    return order


def _only(values: dict, allowed: frozenset[str]) -> dict:
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in sorted(unknown)})
    return values
