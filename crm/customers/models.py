from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from crm.platform.dates import validate_business_date
from crm.platform.models import TextRecord, VersionedRecord


class Customer(VersionedRecord):
    name = models.CharField(max_length=200)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField(max_length=50, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="customers_owned")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        permissions = [
            ("reassign_customer", "Can reassign the owner of a customer"),
            ("share_customer", "Can share a customer"),
        ]
        indexes = [
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["name", "id"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(VersionedRecord):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ActivityKind(models.TextChoices):
    NOTE = "note", "Note"
    CALL = "call", "Call"
    EMAIL = "email", "E-mail"
    MEETING = "meeting", "Meeting"


class Activity(TextRecord):
    """One entry of a customer's timeline."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=16, choices=ActivityKind.choices, default=ActivityKind.NOTE)
    body = models.TextField(max_length=10_000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activities")
    occurred_at = models.DateTimeField(default=timezone.now, validators=[validate_business_date])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["customer", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.customer}"


class CustomerUserObjectPermission(UserObjectPermissionBase):
    """An explicit grant on one customer to one user (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="user_grants")
    granted_at = models.DateTimeField(default=timezone.now, editable=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "customer permission for a user"


class CustomerGroupObjectPermission(GroupObjectPermissionBase):
    """An explicit grant on one customer to a group, here always a team's group."""

    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="group_grants")
    granted_at = models.DateTimeField(default=timezone.now, editable=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "customer permission for a team"


class ShareLevel(models.TextChoices):
    VIEW = "view", "View"
    EDIT = "edit", "Edit"


class CustomerShare(models.Model):
    """A share as the API and the portal show it: who shared the customer with whom, at which level.

    The access itself is the grant row it points to (a guardian object permission);
    deleting that grant anywhere, Django admin included, deletes the share with it.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="customer_shares"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="customer_shares"
    )
    level = models.CharField(max_length=8, choices=ShareLevel.choices)
    user_grant = models.OneToOneField(
        CustomerUserObjectPermission, null=True, blank=True, on_delete=models.CASCADE, related_name="share"
    )
    team_grant = models.OneToOneField(
        CustomerGroupObjectPermission, null=True, blank=True, on_delete=models.CASCADE, related_name="share"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, team__isnull=True, user_grant__isnull=False)
                    | models.Q(user__isnull=True, team__isnull=False, team_grant__isnull=False)
                ),
                name="share_names_a_user_or_a_team",
            ),
            models.UniqueConstraint(fields=["customer", "user"], name="one_share_per_customer_and_user"),
            models.UniqueConstraint(fields=["customer", "team"], name="one_share_per_customer_and_team"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} shared with {self.user or self.team} ({self.level})"
