"""CSV exports of a ticket queue and of the feedback list, with the list's filters (crm.platform.exports).

Only the tickets and feedback the user may view, as the lists show them.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_safe

from crm.customers.access import customer_name_shown
from crm.platform.exports import Column, column, filtered_csv

from .. import selectors
from ..filters import TICKET_ORDERINGS, FeedbackFilter, TicketFilter
from .feedback import FEEDBACK_ORDERING
from .tickets import queue_ordering

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
    return filtered_csv(
        request,
        TicketFilter(request.GET, queryset=tickets, request=request),
        filename=f"tickets-{queue.key}",
        columns=TICKET_COLUMNS,
        orderings=TICKET_ORDERINGS,
        default_ordering=queue_ordering(queue),
    )


@login_required
@require_safe
def feedback_export(request):
    feedback_filter = FeedbackFilter(request.GET, queryset=selectors.feedback_list(user=request.user), request=request)
    return filtered_csv(
        request, feedback_filter, filename="feedback", columns=FEEDBACK_COLUMNS, default_ordering=FEEDBACK_ORDERING
    )
