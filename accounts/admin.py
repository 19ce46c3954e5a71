"""Django admin for users, roles and teams. Forms validate through the services' invariants,
and every write that ends sessions or tokens (activation, passwords) goes through the services.

A user's groups are derived, never edited here: their role's group (model permissions)
and their team's group (grants given to the team) follow from the Role and Team fields.
"""

from contextvars import ContextVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm
from django.core.exceptions import ValidationError

from . import services
from .models import Team, TeamMembership, User
from .roles import role_group_name

# The admin who submits the password form: Django builds that form without the request.
_acting_admin: ContextVar[User | None] = ContextVar("acting_admin", default=None)


class UserAdminForm(UserChangeForm):
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        required=False,
        help_text="Sales and support users are members of at most one team of their kind.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        membership = TeamMembership.objects.filter(user_id=self.instance.pk).first() if self.instance.pk else None
        self.fields["team"].initial = membership.team_id if membership else None

    acting_user: User | None = None  # set per request by UserAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_active") is False and self.acting_user and self.instance.pk == self.acting_user.pk:
            self.add_error("is_active", "You cannot deactivate yourself.")
        if cleaned.get("role") is None:
            return cleaned
        try:
            services.validate_role_and_team(self.instance, cleaned["role"], cleaned.get("team"))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


class UserPasswordForm(AdminPasswordChangeForm):
    """Django admin's "Change password" form, saved through the service (which revokes the tokens)."""

    def save(self, commit=True):
        password = self.cleaned_data["password1"] if self.cleaned_data.get("set_usable_password", True) else None
        return services.user_set_password(acting_user=_acting_admin.get(), user=self.user, password=password)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminForm
    list_display = ["username", "full_name", "email", "role", "team", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser", "team_membership__team"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["team_membership__team"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "email", "time_zone", "date_locale"]}),
        ("Access", {"fields": ["role", "team", "derived_groups", "is_active", "is_superuser", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "role", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined", "derived_groups"]
    change_password_form = UserPasswordForm
    actions = ["deactivate_users", "reactivate_users"]

    def get_form(self, request, obj=None, **kwargs):
        # Groups are derived from the role and the team: no fieldset names them, so the form neither
        # shows nor accepts them.
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user}) if obj is not None else form

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # The form has already set is_active on `obj`: it is saved as stored, then changed by the service.
        is_active = obj.is_active
        obj.is_active = form.initial.get("is_active", is_active)
        super().save_model(request, obj, form, change)
        if is_active != obj.is_active or not is_active:
            services.user_set_active(acting_user=request.user, user=obj, is_active=is_active)
        if "team" in form.cleaned_data:
            services.user_set_team(acting_user=request.user, user=obj, team=form.cleaned_data["team"])

    def user_change_password(self, request, id, form_url=""):
        token = _acting_admin.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting_admin.reset(token)

    @admin.action(description="Deactivate the selected users (ends their sessions and tokens)")
    def deactivate_users(self, request, queryset):
        self._set_active(request, queryset, is_active=False)

    @admin.action(description="Reactivate the selected users (they sign in again)")
    def reactivate_users(self, request, queryset):
        self._set_active(request, queryset, is_active=True)

    def _set_active(self, request, queryset, *, is_active: bool) -> None:
        changed = 0
        for user in queryset:
            try:
                services.user_set_active(acting_user=request.user, user=user, is_active=is_active)
            except ValidationError as error:
                self.message_user(request, f"{user}: {' '.join(error.messages)}", messages.ERROR)
            else:
                changed += 1
        verb = "Reactivated" if is_active else "Deactivated"
        self.message_user(request, f"{verb} {changed} user(s).", messages.SUCCESS)

    @admin.display(description="Groups")
    def derived_groups(self, user):
        """What the user's groups are, read from their role and team (not editable)."""
        names = [role_group_name(user.role)]
        membership = TeamMembership.objects.filter(user_id=user.pk).select_related("team__group").first()
        if membership:
            names.append(membership.team.group.name)
        return ", ".join(names) + " (follow from the role and the team)"

    @admin.display(description="Name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description="Team")
    def team(self, user):
        membership = getattr(user, "team_membership", None)
        return membership.team if membership else "—"


class TeamAdminForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(role__in=["sales", "support"]),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("members", is_stacked=False),
    )

    class Meta:
        model = Team
        fields = ["name", "kind", "manager"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["members"].initial = self.instance.members.all()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            services.validate_team(
                kind=cleaned["kind"],
                manager=cleaned["manager"],
                members=cleaned.get("members", []),
                team=self.instance if self.instance.pk else None,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamAdminForm
    list_display = ["name", "kind", "manager", "member_count"]
    list_filter = ["kind"]
    search_fields = ["name", "manager__username", "members__username"]
    list_select_related = ["manager"]
    autocomplete_fields = ["manager"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    @admin.display(description="Members", ordering="member_total")
    def member_count(self, team):
        return team.member_total

    def save_model(self, request, obj, form, change):
        fields = {
            "name": form.cleaned_data["name"],
            "kind": form.cleaned_data["kind"],
            "manager": form.cleaned_data["manager"],
            "members": form.cleaned_data.get("members", []),
        }
        if change:
            services.team_update(acting_user=request.user, team=Team.objects.get(pk=obj.pk), **fields)
        else:
            obj.pk = services.team_create(acting_user=request.user, **fields).pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        """Members were saved by the service."""

    def delete_model(self, request, obj):
        services.team_delete(acting_user=request.user, team=obj)
