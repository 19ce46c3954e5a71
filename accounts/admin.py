"""Django admin for users, roles and teams. Forms validate through the services' invariants."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError

from . import services
from .models import Team, TeamMembership, User


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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") is None:
            return cleaned
        try:
            services.validate_role_and_team(self.instance, cleaned["role"], cleaned.get("team"))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminForm
    list_display = ["username", "full_name", "email", "role", "team", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser", "team_membership__team"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["team_membership__team"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "email", "time_zone"]}),
        ("Access", {"fields": ["role", "team", "is_active", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "role", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "team" in form.cleaned_data:
            services.user_set_team(acting_user=request.user, user=obj, team=form.cleaned_data["team"])

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
