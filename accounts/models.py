import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError("Not a known time zone (e.g. Europe/Berlin).") from None


SESSION_GENERATION_SALT = "accounts.User.session_generation"


class DateLocale(models.TextChoices):
    """How the portal writes a user's dates and times (crm/platform/dates.py holds each one's formats)."""

    EN_GB = "en-GB", "English (UK): 6 Dec 2026, 14:05"
    EN_US = "en-US", "English (US): Dec 6, 2026, 2:05 PM"
    DE_DE = "de-DE", "German: 06.12.2026, 14:05"
    FR_FR = "fr-FR", "French: 06/12/2026 14:05"
    ISO = "iso", "ISO 8601: 2026-12-06 14:05"


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    SALES = "sales", "Sales"
    SUPPORT = "support", "Support"


class User(AbstractUser):
    """A member of staff. Exactly one role; a superuser's role is always `admin`."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SALES, db_index=True)
    # Part of every session's auth hash: raising it ends all of the user's sessions (accounts/sessions.py).
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # The portal writes times in this zone (an IANA name, e.g. "Europe/Berlin"); empty: the installation's.
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    # The portal writes dates and times as this locale does; empty: the installation's format.
    date_locale = models.CharField("date format", max_length=8, choices=DateLocale.choices, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def save(self, *args, **kwargs):
        if self.is_superuser:
            self.role = Role.ADMIN
        # Django admin is the admins' tool; no other role reaches it.
        self.is_staff = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    # A session is valid while its stored hash matches: a new password (Django) or a new
    # generation (logged out elsewhere) ends every other session of the user.
    def get_session_auth_hash(self):
        return self._session_auth_hash(secret=None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(secret=secret)

    def _session_auth_hash(self, *, secret) -> str:
        if not self.session_generation:
            # Generation 0 is Django's own hash, so sessions made before this field existed stay valid.
            return super()._get_session_auth_hash(secret=secret)
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(SESSION_GENERATION_SALT, value, secret=secret, algorithm="sha256").hexdigest()

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
