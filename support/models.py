"""Tickets in support teams' queues, their conversations, SLA policies, escalations and feedback.

Invariants that belong to one row are constraints here: a ticket's clock is paused
(`paused_at`) exactly while it is pending, and it has a `resolved_at` exactly while it
is resolved or closed. The rules that involve other rows live in the services.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import TeamKind
from crm.platform.models import TextRecord, VersionedRecord


class TicketKind(models.TextChoices):
    QUESTION = "question", "Question"
    INCIDENT = "incident", "Incident"
    COMPLAINT = "complaint", "Complaint"


class TicketPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class TicketStatus(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending (waiting on the customer)"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


UNRESOLVED_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING)
FINISHED_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


# An SLA target is at most a year (366 days): a due time stays a date a person can act on, and
# creation time + target stays far inside what a datetime (and the database) can hold.
SLA_TARGET_MAX_MINUTES = 366 * 24 * 60
SLA_TARGET_RANGE_MESSAGE = f"A target is a whole number of minutes from 1 to {SLA_TARGET_MAX_MINUTES} (366 days)."
SLA_TARGET_ORDER_MESSAGE = (
    "The first response cannot be due after the resolution: the first-response target must be at most "
    "the resolution target."
)


def sla_target_validators() -> list:
    return [
        MinValueValidator(1, message=SLA_TARGET_RANGE_MESSAGE),
        MaxValueValidator(SLA_TARGET_MAX_MINUTES, message=SLA_TARGET_RANGE_MESSAGE),
    ]


class SlaPolicy(models.Model):
    """How soon a ticket of one priority must get its first reply and its resolution."""

    priority = models.CharField(max_length=16, choices=TicketPriority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField(validators=sla_target_validators())
    resolution_minutes = models.PositiveIntegerField(validators=sla_target_validators())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_response_minutes"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_minutes__gte=1, first_response_minutes__lte=SLA_TARGET_MAX_MINUTES)
                & Q(resolution_minutes__gte=1, resolution_minutes__lte=SLA_TARGET_MAX_MINUTES),
                name="sla_targets_in_range",
                violation_error_message=SLA_TARGET_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__lte=models.F("resolution_minutes")),
                name="sla_first_response_not_after_resolution",
                violation_error_message=SLA_TARGET_ORDER_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"SLA for {self.get_priority_display().lower()} tickets"

    @property
    def first_response_target(self) -> timedelta:
        return timedelta(minutes=self.first_response_minutes)

    @property
    def resolution_target(self) -> timedelta:
        return timedelta(minutes=self.resolution_minutes)


class Ticket(VersionedRecord):
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT, related_name="tickets")
    contact = models.ForeignKey("crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    subject = models.CharField(max_length=200)
    description = models.TextField(max_length=20_000, blank=True)
    kind = models.CharField(max_length=16, choices=TicketKind.choices, default=TicketKind.QUESTION)
    priority = models.CharField(max_length=16, choices=TicketPriority.choices, default=TicketPriority.NORMAL)
    status = models.CharField(max_length=16, choices=TicketStatus.choices, default=TicketStatus.NEW)
    # The support team whose queue holds the ticket; its members work it.
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="tickets",
        limit_choices_to={"kind": TeamKind.SUPPORT},
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_tickets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    first_response_due_at = models.DateTimeField("first response due at")
    sla_due_at = models.DateTimeField("SLA due at", help_text="When the ticket must be resolved.")
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # SLA clock bookkeeping: the start of the current pause, and the time spent in earlier ones.
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    paused_for = models.DurationField(default=timedelta, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["customer", "-created_at"]),
            # The queues: a team's (or an assignee's) unresolved tickets by due time, and a team's newest.
            models.Index(
                fields=["team", "sla_due_at", "id"],
                condition=Q(status__in=UNRESOLVED_STATUSES),
                name="ticket_team_unresolved_due",
            ),
            models.Index(
                fields=["assignee", "sla_due_at", "id"],
                condition=Q(status__in=UNRESOLVED_STATUSES),
                name="ticket_assignee_unresolved_due",
            ),
            # An admin's queues span every team: unresolved tickets by due time alone.
            models.Index(
                fields=["sla_due_at", "id"],
                condition=Q(status__in=UNRESOLVED_STATUSES),
                name="ticket_unresolved_due",
            ),
            models.Index(fields=["team", "-created_at", "-id"], name="ticket_team_newest"),
            models.Index(fields=["-created_at", "-id"], name="ticket_newest"),
            # The dashboard's open tickets per assignee, priority and status, read from the index alone:
            # the team and customer columns answer the access filter there too.
            models.Index(
                fields=["team", "assignee", "priority", "status", "customer"],
                condition=Q(status__in=UNRESOLVED_STATUSES),
                name="ticket_unresolved_counts",
            ),
            # A salesperson's home: their customers' open complaints, probed per customer.
            models.Index(
                fields=["customer", "sla_due_at", "id"],
                condition=Q(kind=TicketKind.COMPLAINT, status__in=UNRESOLVED_STATUSES),
                name="ticket_open_complaints",
            ),
            # The escalation job's scans: running clocks only.
            models.Index(
                fields=["first_response_due_at"],
                condition=Q(first_response_at__isnull=True, paused_at__isnull=True, resolved_at__isnull=True),
                name="ticket_first_response_clock",
            ),
            models.Index(
                fields=["sla_due_at"],
                condition=Q(paused_at__isnull=True, resolved_at__isnull=True),
                name="ticket_resolution_clock",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=TicketStatus.PENDING, paused_at__isnull=False)
                | (~Q(status=TicketStatus.PENDING) & Q(paused_at__isnull=True)),
                name="ticket_paused_exactly_while_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FINISHED_STATUSES, resolved_at__isnull=False)
                | Q(status__in=UNRESOLVED_STATUSES, resolved_at__isnull=True),
                name="ticket_resolved_at_exactly_while_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None


class TicketMessage(TextRecord):
    """One entry of a ticket's conversation: a reply, or an internal note staff only."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ticket_messages")
    body = models.TextField(max_length=20_000)
    internal = models.BooleanField(default=False, help_text="An internal note: only those who work the ticket see it.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{'Note' if self.internal else 'Reply'} on {self.ticket_id} by {self.author_id}"


class EscalationLevel(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response overdue"
    RESOLUTION = "resolution", "Resolution overdue"


class Escalation(models.Model):
    """A breach of one of a ticket's SLA clocks, recorded once: the unique constraint is the guarantee."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(max_length=16, choices=EscalationLevel.choices)
    due_at = models.DateTimeField(help_text="The due time that was missed.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"])]
        constraints = [models.UniqueConstraint(fields=["ticket", "level"], name="one_escalation_per_ticket_and_level")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: ticket {self.ticket_id}"


class FeedbackSource(models.TextChoices):
    STAFF = "staff", "Recorded by staff"
    SURVEY = "survey", "Survey answer"


class Feedback(TextRecord):
    customer = models.ForeignKey("crm.Customer", on_delete=models.CASCADE, related_name="feedback")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(max_length=5_000, blank=True)
    source = models.CharField(max_length=16, choices=FeedbackSource.choices, default=FeedbackSource.STAFF)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "feedback"
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["-created_at", "-id"], name="feedback_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
            # A survey link is answered once; the constraint holds even when two answers race.
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(source=FeedbackSource.SURVEY), name="one_survey_answer_per_ticket"
            ),
        ]

    def clean(self) -> None:
        # Feedback about a ticket is about the ticket's customer (it follows the ticket when it moves):
        # Django admin's form checks this too.
        super().clean()
        if self.ticket_id is not None and self.customer_id is not None and self.ticket.customer_id != self.customer_id:
            raise ValidationError({"ticket": ["This ticket belongs to another customer."]})

    def __str__(self) -> str:
        return f"{self.rating}/5 from {self.customer_id}"


class SentEmail(models.Model):
    """An e-mail the support context sent, by a key naming why; a task sending it again finds it and stops."""

    key = models.CharField(max_length=200, unique=True)
    recipients = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.key
