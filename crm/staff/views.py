"""A team's page: its members and, for its manager and admins, each member's work and the form that moves it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import teams_visible_to
from accounts.models import Team, User
from crm.platform.forms import apply_service_errors
from crm.platform.periods import Period
from crm.staff import access, reassignment
from crm.staff.forms import TeamReassignForm
from crm.staff.work import memberships_led_by, team_tables


def visible_team(request, team_id) -> Team:
    try:
        return teams_visible_to(request.user).select_related("manager").get(pk=team_id)
    except Team.DoesNotExist:
        raise Http404("No such team.") from None


@login_required
def team_detail(request, team_id):
    team = visible_team(request, team_id)
    return render(request, "crm/team_detail.html", _team_context(request, team))


@login_required
@require_POST
def team_reassign(request, team_id):
    team = visible_team(request, team_id)
    if not access.can_reassign_team_work(request.user, team):
        raise PermissionDenied("Only the team's manager or an admin may move its members' work.")
    form = _reassign_form(team, request.POST)
    if form.is_valid():
        try:
            if not form.cleaned_data["confirmed"]:
                # First the count, then "Move now": nothing moves before the manager has seen how much will.
                pending = reassignment.team_reassign_preview(acting_user=request.user, team=team, **form.choices())
                context = _team_context(request, team, form=form) | {"preview": pending}
                return render(request, "crm/team_detail.html", context)
            moved = reassignment.team_reassign(acting_user=request.user, team=team, **form.choices())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _moved_message(team, form.cleaned_data, moved))
            return redirect("team-detail", team_id=team.pk)
    return render(request, "crm/team_detail.html", _team_context(request, team, form=form), status=400)


def _team_context(request, team: Team, *, form=None) -> dict:
    context = {"team": team, "members": _members(team), "may_reassign": False}
    if access.can_reassign_team_work(request.user, team):
        memberships = memberships_led_by(request.user, team_ids=[team.pk])
        context |= {
            "may_reassign": True,
            "work": team_tables(user=request.user, memberships=memberships, period=Period.at()),
            "form": form or _reassign_form(team),
        }
    return context


def _members(team: Team):
    return User.objects.filter(team_membership__team=team).order_by("username", "id")


def _reassign_form(team: Team, data=None) -> TeamReassignForm:
    return TeamReassignForm(data, members=_members(team), movers=reassignment.movers_for(team))


def _moved_message(team: Team, choices: dict, moved: dict[str, int]) -> str:
    movers = {mover.kind: mover for mover in reassignment.movers_for(team)}
    counts = ", ".join(
        movers[kind].counted(count) if kind in movers else f"{count} {kind}" for kind, count in moved.items()
    )
    return f"Moved from {choices['from_user'].display_name} to {choices['to_user'].display_name}: {counts}."
