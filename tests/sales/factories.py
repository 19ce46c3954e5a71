from decimal import Decimal

import factory

from sales.models import Opportunity, Order, OrderLine, Product, Stage
from tests.factories import CustomerFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n:05d}")
    unit_price = Decimal("10.00")


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Deal {n:05d}")
    stage = Stage.PROSPECTING
    amount = Decimal("1000.00")
    owner = factory.LazyAttribute(lambda o: o.customer.owner)


class OrderFactory(factory.django.DjangoModelFactory):
    """A draft order; `lines=[(product, quantity), ...]` adds lines at the product's price and sets the total."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.LazyAttribute(lambda o: o.customer.owner)

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        for product, quantity in extracted or ():
            OrderLine.objects.create(order=self, product=product, quantity=quantity, unit_price=product.unit_price)
        if extracted:
            self.total = sum((line.line_total for line in self.lines.all()), Decimal("0.00"))
            self.save(update_fields=["total"])
