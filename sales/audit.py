"""The audit trail of opportunities and orders (registered with crm.platform.audit from SalesConfig.ready()).

An order's lines show on the order's page. Products are named as they were when the
change was made (every staff user sees products); customers only for those who may view them.
"""

from django.urls import reverse

from crm.platform.audit.registry import (
    AuditedModel,
    AuditedRecord,
    ReferenceKind,
    register_audited_model,
    register_audited_record,
    register_reference,
)

from . import access
from .models import Opportunity, Order, OrderLine, Product


def register() -> None:
    register_reference(ReferenceKind("product", Product, str))  # every staff user sees products
    register_audited_record(
        AuditedRecord(
            "opportunity",
            Opportunity,
            access.opportunities_visible_to,
            lambda opportunity: reverse("opportunity-detail", args=[opportunity.pk]),
        )
    )
    register_audited_record(
        AuditedRecord("order", Order, access.orders_visible_to, lambda order: reverse("order-detail", args=[order.pk]))
    )
    owned = {"customer": "customer", "owner": "user"}
    register_audited_model(AuditedModel(Opportunity, "opportunity", lambda record: record.pk, references=owned))
    # An order's entries once stored "Order 37 for <customer>": named by its id, its customer only by reference.
    register_audited_model(
        AuditedModel(Order, "order", lambda order: order.pk, references=owned, named=lambda pk: f"Order #{pk}")
    )
    register_audited_model(
        AuditedModel(
            OrderLine, "order", lambda line: line.order_id, exclude_fields=("order",), references={"product": "product"}
        )
    )
