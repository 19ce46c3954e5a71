"""Django admin for the audit trail (read-only throughout) and background tasks that failed for good."""

from django.contrib import admin
from django.utils.html import format_html_join

from crm.platform.audit.models import AuditEntry
from crm.platform.audit.selectors import history_rows
from crm.platform.background import enqueue_on_commit
from crm.platform.models import TaskFailure

if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)  # django-auditlog's own admin; ours below is read-only throughout


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only: searchable by record, actor and changed values."""

    date_hierarchy = "timestamp"
    list_display = ["timestamp", "actor_label", "via", "action", "content_type", "object_repr", "record"]
    list_filter = ["action", "via", "record_type", "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["object_repr", "actor__username", "actor_email", "=record_id", "=object_id", "changes", "cid"]
    fields = [
        "timestamp",
        "actor",
        "actor_email",
        "via",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "record_type",
        "record_id",
        "cid",
        "changes_table",
    ]
    readonly_fields = fields
    actions = None

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in {"record_type", "record_id", "object_id"} or super().lookup_allowed(lookup, value, request)

    @admin.display(description="actor")
    def actor_label(self, entry):
        return entry.actor_label

    @admin.display(description="shown on")
    def record(self, entry):
        return f"{entry.record_type} {entry.record_id}"

    @admin.display(description="changes")
    def changes_table(self, entry):
        rows = history_rows(user=entry.viewer, entries=[entry])
        return format_html_join(
            "\n", "<div>{}: {} → {}</div>", ((c.label, c.old, c.new) for row in rows for c in row.changes)
        )

    def get_object(self, request, object_id, from_field=None):
        entry = super().get_object(request, object_id, from_field)
        if entry is not None:
            entry.viewer = request.user  # names referenced customers as this admin may see them
        return entry

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    """Background tasks that failed for good (crm/background.py). Run one again, or delete it once dealt with."""

    list_display = ["task_name", "exception", "message", "retries", "failed_at"]
    list_filter = ["task_name", "exception"]
    search_fields = ["task_name", "message", "task_id"]
    readonly_fields = [
        "task_name",
        "task_id",
        "args",
        "kwargs",
        "exception",
        "message",
        "traceback",
        "retries",
        "failed_at",
    ]
    actions = ["run_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Run the selected tasks again (and remove them from this list)")
    def run_again(self, request, queryset):
        from celery import current_app

        for failure in queryset:
            task = current_app.tasks.get(failure.task_name)
            if task is None:
                self.message_user(request, f"No task named {failure.task_name}.", level="error")
                continue
            enqueue_on_commit(task, *failure.args, **failure.kwargs)
            failure.delete()
