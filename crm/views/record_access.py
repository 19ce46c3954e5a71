"""The access explainer ("Who can see this?"): for a customer or a ticket, every user who may view
it and why, per action.

For managers and admins, on records they may view themselves (others: 403, or 404 for
a record they cannot see). `?user=ID` explains one user, refusals included.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from accounts.models import User
from crm import access
from crm.api.filtering import as_record_id
from crm.explainer import explain_access, explainable_kind, who_may_view


@login_required
def record_access(request, kind_name, record_id):
    kind = explainable_kind(kind_name)
    if kind is None:
        raise Http404("No such record.")
    try:
        record = kind.visible_record(request.user, record_id)
    except kind.model.DoesNotExist:
        raise Http404("No such record.") from None
    if not access.can_explain_access(request.user):
        raise PermissionDenied("Only managers and admins may see who can see a record.")
    asked_user = _asked_user(request)
    context = {
        "kind": kind,
        "record": record,
        "record_url": kind.record_url(record),
        "actions": kind.actions,
        "viewers": who_may_view(kind=kind, record=record),
        "users": User.objects.order_by("username", "id"),
        "asked_user": asked_user,
        "asked": explain_access(kind=kind, record=record, users=[asked_user])[0] if asked_user else None,
    }
    return render(request, "crm/record_access.html", context)


def _asked_user(request) -> User | None:
    user_id = as_record_id(request.GET.get("user", ""))
    return User.objects.filter(pk=user_id).first() if user_id is not None else None
