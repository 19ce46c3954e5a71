"""CSV exports of a ticket queue and of the feedback list, with the list's filters (crm.platform.exports).

Only the tickets and feedback the user may view, as the lists show them.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_safe

from crm.customers.access import customer_name_shown
from crm.platform.exports import Column, column, csv_response, invalid_filters

from .. import selectors
from ..filters import TICKET_ORDERINGS, FeedbackFilter, TicketFilter

TICKET_COLUMNS = [
    column("id"),
    column("subject"),
    column("customer", "customer_id"),
    Column("customer_name", customer_name_shown),
    column("kind"),
    column("priority"),
    column("status"),
    column("team", "team.name"),
    column("assignee", "assignee.username"),
    column("created_at"),
    column("first_response_due_at"),
    column("first_response_at"),
    column("sla_due_at"),
    column("resolved_at"),
]
FEEDBACK_COLUMNS = [
    column("id"),
    column("created_at"),
    column("customer", "customer_id"),
    Column("customer_name", customer_name_shown),
    column("ticket", "ticket_id"),
    column("rating"),
    column("comment"),
    column("source"),
    column("recorded_by", "recorded_by.username"),
]


@login_required
@require_safe
def queue_export(request, queue_key):
    queue = next((q for q in selectors.queues_for(request.user) if q.key == queue_key), None)
    if queue is None:
        raise Http404("No such queue.")
    tickets = selectors.queue_tickets(user=request.user, queue=queue, now=timezone.now())
    ticket_filter = TicketFilter(request.GET, queryset=tickets, request=request)
    if not ticket_filter.is_valid():
        return invalid_filters(ticket_filter)
    default_ordering = "-created_at" if queue.key == "all" else "sla_due_at"
    ordering = request.GET.get("ordering", default_ordering)
    ordering = ordering if ordering in TICKET_ORDERINGS else default_ordering
    return csv_response(
        filename=f"tickets-{queue.key}", columns=TICKET_COLUMNS, rows=ticket_filter.qs.order_by(ordering, "id")
    )


@login_required
@require_safe
def feedback_export(request):
    feedback_filter = FeedbackFilter(request.GET, queryset=selectors.feedback_list(user=request.user), request=request)
    if not feedback_filter.is_valid():
        return invalid_filters(feedback_filter)
    rows = feedback_filter.qs.order_by("-created_at", "-id")
    return csv_response(filename="feedback", columns=FEEDBACK_COLUMNS, rows=rows)
