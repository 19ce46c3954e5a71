"""Writes to orders and their lines: create, change, place, ship, cancel, delete a draft.

Each service takes the acting user, asks the access policy, validates, and writes in
one transaction. A refused action raises PermissionDenied; bad input or an illegal
transition raises a ValidationError naming the field; a change based on a stale
version raises StaleVersion and writes nothing. A line's price is captured from the
product when the line is added, never taken as an input.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from crm.customers.models import Customer
from crm.platform.records import lock_for_change, save_new_version

from .. import access
from ..models import ORDER_TRANSITIONS, ZERO, Order, OrderLine, OrderStatus, Product
from ._records import check_assignable, check_customer_for_new_record, hand_over, owner_for_new_record

ORDER_TOTAL_LIMIT = Decimal("1e14")  # what Order.total (16 digits, 2 decimals) can hold


@dataclass(frozen=True)
class LineInput:
    """One wanted order line: a product and how many of it. The price is never an input."""

    product: Product
    quantity: int


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
    check_customer_for_new_record(acting_user=acting_user, customer=customer, may_create=access.can_create_order)
    owner = owner_for_new_record(acting_user=acting_user, owner=owner)
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
        check_assignable(acting_user=acting_user, owner=owner)
    current = lock_for_change(Order, order, expected_version)
    if customer is not None and customer.pk != current.customer_id:
        _require_draft(current, "customer", "The customer of a {status} order cannot be changed.")
        check_customer_for_new_record(acting_user=acting_user, customer=customer, may_create=access.can_create_order)
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


@transaction.atomic
def orders_hand_over(*, acting_user: User, customer: Customer, owner_ids, to_user: User, now) -> int:
    """The orders on `customer` owned by `owner_ids` become `to_user`'s.

    Removing a share asks for it (crm.customers.holdings, through sales.holdings) when those owners
    would lose the customer; crm has checked who acts. Each gets an audit entry and a new version.
    Answers how many moved.
    """
    return hand_over(
        Order.objects.filter(customer=customer, owner_id__in=owner_ids),
        acting_user=acting_user,
        to_user=to_user,
        now=now,
    )
