"""A record's history, for anyone who may view the record (others: 404). Read-only.

The full page lists the changes 50 at a time, newest first; an htmx request (the
panel on the record's own page) gets the latest few as a fragment.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from crm.platform.api.filtering import as_record_id
from crm.platform.audit import selectors as history
from crm.platform.audit.registry import audited_record


def visible_audited_record(user, record_type: str, record_id: int):
    spec = audited_record(record_type)
    record = spec.visible_to(user).filter(pk=record_id).first() if spec else None
    if record is None:
        raise Http404("No such record.")
    return spec, record


def older_than(request) -> int | None:
    return as_record_id(request.GET.get("before", ""))


@login_required
@require_safe
def record_history(request, record_type, record_id):
    spec, record = visible_audited_record(request.user, record_type, record_id)
    panel = bool(request.htmx)
    limit = history.PANEL_ENTRIES if panel else history.PAGE_ENTRIES
    rows = history.record_history(user=request.user, record=record, limit=limit + 1, before=older_than(request))
    page_url = reverse("record-history", args=[record_type, record_id])
    older_url = f"{page_url}?before={rows[limit - 1].entry_id}" if len(rows) > limit else None
    context = {
        "record": record,
        "record_kind": spec.model._meta.verbose_name,
        "record_url": spec.url(record),
        "rows": rows[:limit],
        "panel": panel,
        "page_url": page_url,
        "older_url": older_url,
    }
    return render(request, "crm/history.html#trail" if panel else "crm/history.html", context)
