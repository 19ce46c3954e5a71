"""Writes to tickets and their conversations.

Each service takes the acting user, asks the access policy, validates, and writes in
one transaction. A refused action raises PermissionDenied; bad input raises a
ValidationError naming the field; a change based on a stale version raises
StaleVersion and writes nothing. E-mails are enqueued after the commit, with ids.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Team, TeamKind, User
from crm.customers.access import customers_visible_to
from crm.customers.models import Contact, Customer
from crm.platform.audit.bulk import reassign_and_record
from crm.platform.background import enqueue_on_commit
from crm.platform.records import lock_for_change, save_new_version
from crm.staff.access import can_reassign_team_work

from .. import access, selectors, sla, tasks
from ..models import FINISHED_STATUSES, Feedback, Ticket, TicketKind, TicketMessage, TicketPriority, TicketStatus

TICKET_FIELDS = frozenset(
    {"customer", "contact", "subject", "description", "kind", "priority", "status", "team", "assignee"}
)
# Where a ticket may go from each status. Reopening (resolved or closed -> open) clears resolved_at.
STATUS_CHANGES = {
    TicketStatus.NEW: {TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.OPEN: {TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.PENDING: {TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.RESOLVED: {TicketStatus.OPEN, TicketStatus.CLOSED},
    TicketStatus.CLOSED: {TicketStatus.OPEN},
}


def statuses_reachable_from(status: str) -> set[str]:
    """The ticket's status and those it may move to."""
    return {status, *STATUS_CHANGES.get(status, ())}


@transaction.atomic
def ticket_create(
    *,
    acting_user: User,
    customer: Customer,
    subject: str,
    description: str = "",
    kind: str = TicketKind.QUESTION,
    priority: str = TicketPriority.NORMAL,
    team: Team | None = None,
    assignee: User | None = None,
    contact: Contact | None = None,
) -> Ticket:
    if not access.can_create_ticket(acting_user):
        raise PermissionDenied("Your role may not open tickets.")
    _check_customer(acting_user, customer)
    team = _team_for_new_ticket(acting_user, team)
    _check_contact(contact, customer)
    if assignee is not None:
        _check_may_assign(acting_user, team)
        _check_assignee(assignee, team)
    ticket = Ticket(
        customer=customer,
        contact=contact,
        subject=subject,
        description=description,
        kind=kind,
        priority=priority,
        team=team,
        assignee=assignee,
        created_by=acting_user,
    )
    _check_priority(priority)
    sla.set_due_times(ticket)
    ticket.full_clean()
    ticket.save()
    if ticket.kind == TicketKind.COMPLAINT:
        enqueue_on_commit(tasks.send_complaint_notice, ticket.pk)
    return ticket


def _team_for_new_ticket(acting_user: User, team: Team | None) -> Team:
    queue = access.new_ticket_queue(acting_user)
    if not queue.choosable:
        if team is not None and team.pk != queue.team_id:
            raise ValidationError({"team": ["Your new tickets go to your own team's queue; transfer them from there."]})
        return Team.objects.get(pk=queue.team_id)
    if team is None:
        if queue.team_id is None:
            raise ValidationError({"team": ["Name the support team whose queue takes this ticket."]})
        return Team.objects.get(pk=queue.team_id)
    _check_support_team(team)
    return team


@transaction.atomic
def ticket_update(*, acting_user: User, ticket: Ticket, expected_version: int | None = None, **changes) -> Ticket:
    """Change a ticket: its text, kind, customer, status, priority, assignee or team (a transfer)."""
    if not access.can_change_ticket(acting_user, ticket):
        raise PermissionDenied("You may view this ticket but not change it.")
    _only(changes, TICKET_FIELDS)
    if "assignee" in changes:
        _check_may_assign(acting_user, ticket.team)  # the queue it is in now, even when it moves in this change
    current = lock_for_change(Ticket, ticket, expected_version)
    became_complaint = changes.get("kind") == TicketKind.COMPLAINT and current.kind != TicketKind.COMPLAINT
    _apply_customer_and_contact(acting_user, current, changes)
    for name in ("subject", "description", "kind"):
        if name in changes:
            setattr(current, name, changes[name])
    if "team" in changes and changes["team"].pk != current.team_id:
        _move_to_team(current, changes["team"], keep_assignee="assignee" in changes)
    if "assignee" in changes:
        if changes["assignee"] is not None:
            _check_assignee(changes["assignee"], current.team)
        current.assignee = changes["assignee"]
    if "priority" in changes and changes["priority"] != current.priority:
        _change_priority(current, changes["priority"])
    now_resolved = False
    if "status" in changes and changes["status"] != current.status:
        now_resolved = _change_status(current, changes["status"])
    save_new_version(current)
    access.forget_ticket_access(ticket)
    if became_complaint:
        enqueue_on_commit(tasks.send_complaint_notice, current.pk)
    if now_resolved:
        enqueue_on_commit(tasks.send_survey_invitation, current.pk)
    return current


