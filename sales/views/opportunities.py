"""Portal pages for opportunities: the list, one opportunity, and its forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from crm.customers.access import customers_visible_to
from crm.platform.forms import write_from_form
from crm.platform.list_pages import list_page
from sales import access, selectors
from sales.filters import OPPORTUNITY_ORDERINGS, OpportunityFilter
from sales.forms import OpportunityForm
from sales.models import Opportunity
from sales.services import opportunities as services


def visible_opportunity(request, opportunity_id) -> Opportunity:
    try:
        return selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    except Opportunity.DoesNotExist:
        raise Http404("No such opportunity.") from None


def require_pipeline(request) -> None:
    """Pipeline pages (the board, opportunities and their export) do not exist for support users."""
    if not access.sees_pipeline(request.user):
        raise Http404("No such page.")


@login_required
def opportunity_list(request):
    require_pipeline(request)
    opportunity_filter = OpportunityFilter(
        request.GET, queryset=selectors.opportunity_list(user=request.user), request=request
    )
    context = list_page(
        request, opportunity_filter, orderings=OPPORTUNITY_ORDERINGS, default_ordering="-updated_at"
    ) | {"can_create": access.can_create_opportunity(request.user)}
    template = "sales/opportunity_list.html#results" if request.htmx else "sales/opportunity_list.html"
    return render(request, template, context)


@login_required
def opportunity_detail(request, opportunity_id):
    opportunity = visible_opportunity(request, opportunity_id)
    context = {"opportunity": opportunity, "allowed": access.opportunity_actions(request.user, opportunity)}
    return render(request, "sales/opportunity_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request):
    require_pipeline(request)
    if not access.can_create_opportunity(request.user):
        raise PermissionDenied("Your role may not create opportunities.")
    form = OpportunityForm(
        request.POST or None,
        initial={"customer": request.GET.get("customer")},
        customer_choices=customers_visible_to(request.user).order_by("name"),
        owner_choices=access.owners_assignable_by(request.user) if access.may_name_owner(request.user) else None,
    )
    if request.method == "POST" and form.is_valid():
        opportunity = write_from_form(
            form, lambda: services.opportunity_create(acting_user=request.user, **form.changes())
        )
        if opportunity is not None:
            messages.success(request, f"Opportunity {opportunity.name} created.")
            return redirect("opportunity-detail", opportunity_id=opportunity.pk)
    return render(request, "sales/opportunity_form.html", {"form": form, "opportunity": None})


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request, opportunity_id):
    opportunity = visible_opportunity(request, opportunity_id)
    if not access.can_change_opportunity(request.user, opportunity):
        raise PermissionDenied("You may view this opportunity but not change it.")
    may_reassign = access.can_reassign_opportunity(request.user, opportunity)
    form = OpportunityForm(
        request.POST or None,
        instance=opportunity,
        owner_choices=access.owners_assignable_by(request.user) if may_reassign else None,
    )
    if request.method == "POST" and form.is_valid():
        saved = write_from_form(
            form,
            lambda: services.opportunity_update(
                acting_user=request.user,
                opportunity=opportunity,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
            noun="opportunity",
        )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("opportunity-detail", opportunity_id=opportunity.pk)
    return render(request, "sales/opportunity_form.html", {"form": form, "opportunity": opportunity})


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_delete(request, opportunity_id):
    opportunity = visible_opportunity(request, opportunity_id)
    if not access.can_delete_opportunity(request.user, opportunity):
        raise PermissionDenied("Only the owner's manager or an admin may delete this opportunity.")
    if request.method == "POST":
        services.opportunity_delete(acting_user=request.user, opportunity=opportunity)
        messages.success(request, f"Opportunity {opportunity.name} deleted.")
        return redirect("opportunity-list")
    return render(request, "sales/opportunity_delete.html", {"opportunity": opportunity})
