"""Sales records: opportunities (the pipeline), products, and orders with their lines.

Amounts are Decimal in the installation's one currency (settings.CRM_CURRENCY).
The rules that span several rows (stage and status transitions, captured prices, an
order's total) live in the services (sales/services/); a model holds what one row can check itself.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from crm.platform.dates import validate_business_date
from crm.platform.models import TextRecord, VersionedRecord

MONEY = {"max_digits": 12, "decimal_places": 2}
ORDER_TOTAL = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0.00")


class Stage(models.TextChoices):
    PROSPECTING = "prospecting", "Prospecting"
    QUALIFICATION = "qualification", "Qualification"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    WON = "won", "Won"
    LOST = "lost", "Lost"


# The chance of winning, in percent, that each stage stands for unless overridden.
STAGE_PROBABILITY = {
    Stage.PROSPECTING: 10,
    Stage.QUALIFICATION: 25,
    Stage.PROPOSAL: 50,
    Stage.NEGOTIATION: 75,
    Stage.WON: 100,
    Stage.LOST: 0,
}
CLOSED_STAGES = frozenset({Stage.WON, Stage.LOST})
OPEN_STAGES = tuple(stage for stage in Stage.values if stage not in CLOSED_STAGES)  # in pipeline order


class Opportunity(VersionedRecord):
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT, related_name="opportunities")
    name = models.CharField(max_length=200)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PROSPECTING)
    amount = models.DecimalField(**MONEY, default=ZERO, validators=[MinValueValidator(ZERO)])
    expected_close = models.DateField(null=True, blank=True, validators=[validate_business_date])
    probability_override = models.PositiveSmallIntegerField(
        "probability (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Percent; empty: from the stage.",
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunities")
    won_at = models.DateTimeField(null=True, blank=True, editable=False)
    lost_at = models.DateTimeField(null=True, blank=True, editable=False)
    lost_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who made the latest change: a stale pipeline card names them.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "opportunities"
        permissions = [("reassign_opportunity", "Can reassign the owner of an opportunity")]
        indexes = [
            models.Index(fields=["owner", "stage"]),
            models.Index(fields=["customer", "stage"]),
            models.Index(fields=["stage", "-updated_at"]),
            models.Index(fields=["expected_close"]),
            # The list newest first (everyone's, for admins) and an owner's board column.
            models.Index(fields=["-updated_at", "-id"], name="opportunity_recent"),
            models.Index(fields=["owner", "stage", "-updated_at", "-id"], name="opportunity_owner_stage_recent"),
            # The dashboard's deals won or lost since a day (a range on either).
            models.Index(fields=["won_at"], name="opportunity_won_at"),
            models.Index(fields=["lost_at"], name="opportunity_lost_at"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def probability(self) -> int:
        if self.probability_override is not None:
            return self.probability_override
        return STAGE_PROBABILITY[Stage(self.stage)]

    @property
    def currency(self) -> str:
        return settings.CRM_CURRENCY


class Product(VersionedRecord):
    sku = models.CharField("SKU", max_length=64, unique=True)
    name = models.CharField(max_length=200)
    unit_price = models.DecimalField(**MONEY, validators=[MinValueValidator(ZERO)])
    active = models.BooleanField(default=True, help_text="Only active products can be added to an order.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    @property
    def currency(self) -> str:
        return settings.CRM_CURRENCY


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PLACED = "placed", "Placed"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


# draft -> placed -> shipped; a draft or placed order may be cancelled; nothing leaves shipped or cancelled.
ORDER_TRANSITIONS = {
    OrderStatus.DRAFT: frozenset({OrderStatus.PLACED, OrderStatus.CANCELLED}),
    OrderStatus.PLACED: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class Order(VersionedRecord):
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT, related_name="orders")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    # The sum of the lines, kept by the services whenever a line changes; never taken from input.
    total = models.DecimalField(**ORDER_TOTAL, default=ZERO, editable=False)
    placed_at = models.DateTimeField(null=True, blank=True, editable=False)
    shipped_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("reassign_order", "Can reassign the owner of an order")]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "-placed_at"]),
            models.Index(fields=["-created_at", "-id"], name="order_newest"),
            models.Index(fields=["owner", "-created_at", "-id"], name="order_owner_newest"),
            # The dashboard's revenue by month: booked orders by placement, read from the index alone.
            models.Index(
                fields=["placed_at", "total", "owner", "customer"],
                condition=models.Q(status__in=(OrderStatus.PLACED, OrderStatus.SHIPPED)),
                name="order_booked_placed",
            ),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_not_negative")]

    def __str__(self) -> str:
        # Never the customer's name: a name is shown through the customer policy, at read time (ACCESS.md).
        return f"Order #{self.pk}"

    @property
    def currency(self) -> str:
        return settings.CRM_CURRENCY

    @property
    def lines_are_editable(self) -> bool:
        return self.status == OrderStatus.DRAFT


class OrderLine(TextRecord):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(1_000_000)])
    # The product's price when the line was added; later price changes do not touch it.
    unit_price = models.DecimalField(**MONEY, validators=[MinValueValidator(ZERO)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.UniqueConstraint(fields=["order", "product"], name="one_line_per_product"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
