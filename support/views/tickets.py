"""Portal pages for tickets: the queues, the ticket page with its conversation, and opening a ticket.

One URL per page; an htmx request gets the page's fragment (a {% partialdef %}). A
ticket the user may not view is a 404; a change they may not make is a 403, and the
page shows them no control for it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from crm.customers.access import contacts_visible_to, customers_visible_to
from crm.platform.api.filtering import as_record_id
from crm.platform.errors import StaleVersion
from crm.platform.forms import stale_version_message, write_from_form
from crm.platform.list_pages import list_page
from crm.staff.access import can_explain_access

from .. import access, selectors
from ..filters import TICKET_ORDERINGS, TicketFilter
from ..forms import AssignForm, ClaimForm, MessageForm, PriorityForm, StatusForm, TicketCreateForm, TransferForm
from ..models import Ticket
from ..services import tickets as services

REFUSED_MESSAGE = "You may view this ticket but not change it."


def visible_ticket(request, ticket_id) -> Ticket:
    try:
        return selectors.ticket_get(user=request.user, ticket_id=ticket_id)
    except Ticket.DoesNotExist:
        raise Http404("No such ticket.") from None


def queue_ordering(queue) -> str:
    """A queue's default order: the whole list newest first, a working queue by its SLA clock."""
    return "-created_at" if queue.key == "all" else "sla_due_at"


@login_required
def support_home(request):
    return redirect("support-queue", queue_key=selectors.default_queue_key(request.user))


@login_required
def queue(request, queue_key):
    queues = selectors.queues_for(request.user)
    current = next((q for q in queues if q.key == queue_key), None)
    if current is None:
        raise Http404("No such queue.")
    now = timezone.now()
    ticket_filter = TicketFilter(
        request.GET,
        queryset=selectors.queue_tickets(user=request.user, queue=current, now=now),
        request=request,
    )
    page = list_page(request, ticket_filter, orderings=TICKET_ORDERINGS, default_ordering=queue_ordering(current))
    counts = selectors.queue_counts(user=request.user, queues=queues, now=now)
    context = page | {
        "queue": current,
        "tabs": [(q, counts[q.key]) for q in queues],
        "can_create": access.can_create_ticket(request.user),
    }
    template = "support/queue.html#results" if request.htmx else "support/queue.html"
    return render(request, template, context)


@login_required
def ticket_detail(request, ticket_id):
    ticket = visible_ticket(request, ticket_id)
    return render(request, "support/ticket_detail.html", _detail_context(request, ticket))


def _detail_context(request, ticket: Ticket, *, reply_form=None, note_form=None, error=None) -> dict:
    user = request.user
    can_change = access.can_change_ticket(user, ticket)
    context = {
        "ticket": ticket,
        "can_change": can_change,
        "conversation": selectors.ticket_conversation(user=user, ticket=ticket),
        "error": error,
        "may_explain": can_explain_access(user),
    }
    if can_change:
        assignees = access.assignees_for(user, ticket.team)
        version = {"version": ticket.version}
        context |= {
            "reply_form": reply_form or MessageForm(initial={"internal": False}, auto_id="reply_%s"),
            "note_form": note_form or MessageForm(initial={"internal": True}, auto_id="note_%s"),
            "status_form": StatusForm(
                initial={"status": ticket.status, **version},
                statuses=services.statuses_reachable_from(ticket.status),
                auto_id="status_%s",
            ),
            "priority_form": PriorityForm(initial={"priority": ticket.priority, **version}, auto_id="priority_%s"),
            "assign_form": AssignForm(
                initial={"assignee": ticket.assignee_id, **version}, assignees=assignees, auto_id="assign_%s"
            ),
            "transfer_form": TransferForm(
                initial=version,
                teams=access.support_teams().exclude(pk=ticket.team_id).order_by("name"),
                auto_id="transfer_%s",
            ),
            "claim_form": ClaimForm(initial=version, auto_id="claim_%s"),
            "may_claim": access.can_claim_ticket(user, ticket),
        }
    return context


def _change_ticket(request, ticket_id, form_class, apply, **form_kwargs):
    """Run one change from the ticket page; an htmx request gets the ticket's properties fragment back."""
    ticket = visible_ticket(request, ticket_id)
    if not access.can_change_ticket(request.user, ticket):
        raise PermissionDenied(REFUSED_MESSAGE)
    form = form_class(request.POST, **{name: make(ticket) for name, make in form_kwargs.items()})
    error, status = None, 200
    if not form.is_valid():
        error, status = _form_errors(form), 400
    else:
        try:
            ticket = apply(ticket, form.cleaned_data)
        except ValidationError as refusal:
            error, status = " ".join(refusal.messages), 400
        except StaleVersion:
            error, status = stale_version_message("ticket"), 409
    return _after_change(request, ticket, error=error, status=status)


