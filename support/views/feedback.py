"""Portal pages for feedback: the list with its average rating, and recording feedback by hand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from crm.customers.access import customers_visible_to
from crm.platform.api.filtering import as_record_id
from crm.platform.forms import write_from_form
from crm.platform.list_pages import filtered_rows, list_page

from .. import access, selectors
from ..filters import FeedbackFilter
from ..forms import FeedbackForm
from ..models import Ticket
from ..services import feedback as services

FEEDBACK_ORDERING = "-created_at"  # newest first; the list offers no other order


@login_required
def feedback_list(request):
    feedback_filter = FeedbackFilter(request.GET, queryset=selectors.feedback_list(user=request.user), request=request)
    context = list_page(request, feedback_filter, default_ordering=FEEDBACK_ORDERING) | {
        "summary": selectors.feedback_summary(filtered_rows(feedback_filter)),
    }
    return render(request, "support/feedback_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def feedback_create(request):
    """Record a customer's rating: about a ticket (?ticket=) or about a customer in general."""
    ticket = _visible_ticket_from_query(request)
    customers = None if ticket else customers_visible_to(request.user).order_by("name", "id")
    form = FeedbackForm(
        request.POST or None,
        initial={"customer": request.GET.get("customer"), "ticket": ticket},
        customers=customers,
        tickets=selectors.ticket_list(user=request.user).filter(pk=ticket.pk) if ticket else None,
    )
    if ticket is not None and not access.can_record_feedback(request.user, ticket.customer, ticket):
        raise PermissionDenied("You may not record feedback for this customer.")
    if request.method == "POST" and form.is_valid():
        feedback = write_from_form(
            form, lambda: services.feedback_create(acting_user=request.user, **form.cleaned_data)
        )
        if feedback is not None:
            messages.success(request, "Feedback recorded.")
            return (
                redirect("support-ticket-detail", ticket_id=ticket.pk) if ticket else redirect("support-feedback-list")
            )
    return render(request, "support/feedback_form.html", {"form": form, "ticket": ticket})


def _visible_ticket_from_query(request) -> Ticket | None:
    ticket_id = request.GET.get("ticket")
    if not ticket_id:
        return None
    if (record_id := as_record_id(ticket_id)) is None:
        raise Http404("No such ticket.")
    try:
        return selectors.ticket_get(user=request.user, ticket_id=record_id)
    except Ticket.DoesNotExist:
        raise Http404("No such ticket.") from None
