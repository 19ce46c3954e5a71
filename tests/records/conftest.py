"""Records (audit trail, import, export) on top of tests/conftest.py's personas.

Customer C is owned by sales_rep (in "Sales A", managed by sales_manager); ticket T on
C sits in the queue of "Support" (support_rep); opportunity P and order R on C are
sales_rep's. other_rep ("Sales B") has none of it.
"""

from decimal import Decimal

import pytest

from crm.platform.audit.models import AuditEntry
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory, ProductFactory
from tests.support.factories import TicketFactory


@pytest.fixture
def customer(org, sales_rep):
    return CustomerFactory(name="Customer C", owner=sales_rep, email="c@example.com")


@pytest.fixture
def widget(db):
    return ProductFactory(sku="WID-1", name="Widget", unit_price=Decimal("19.99"))


@pytest.fixture
def opportunity(customer, sales_rep):
    return OpportunityFactory(customer=customer, owner=sales_rep, name="Deal P")


@pytest.fixture
def order(customer, sales_rep, widget):
    return OrderFactory(customer=customer, owner=sales_rep, lines=[(widget, 2)])


@pytest.fixture
def ticket(customer, org):
    return TicketFactory(customer=customer, team=org["support_team"], subject="Ticket T")


@pytest.fixture
def audit_mark(db):
    """`new_entries()` lists the audit entries written since the fixture was created, oldest first."""

    class Mark:
        def __init__(self):
            self.reset()

        def reset(self):
            last = AuditEntry.objects.order_by("-id").first()
            self.last_id = last.pk if last else 0

        def new_entries(self):
            return list(
                AuditEntry.objects.filter(id__gt=self.last_id).select_related("content_type", "actor").order_by("id")
            )

    return Mark()
