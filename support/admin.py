"""Django admin for support: SLA policies (edited here), and tickets, escalations and feedback for admins."""

from django.contrib import admin

from . import access
from .forms import SlaPolicyForm
from .models import Escalation, Feedback, SentEmail, SlaPolicy, Ticket, TicketMessage


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    form = SlaPolicyForm
    list_display = ["priority", "first_response_minutes", "resolution_minutes", "updated_at"]
    list_editable = ["first_response_minutes", "resolution_minutes"]
    readonly_fields = ["updated_at"]
    fields = ["priority", "first_response_minutes", "resolution_minutes", "updated_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        note = "New tickets, and tickets whose priority changes, use the new target; others keep their due times."
        for name in ("first_response_minutes", "resolution_minutes"):
            form.base_fields[name].help_text = note
        return form

    def get_changelist_form(self, request, **kwargs):
        # The list's editable columns check the same bounds, with the same words, as the policy's page.
        return super().get_changelist_form(request, form=SlaPolicyForm, **kwargs)


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    extra = 0
    fields = ["author", "internal", "body", "created_at"]
    readonly_fields = ["author", "internal", "body", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # replies and notes are written on the ticket page or through the API


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only here (the ticket page and the API change tickets through the services); admins delete."""

    list_display = ["id", "subject", "customer", "kind", "priority", "status", "team", "assignee", "sla_due_at"]
    list_filter = ["status", "priority", "kind", "team"]
    search_fields = ["subject", "customer__name"]
    list_select_related = ["customer", "team", "assignee"]
    inlines = [TicketMessageInline]

    def get_queryset(self, request):
        return access.tickets_visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return request.user.has_perm("support.delete_ticket", obj)


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["ticket", "level", "due_at", "created_at"]
    list_filter = ["level"]
    list_select_related = ["ticket"]
    readonly_fields = ["ticket", "level", "due_at", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["customer", "ticket", "rating", "source", "recorded_by", "created_at"]
    list_filter = ["rating", "source"]
    search_fields = ["customer__name", "comment"]
    list_select_related = ["customer", "ticket", "recorded_by"]
    autocomplete_fields = ["customer"]
    raw_id_fields = ["ticket"]
    readonly_fields = ["source", "recorded_by", "created_at"]


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ["key", "subject", "recipients", "sent_at"]
    search_fields = ["key", "recipients"]
    readonly_fields = ["key", "subject", "recipients", "sent_at"]

    def has_add_permission(self, request):
        return False