def ticket_claim(*, acting_user: User, ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """The acting user takes the ticket: they become its assignee (they must be a member of its team)."""
    return ticket_update(
        acting_user=acting_user, ticket=ticket, expected_version=expected_version, assignee=acting_user
    )


def ticket_transfer(*, acting_user: User, ticket: Ticket, team: Team, expected_version: int | None = None) -> Ticket:
    """Move the ticket to another team's queue: that team gains access and the old one loses it at once."""
    return ticket_update(acting_user=acting_user, ticket=ticket, expected_version=expected_version, team=team)


@transaction.atomic
def ticket_delete(*, acting_user: User, ticket: Ticket) -> None:
    if not access.can_delete_ticket(acting_user, ticket):
        raise PermissionDenied("Only admins delete tickets.")
    ticket.delete()


@transaction.atomic
def tickets_reassign(*, acting_user: User, team: Team, from_user: User, to_user: User, now: datetime) -> int:
    """Bulk reassignment (crm.staff.reassignment): the team's unresolved tickets assigned to `from_user` go to
    `to_user`; finished ones keep who worked them. Answers how many moved.

    crm.staff.reassignment has checked the two members; the acting user is checked here too, so no
    other caller moves tickets unasked. Each moved ticket's version goes up (an edit based on it as
    it was is refused as stale), and the audit trail records its old and new assignee.
    """
    if not can_reassign_team_work(acting_user, team):
        raise PermissionDenied("Only the team's manager or an admin may move its members' work.")
    return reassign_and_record(
        selectors.team_open_tickets_assigned_to(team=team, assignee=from_user),
        field="assignee",
        to=to_user,
        version=F("version") + 1,
        updated_at=now,
    )


@transaction.atomic
def message_create(*, acting_user: User, ticket: Ticket, body: str, internal: bool = False) -> TicketMessage:
    """A reply or an internal note. The first public reply by staff is the ticket's first response."""
    if not access.can_change_ticket(acting_user, ticket):
        raise PermissionDenied("You may read this ticket but not write in it.")
    message = TicketMessage(ticket=ticket, author=acting_user, body=body, internal=internal)
    message.full_clean()
    if not internal:
        current = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if current.first_response_at is None:
            current.first_response_at = message.created_at
            if current.status == TicketStatus.NEW:
                current.status = TicketStatus.OPEN
            save_new_version(current)
    message.save()
    return message


def _apply_customer_and_contact(acting_user: User, ticket: Ticket, changes: dict) -> None:
    customer = changes.get("customer")
    if customer is not None and customer.pk != ticket.customer_id:
        _check_customer(acting_user, customer)
        ticket.customer = customer
        if "contact" not in changes and ticket.contact_id is not None:
            ticket.contact = None  # the old contact belongs to the old customer
        # Feedback about the ticket follows it, in this transaction: it is about the new customer now,
        # and nobody who loses the ticket keeps reading its ratings under the old customer.
        Feedback.objects.filter(ticket_id=ticket.pk).update(customer=customer)
    if "contact" in changes:
        _check_contact(changes["contact"], ticket.customer)
        ticket.contact = changes["contact"]


def _move_to_team(ticket: Ticket, team: Team, *, keep_assignee: bool) -> None:
    _check_support_team(team)
    ticket.team = team
    if keep_assignee or ticket.assignee_id is None:
        return
    if not access.assignable_users(team).filter(pk=ticket.assignee_id).exists():
        ticket.assignee = None  # the new queue decides who takes it


def _check_priority(priority: str) -> None:
    if priority not in TicketPriority.values:
        raise ValidationError({"priority": [f"Choose one of: {', '.join(TicketPriority.values)}."]})


def _change_priority(ticket: Ticket, priority: str) -> None:
    _check_priority(priority)
    ticket.priority = priority
    sla.set_due_times(ticket)


def _change_status(ticket: Ticket, status: str) -> bool:
    """Move the ticket and its SLA clock to `status`; True when it has just been resolved."""
    if status not in STATUS_CHANGES.get(ticket.status, ()):
        raise ValidationError({"status": [f"A {ticket.status} ticket cannot become {status}."]})
    now = timezone.now()
    if ticket.status == TicketStatus.PENDING:
        sla.resume_clock(ticket, now=now)
    if status == TicketStatus.PENDING:
        sla.pause_clock(ticket, now=now)
    if status in FINISHED_STATUSES:
        ticket.resolved_at = ticket.resolved_at or now
    else:
        ticket.resolved_at = None
    ticket.status = status
    return status == TicketStatus.RESOLVED


def _check_customer(acting_user: User, customer: Customer) -> None:
    if not customers_visible_to(acting_user).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": ["No such customer."]})


def _check_contact(contact: Contact | None, customer: Customer) -> None:
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": ["This contact belongs to another customer."]})


def _check_support_team(team: Team) -> None:
    if team.kind != TeamKind.SUPPORT:
        raise ValidationError({"team": ["Choose a support team: only they have ticket queues."]})


def _check_may_assign(acting_user: User, team: Team) -> None:
    if not access.can_assign_tickets_of(acting_user, team):
        raise PermissionDenied("Only those who work this queue may assign its tickets.")


def _check_assignee(assignee: User, team: Team) -> None:
    if not access.assignable_users(team).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": [f"The assignee must be a member of the team {team}."]})


def _only(values: dict, allowed: frozenset[str]) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in sorted(unknown)})
