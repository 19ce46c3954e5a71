"""Writes to products: admins create, change and delete them.

A refused action raises PermissionDenied; bad input raises a ValidationError naming
the field; a change based on a stale version raises StaleVersion and writes nothing.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from accounts.models import User
from crm.platform.records import lock_for_change, save_new_version

from .. import access
from ..models import Product
from ._records import settable

PRODUCT_FIELDS = frozenset({"sku", "name", "unit_price", "active"})


@transaction.atomic
def product_create(*, acting_user: User, sku: str, name: str, unit_price: Decimal, **fields) -> Product:
    _require_product_admin(acting_user)
    product = Product(sku=sku, name=name, unit_price=unit_price, **settable(fields, PRODUCT_FIELDS))
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def product_update(*, acting_user: User, product: Product, expected_version: int | None = None, **changes) -> Product:
    _require_product_admin(acting_user)
    current = lock_for_change(Product, product, expected_version)
    for field_name, value in settable(changes, PRODUCT_FIELDS).items():
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
