"""The access explainer ("Who can see this?"): for a customer or a ticket, every user who may view
it and why, per action.

For managers and admins, on records they may view themselves (others: 403, or 404 for
a record they cannot see). `?user=ID` explains one user, refusals included; the picker and
`?user=` offer only active users in the asker's teams or who may view the record, and any
other value is answered as one that names nobody.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from crm.insights.explainer import (
    NO_SUCH_USER,
    askable_user,
    askable_users,
    explain_access,
    explainable_kind,
    who_may_view,
)
from crm.platform.api.filtering import as_record_id
from crm.staff import access as staff_access


@login_required
def record_access(request, kind_name, record_id):
    kind = explainable_kind(kind_name)
    if kind is None:
        raise Http404("No such record.")
    try:
        record = kind.visible_record(request.user, record_id)
    except kind.model.DoesNotExist:
        raise Http404("No such record.") from None
    if not staff_access.can_explain_access(request.user):
        raise PermissionDenied("Only managers and admins may see who can see a record.")
    viewers = who_may_view(kind=kind, record=record)
    asked_user = None
    if "user" in request.GET:
        user_id = as_record_id(request.GET["user"])
        asked_user = askable_user(kind=kind, record=record, asker=request.user, user_id=user_id)
    context = {
        "kind": kind,
        "record": record,
        "record_url": kind.record_url(record),
        "actions": kind.actions,
        "viewers": viewers,
        "users": askable_users(asker=request.user, viewers=viewers),
        "asked_user": asked_user,
        "asked": explain_access(kind=kind, record=record, users=[asked_user])[0] if asked_user else None,
        "no_such_user": NO_SUCH_USER if "user" in request.GET and asked_user is None else None,
    }
    return render(request, "crm/record_access.html", context)
