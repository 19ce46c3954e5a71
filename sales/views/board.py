"""The pipeline board: a column per stage with its total; a card dropped on a column moves it.

The move is an htmx POST carrying the version the card showed. The answer is the
board fragment: at once with both column totals changed, or, when the card changed
since the board was drawn, a 409 with the current board and who changed it, unless
that was the mover themselves (nothing is overwritten).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from crm.platform.errors import StaleVersion
from crm.platform.records import other_changer_name
from sales import access, selectors
from sales.filters import OpportunityFilter
from sales.forms import MoveForm
from sales.models import Stage
from sales.services import opportunities as services

from .opportunities import require_pipeline, visible_opportunity


@login_required
def sales_home(request):
    return redirect("sales-board" if access.sees_pipeline(request.user) else "order-list")


@login_required
def pipeline_board(request):
    require_pipeline(request)
    template = "sales/board.html#board" if request.htmx else "sales/board.html"
    return render(request, template, board_context(request))


def board_context(request, *, notice: str = "", notice_kind: str = "") -> dict:
    board_filter = OpportunityFilter(
        request.GET, queryset=selectors.opportunity_list(user=request.user), request=request
    )
    opportunities = board_filter.qs if board_filter.is_valid() else board_filter.queryset.none()
    return {
        "filter": board_filter,
        "columns": selectors.pipeline_board(opportunities=opportunities),
        "owner_choices": access.owners_assignable_by(request.user) if access.may_name_owner(request.user) else None,
        "query": request.GET.urlencode(),
        "board_url": reverse("sales-board"),
        "notice": notice,
        "notice_kind": notice_kind,
        "stages": Stage.choices,
    }


@login_required
@require_POST
def opportunity_move(request, opportunity_id):
    opportunity = visible_opportunity(request, opportunity_id)
    form = MoveForm(request.POST)
    notice, status = "", 200
    if not form.is_valid():
        notice, status = "That move could not be read; the board has been reloaded.", 400
    else:
        try:
            services.opportunity_move(
                acting_user=request.user,
                opportunity=opportunity,
                stage=form.cleaned_data["stage"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion:
            notice, status = _changed_meanwhile(request, opportunity_id), 409
        except ValidationError as error:
            notice, status = " ".join(error.messages), 400
    if not request.htmx:
        return redirect("sales-board")
    context = board_context(request, notice=notice, notice_kind="error" if status != 200 else "")
    return render(request, "sales/board.html#board", context, status=status)


def _changed_meanwhile(request, opportunity_id) -> str:
    try:
        current = visible_opportunity(request, opportunity_id)
    except Http404:
        return "Someone changed this opportunity since you loaded the board; it is no longer yours to see."
    who = other_changer_name(current, reader=request.user)
    changed = f"{who} changed “{current.name}”" if who else f"“{current.name}” changed"
    return (
        f"{changed} since you loaded the board (it is now in {current.get_stage_display()}). "
        "The board shows the current state; your move was not saved."
    )
