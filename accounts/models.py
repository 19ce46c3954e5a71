from django.contrib.auth.models import AbstractUser, Group
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    SALES = "sales", "Sales"
    SUPPORT = "support", "Support"


class User(AbstractUser):
    """A member of staff. Exactly one role; a superuser's role is always `admin`."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SALES, db_index=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def save(self, *args, **kwargs):
        if self.is_superuser:
            self.role = Role.ADMIN
        # Django admin is the admins' tool; no other role reaches it.
        self.is_staff = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.ADMIN)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class TeamKind(models.TextChoices):
    SALES = "sales", "Sales"
    SUPPORT = "support", "Support"


class Team(models.Model):
    """A sales team, or a support team (which is also a ticket queue).

    Each team owns a Django group that holds the explicit grants given to the team
    (django-guardian group object permissions). Membership is read from
    TeamMembership, so the group needs no members of its own.
    """

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=TeamKind.choices)
    manager = models.ForeignKey(User, on_delete=models.PROTECT, related_name="managed_teams")
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams", blank=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="team", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    # One row per user: a sales or support user is in at most one team.
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="team_membership")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "user"]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"