def _after_change(request, ticket: Ticket, *, error: str | None, status: int):
    moved_away = not access.can_view_ticket(request.user, ticket)
    if moved_away:
        messages.success(request, f"Ticket #{ticket.pk} is now in the queue of {ticket.team}.")
        if request.htmx:
            response = HttpResponse()
            response["HX-Redirect"] = reverse("support-home")
            return response
        return redirect("support-home")
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("support-ticket-detail", ticket_id=ticket.pk)
    fresh = visible_ticket(request, ticket.pk)
    return render(
        request, "support/ticket_detail.html#properties", _detail_context(request, fresh, error=error), status=status
    )


def _form_errors(form) -> str:
    return " ".join(f"{error}" for errors in form.errors.values() for error in errors)


@login_required
@require_POST
def ticket_status(request, ticket_id):
    return _change_ticket(
        request,
        ticket_id,
        StatusForm,
        lambda ticket, data: services.ticket_update(
            acting_user=request.user, ticket=ticket, expected_version=data["version"], status=data["status"]
        ),
    )


@login_required
@require_POST
def ticket_priority(request, ticket_id):
    return _change_ticket(
        request,
        ticket_id,
        PriorityForm,
        lambda ticket, data: services.ticket_update(
            acting_user=request.user, ticket=ticket, expected_version=data["version"], priority=data["priority"]
        ),
    )


@login_required
@require_POST
def ticket_assign(request, ticket_id):
    return _change_ticket(
        request,
        ticket_id,
        AssignForm,
        lambda ticket, data: services.ticket_update(
            acting_user=request.user, ticket=ticket, expected_version=data["version"], assignee=data["assignee"]
        ),
        assignees=lambda ticket: access.assignees_for(request.user, ticket.team),
    )


@login_required
@require_POST
def ticket_claim(request, ticket_id):
    return _change_ticket(
        request,
        ticket_id,
        ClaimForm,
        lambda ticket, data: services.ticket_claim(
            acting_user=request.user, ticket=ticket, expected_version=data["version"]
        ),
    )


@login_required
@require_POST
def ticket_transfer(request, ticket_id):
    return _change_ticket(
        request,
        ticket_id,
        TransferForm,
        lambda ticket, data: services.ticket_transfer(
            acting_user=request.user, ticket=ticket, expected_version=data["version"], team=data["team"]
        ),
        teams=lambda ticket: access.support_teams().exclude(pk=ticket.team_id),
    )


@login_required
@require_POST
def ticket_message(request, ticket_id):
    """A reply or an internal note; an htmx request gets the conversation (and the refreshed properties) back."""
    ticket = visible_ticket(request, ticket_id)
    if not access.can_change_ticket(request.user, ticket):
        raise PermissionDenied("You may read this ticket but not write in it.")
    form = MessageForm(request.POST)
    written = form.is_valid() and write_from_form(
        form, lambda: services.message_create(acting_user=request.user, ticket=ticket, **form.cleaned_data)
    )
    status = 200 if written else 400
    if status == 200 and not request.htmx:
        return redirect("support-ticket-detail", ticket_id=ticket.pk)
    forms = {} if status == 200 else {"note_form" if form.cleaned_data.get("internal") else "reply_form": form}
    context = _detail_context(request, visible_ticket(request, ticket.pk), **forms)
    template = "support/ticket_detail.html#message_response" if request.htmx else "support/ticket_detail.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request):
    if not access.can_create_ticket(request.user):
        raise PermissionDenied("Your role may not open tickets.")
    customers = customers_visible_to(request.user).order_by("name", "id")
    chosen_customer = customers.filter(pk=_int_or_none(request.GET.get("customer"))).first()
    contacts = contacts_visible_to(request.user).filter(customer=chosen_customer) if chosen_customer else None
    queue = access.new_ticket_queue(request.user)
    form = TicketCreateForm(
        request.POST or None,
        initial={"customer": chosen_customer, "team": queue.team_id},
        customers=customers,
        contacts=contacts if contacts is not None else contacts_visible_to(request.user).none(),
        teams=access.support_teams() if queue.choosable else None,
    )
    if request.method == "POST" and form.is_valid():
        ticket = write_from_form(form, lambda: services.ticket_create(acting_user=request.user, **form.changes()))
        if ticket is not None:
            messages.success(request, f"Ticket #{ticket.pk} opened in the queue of {ticket.team}.")
            return redirect("support-ticket-detail", ticket_id=ticket.pk)
    return render(request, "support/ticket_form.html", {"form": form, "customer": chosen_customer})


def _int_or_none(value) -> int | None:
    return as_record_id(value or "")
