"""Django admin for the customer core. Admins see every customer; object permissions
(shares and other grants) are managed with django-guardian's object-permission pages.
The audit trail is shown here read-only: nobody adds, changes or deletes an entry."""

import contextlib

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.admin import AdminGroupObjectPermissionsForm, AdminUserObjectPermissionsForm, GuardedModelAdmin

from crm.customers import access, services
from crm.customers.models import (
    Activity,
    Contact,
    Customer,
    CustomerGroupObjectPermission,
    CustomerShare,
    CustomerUserObjectPermission,
)
from crm.platform.errors import ConcurrentChange


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["first_name", "last_name", "email", "phone"]


@admin.register(Customer)
class CustomerAdmin(GuardedModelAdmin):
    list_display = ["name", "email", "industry", "owner", "updated_at"]
    list_filter = ["industry", "owner__role"]
    search_fields = ["name", "email", "phone", "owner__username"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["created_at", "updated_at", "version"]
    inlines = [ContactInline]

    def get_queryset(self, request):
        return access.customers_visible_to(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return request.user.has_perm("crm.change_customer", obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return request.user.has_perm("crm.delete_customer", obj)

    # The "Object permissions" page offers only what may be granted on one customer, and saves
    # through the services: view and change become shares, share_customer an admin-only grant.
    def get_obj_perms_manage_user_form(self, request):
        return _grants_form(AdminUserObjectPermissionsForm, request.user, lambda form: {"user": form.user})

    def get_obj_perms_manage_group_form(self, request):
        return _grants_form(AdminGroupObjectPermissionsForm, request.user, _team_of_form)


def _team_of_form(form) -> dict:
    team = getattr(form.group, "team", None)
    if team is None:
        raise ValidationError("Grants on a customer go to a team's group only.")
    return {"team": team}


def _grants_form(base, acting_user, holder_of):
    """guardian's object-permission form for one customer, restricted to grantable permissions and
    saved through the services (so a grant is a share where it may be, with who and when recorded)."""

    class CustomerGrantsForm(base):
        def get_obj_perms_field_choices(self):
            return [
                (codename, label)
                for codename, label in super().get_obj_perms_field_choices()
                if codename in access.GRANTABLE_CODENAMES
            ]

        def clean(self):
            cleaned = super().clean()
            try:
                holder = holder_of(self)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
            user = holder.get("user")
            if user is not None and (user.pk in (self.obj.owner_id, acting_user.pk) or not user.is_active):
                raise forms.ValidationError("The owner, yourself and inactive users are given nothing here.")
            return cleaned

        def save_obj_perms(self):
            chosen = set(self.cleaned_data[self.get_obj_perms_field_name()])
            holder = holder_of(self)
            level = "edit" if "change_customer" in chosen else "view" if "view_customer" in chosen else None
            # the same grants saved at the same moment by another request: theirs stand
            with contextlib.suppress(ConcurrentChange):
                services.customer_admin_set_grants(
                    acting_user=acting_user,
                    customer=self.obj,
                    level=level,
                    may_share="share_customer" in chosen,
                    **holder,
                )

    return CustomerGrantsForm


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "author", "occurred_at"]
    list_filter = ["kind"]
    search_fields = ["customer__name", "body"]
    list_select_related = ["customer", "author"]
    autocomplete_fields = ["customer", "author"]


@admin.register(CustomerShare)
class CustomerShareAdmin(admin.ModelAdmin):
    list_display = ["customer", "user", "team", "level", "shared_by", "created_at"]
    list_filter = ["level"]
    search_fields = ["customer__name", "user__username", "team__name"]
    list_select_related = ["customer", "user", "team", "shared_by"]
    readonly_fields = ["customer", "user", "team", "level", "user_grant", "team_grant", "shared_by", "created_at"]

    def has_add_permission(self, request):
        return False  # shares are made on the customer page or through the API, which check the policy

    def delete_model(self, request, obj):
        # the grant goes too, not just the row; an admin removing it here leaves owned records where they are
        services.customer_unshare(acting_user=request.user, share=obj, keep_records=True)

    def delete_queryset(self, request, queryset):
        for share in queryset.select_related("customer", "user_grant", "team_grant"):
            self.delete_model(request, share)


class CustomerGrantAdmin(admin.ModelAdmin):
    """A grant is added or revoked, never edited; both go through the services (view and change
    grants become shares, listed on the customer's Sharing page; who granted it and when are kept)."""

    readonly_fields = ["granted_at", "granted_by"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "permission":
            kwargs["queryset"] = Permission.objects.filter(
                content_type=ContentType.objects.get_for_model(Customer), codename__in=access.GRANTABLE_CODENAMES
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def holder(self, grant) -> dict:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            grant = services.customer_grant(
                acting_user=request.user,
                customer=obj.content_object,
                codename=obj.permission.codename,
                **self.holder(obj),
            )
        except ConcurrentChange:
            # the same grant made at the same moment by another request: theirs stands for both
            grant = self.model.objects.filter(
                **self.holder_lookup(obj), permission=obj.permission, content_object=obj.content_object
            ).first()
            if grant is None:
                raise
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        services.customer_revoke_grant(acting_user=request.user, grant=obj, keep_records=True)

    def delete_queryset(self, request, queryset):
        for grant in queryset.select_related("content_object", "permission"):
            self.delete_model(request, grant)


@admin.register(CustomerUserObjectPermission)
class CustomerUserGrantAdmin(CustomerGrantAdmin):
    list_display = ["content_object", "user", "permission", "granted_at", "granted_by"]
    search_fields = ["content_object__name", "user__username", "permission__codename"]
    list_select_related = ["content_object", "user", "permission", "granted_by"]
    autocomplete_fields = ["content_object", "user"]

    def holder(self, grant) -> dict:
        return {"user": grant.user}

    def holder_lookup(self, grant) -> dict:
        return {"user": grant.user}


@admin.register(CustomerGroupObjectPermission)
class CustomerGroupGrantAdmin(CustomerGrantAdmin):
    list_display = ["content_object", "group", "permission", "granted_at", "granted_by"]
    search_fields = ["content_object__name", "group__name", "permission__codename"]
    list_select_related = ["content_object", "group", "permission", "granted_by"]
    autocomplete_fields = ["content_object", "group"]

    def holder(self, grant) -> dict:
        team = getattr(grant.group, "team", None)
        if team is None:
            raise PermissionDenied("Grants on a customer go to a team's group only.")
        return {"team": team}

    def holder_lookup(self, grant) -> dict:
        return {"group": grant.group}
