"""Ticket and feedback access policy: ACCESS.md, "Ticket T on customer C, in support team Q"
and "Feedback F", in one place.

Tickets. The members of Q work its queue (view and change: status, priority,
assignee, replies, internal notes, moving it to another team); the owner of C follows
the ticket read-only. The hierarchy adds the manager of Q (view, change) and the
manager of C's owner (view, read-only). Admins do everything; only admins delete.
Every rule is read from the ticket's own fields (team, customer's owner) and the
staff scope, so moving a ticket to another team moves access in the same
transaction. Internal notes are seen only by those who may change the ticket.

Feedback. Anyone who can view its ticket views it; feedback without a ticket is
viewed by anyone who can view its customer. Staff who can view a customer record
feedback for it; only admins change or delete feedback.

It also holds support's other access decisions, each once: who works which queue, who
sets an assignee (and whom), where a new ticket lands, and which roles have support's
pages and home sections (predicates, with the role lists today's registries take).

Each rule answers `filter(scope, action)` (an indexed filter for lists, searches and
counts) and `reasons(scope, record, grants)` (why it holds for one record), in the
shape of accounts.policy.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet

from accounts.access import StaffScope, prime_staff_scopes, staff_scope
from accounts.backends import ObjectPolicy
from accounts.models import Role, Team, TeamKind, User
from accounts.policy import AdminRule, Reason, actions_of, reasons_for, related_rows_condition, rows_allowed
from crm.customers import access as customer_access
from crm.customers.models import Customer

from .models import Feedback, Ticket, TicketMessage


class TicketAction(models.TextChoices):
    VIEW = "view", "view"
    CHANGE = "change", "change (status, priority, assignee, replies, internal notes, team)"
    DELETE = "delete", "delete"


ALL_TICKET_ACTIONS = frozenset(TicketAction)
QUEUE_ACTIONS = frozenset({TicketAction.VIEW, TicketAction.CHANGE})
READ_ONLY = frozenset({TicketAction.VIEW})


class QueueMemberRule:
    """Members of the ticket's support team work its queue."""

    def filter(self, scope, action):
        teams = scope.team_ids & scope.support_team_ids
        return Q(team_id__in=teams) if action in QUEUE_ACTIONS and teams else None

    def reasons(self, scope, ticket, grants):
        if ticket.team_id in scope.team_ids & scope.support_team_ids:
            return [Reason("member of the ticket's team", QUEUE_ACTIONS)]
        return []


class QueueManagerRule:
    """The manager of the ticket's team has the rights of its members."""

    def filter(self, scope, action):
        teams = scope.managed_team_ids & scope.support_team_ids
        return Q(team_id__in=teams) if action in QUEUE_ACTIONS and teams else None

    def reasons(self, scope, ticket, grants):
        if ticket.team_id in scope.managed_team_ids & scope.support_team_ids:
            return [Reason("manager of the ticket's team", QUEUE_ACTIONS)]
        return []


def _customers_owned_by(owner_ids) -> Q:
    # A subquery on the customer's owner index (hashed once) rather than a join. Not an InSubquery:
    # a sales manager's members may own thousands of customers, too many for an array tested per row.
    return Q(customer__in=Customer.objects.filter(owner_id__in=owner_ids).values("pk"))


def _may_own_customers(scope) -> bool:
    """False when the owner rules cannot hold for anyone the user acts for. Then a support user's filter
    is `team_id IN (...)` alone, which an index serves for every list and count; with an OR beside it,
    PostgreSQL has no index path for a count and reads the whole table. (Only asked when a queue rule
    is there to be ORed with: for everyone else the owner rules are the whole filter.)"""
    if not scope.support_team_ids or (scope.team_ids | scope.managed_team_ids) - scope.support_team_ids:
        return True  # no queue rule to OR with, or sales teams too (whose members own customers): no probe
    return customer_access.acting_users_own_customers(scope)


class CustomerOwnerRule:
    """The owner of the ticket's customer follows it, read-only."""

    def filter(self, scope, action):
        if action != TicketAction.VIEW or not _may_own_customers(scope):
            return None
        return _customers_owned_by([scope.user_id])

    def reasons(self, scope, ticket, grants):
        if ticket.customer.owner_id == scope.user_id:
            return [Reason("owner of the ticket's customer (read-only)", READ_ONLY)]
        return []


class ManagerOfCustomerOwnerRule:
    """The manager of the customer's owner has the owner's rights: read-only."""

    def filter(self, scope, action):
        if action != TicketAction.VIEW or not scope.managed_member_ids or not _may_own_customers(scope):
            return None
        return _customers_owned_by(scope.managed_member_ids)

    def reasons(self, scope, ticket, grants):
        if ticket.customer.owner_id in scope.managed_member_ids:
            return [Reason("manager of the owner of the ticket's customer (read-only)", READ_ONLY)]
        return []


QUEUE_RULES = (AdminRule(ALL_TICKET_ACTIONS), QueueMemberRule(), QueueManagerRule())
TICKET_RULES = (*QUEUE_RULES, CustomerOwnerRule(), ManagerOfCustomerOwnerRule())


def _is_active_user(user: User) -> bool:
    """Signed in and active (not `User.is_staff`, which means an admin who reaches Django admin)."""
    return user.is_authenticated and user.is_active


def sees_tickets(user: User) -> bool:
    """The ticket pages are there for every member of staff (each sees the tickets they may view)."""
    return _is_active_user(user)


def sees_feedback(user: User) -> bool:
    """The feedback list is there for every member of staff (each sees the feedback they may view)."""
    return _is_active_user(user)


def has_own_queue(user: User) -> bool:
    """Support users land on their queue, what breaches soon and their ratings (the home page)."""
    return _is_active_user(user) and user.role == Role.SUPPORT


def follows_own_customers_complaints(user: User) -> bool:
    """Salespeople see their customers' open complaints on their home page."""
    return _is_active_user(user) and user.role == Role.SALES


def tickets_for(user: User, action: str) -> QuerySet[Ticket]:
    """The tickets on which `user` may do `action`, as one indexed filter."""
    if not _is_active_user(user):
        return Ticket.objects.none()
    return rows_allowed(TICKET_RULES, Ticket.objects.all(), staff_scope(user), action)


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    return tickets_for(user, TicketAction.VIEW)


def tickets_of_customer_visible_to(user: User, customer: Customer) -> QuerySet[Ticket]:
    """The tickets of `customer` that `user` may view (the customer page): the same rules, with the
    owner rules decided on the customer at hand, so no probe or subquery is needed for them."""
    if not _is_active_user(user):
        return Ticket.objects.none()
    scope = staff_scope(user)
    tickets = Ticket.objects.filter(customer=customer)
    if customer.owner_id in scope.acting_user_ids:  # the owner, or the manager of the owner: they view every one
        return tickets
    return rows_allowed(QUEUE_RULES, tickets, scope, TicketAction.VIEW)


def ticket_access_reasons(user: User, ticket: Ticket) -> list[Reason]:
    """Every reason that lets `user` act on `ticket` (empty: the ticket does not exist for them)."""
    if not _is_active_user(user):
        return []
    return reasons_for(TICKET_RULES, staff_scope(user), ticket, [])


def ticket_access_reasons_by_user(users, ticket: Ticket) -> dict[int, list[Reason]]:
    """Every user's reasons on `ticket` (the access explainer): the same rules, the users' scopes read at once."""
    return {user.pk: ticket_access_reasons(user, ticket) for user in prime_staff_scopes(users)}


def ticket_actions(user: User, ticket: Ticket) -> frozenset[str]:
    """What `user` may do with `ticket`; computed once per user and record instance."""
    cache = ticket.__dict__.setdefault("_actions_by_user", {})
    if user.pk not in cache:
        cache[user.pk] = actions_of(ticket_access_reasons(user, ticket))
    return cache[user.pk]


def forget_ticket_access(ticket: Ticket) -> None:
    """Drop cached answers after a change of team or customer."""
    ticket.__dict__.pop("_actions_by_user", None)


def can_view_ticket(user: User, ticket: Ticket) -> bool:
    return TicketAction.VIEW in ticket_actions(user, ticket)


def can_change_ticket(user: User, ticket: Ticket) -> bool:
    return TicketAction.CHANGE in ticket_actions(user, ticket)


def can_delete_ticket(user: User, ticket: Ticket) -> bool:
    return TicketAction.DELETE in ticket_actions(user, ticket)


def can_see_internal_notes(user: User, ticket: Ticket) -> bool:
    return can_change_ticket(user, ticket)


def can_claim_ticket(user: User, ticket: Ticket) -> bool:
    """A member of the ticket's team who may change it takes it (a manager is not a member: they assign)."""
    if not can_change_ticket(user, ticket) or ticket.assignee_id == user.pk:
        return False
    scope = staff_scope(user)
    return ticket.team_id in scope.team_ids & scope.support_team_ids


def can_work_queue_of(user: User, team: Team) -> bool:
    """Whether `user` may change the tickets in `team`'s queue (a ticket's rights, before it exists):
    its members, its manager, admins."""
    if not _is_active_user(user):
        return False
    scope = staff_scope(user)
    return scope.is_admin or team.pk in scope.support_team_ids


def works_queues(user: User) -> bool:
    """Admins and the members and managers of support teams work ticket queues; everyone else
    follows the tickets they may view."""
    if not _is_active_user(user):
        return False
    scope = staff_scope(user)
    return scope.is_admin or bool(scope.support_team_ids)


def worked_queues_condition(scope: StaffScope) -> Q:
    """The tickets in the queues the user works (a support user's or manager's own teams; every queue
    for an admin), as a condition on the tickets they may view."""
    return Q() if scope.is_admin else Q(team_id__in=scope.support_team_ids)


# Assigning. ACCESS.md: changing a ticket's assignee is for the members of Q (and, by the
# hierarchy, its manager and admins), and the assignee is a member of Q. The same rule holds
# when a ticket is opened with an assignee: a salesperson, or a manager of other teams, opens it
# without one, and the queue's members take it from there.


def can_assign_tickets_of(user: User, team: Team) -> bool:
    """Whether `user` may set the assignee of a ticket in `team`'s queue: those who work it."""
    return can_work_queue_of(user, team)


def can_assign_tickets(user: User) -> bool:
    """Whether `user` may set assignees in some queue (the API offers them `assignee` on a new ticket;
    `can_assign_tickets_of` then decides for the queue the ticket lands in)."""
    return works_queues(user)


def support_users() -> QuerySet[User]:
    """The users who may be an assignee at all (in the queue of a team they are a member of): active support users."""
    return User.objects.filter(is_active=True, role=Role.SUPPORT)


def assignable_users(team: Team) -> QuerySet[User]:
    """Who may be a ticket's assignee in `team`'s queue: its active members."""
    return support_users().filter(team_membership__team=team)


def assignees_for(user: User, team: Team) -> QuerySet[User]:
    """Whom `user` may name as the assignee of a ticket in `team`'s queue (nobody if they may not assign there)."""
    return assignable_users(team) if can_assign_tickets_of(user, team) else User.objects.none()


def can_create_ticket(user: User) -> bool:
    """Support users in a team, sales users, managers and admins open tickets."""
    if not _is_active_user(user):
        return False
    if user.role == Role.SUPPORT:
        return own_support_team_id(user) is not None
    return user.is_admin or user.role in (Role.SALES, Role.MANAGER)


def own_support_team_id(user: User) -> int | None:
    """The support team a support user belongs to: their tickets land in its queue."""
    if user.role != Role.SUPPORT:
        return None
    scope = staff_scope(user)
    return next(iter(scope.team_ids & scope.support_team_ids), None)


@dataclass(frozen=True)
class NewTicketQueue:
    """Where a user's new ticket lands.

    `team_id`: the queue it lands in when they name none (None: they must name one).
    `choosable`: whether they may name any support team; a support user's tickets always land in
    their own team's queue (they transfer them from there).
    """

    team_id: int | None
    choosable: bool


def new_ticket_queue(user: User) -> NewTicketQueue:
    """A support user: their own team, fixed. A manager of exactly one support team: that team, unless
    they name another. Everyone else names the team (ACCESS.md: "sales ... naming Q")."""
    if user.role == Role.SUPPORT:
        return NewTicketQueue(team_id=own_support_team_id(user), choosable=False)
    if user.role == Role.MANAGER:
        scope = staff_scope(user)
        managed = scope.managed_team_ids & scope.support_team_ids
        return NewTicketQueue(team_id=next(iter(managed)) if len(managed) == 1 else None, choosable=True)
    return NewTicketQueue(team_id=None, choosable=True)


def support_teams() -> QuerySet[Team]:
    """Every support team: the queues a ticket may be put in (their names are not confidential)."""
    return Team.objects.filter(kind=TeamKind.SUPPORT)


def ticket_messages_visible_to(user: User, ticket: Ticket) -> QuerySet[TicketMessage]:
    """The ticket's conversation as `user` may see it: internal notes only for those who may change it."""
    messages = TicketMessage.objects.filter(ticket=ticket)
    if not can_see_internal_notes(user, ticket):
        messages = messages.filter(internal=False)
    return messages


class FeedbackAction(models.TextChoices):
    VIEW = "view", "view"
    CHANGE = "change", "change"
    DELETE = "delete", "delete"


ALL_FEEDBACK_ACTIONS = frozenset(FeedbackAction)


@dataclass(frozen=True)
class RelatedAccess:
    """What the user may do with the feedback's ticket and customer, for FeedbackRules' reasons."""

    ticket_actions: frozenset[str]
    customer_actions: frozenset[str]


class TicketViewerRule:
    """Feedback about a ticket is seen by whoever may view the ticket."""

    def filter(self, scope, action):
        if action != FeedbackAction.VIEW:
            return None
        return related_rows_condition(
            "ticket", TICKET_RULES, Ticket.objects.all(), scope, TicketAction.VIEW, nullable=True
        )

    def reasons(self, scope, feedback, related: RelatedAccess):
        if feedback.ticket_id is not None and TicketAction.VIEW in related.ticket_actions:
            return [Reason("may view the ticket it is about", frozenset({FeedbackAction.VIEW}))]
        return []


class TicketlessFeedbackCustomerViewerRule:
    """Feedback about no ticket is seen by whoever may view the customer."""

    def filter(self, scope, action):
        if action != FeedbackAction.VIEW:
            return None
        customers = related_rows_condition(
            "customer", customer_access.RULES, Customer.objects.all(), scope, customer_access.CustomerAction.VIEW
        )
        return None if customers is None else Q(ticket__isnull=True) & customers

    def reasons(self, scope, feedback, related: RelatedAccess):
        if feedback.ticket_id is None and customer_access.CustomerAction.VIEW in related.customer_actions:
            return [Reason("may view the customer (feedback about no ticket)", frozenset({FeedbackAction.VIEW}))]
        return []


FEEDBACK_RULES = (AdminRule(ALL_FEEDBACK_ACTIONS), TicketViewerRule(), TicketlessFeedbackCustomerViewerRule())


def feedback_for(user: User, action: str) -> QuerySet[Feedback]:
    if not _is_active_user(user):
        return Feedback.objects.none()
    return rows_allowed(FEEDBACK_RULES, Feedback.objects.all(), staff_scope(user), action)


def feedback_visible_to(user: User) -> QuerySet[Feedback]:
    return feedback_for(user, FeedbackAction.VIEW)


def feedback_access_reasons(user: User, feedback: Feedback) -> list[Reason]:
    if not _is_active_user(user):
        return []
    related = RelatedAccess(
        ticket_actions=ticket_actions(user, feedback.ticket) if feedback.ticket_id else frozenset(),
        customer_actions=customer_access.customer_actions(user, feedback.customer)
        if feedback.ticket_id is None
        else frozenset(),
    )
    return reasons_for(FEEDBACK_RULES, staff_scope(user), feedback, related)


def feedback_actions(user: User, feedback: Feedback) -> frozenset[str]:
    return actions_of(feedback_access_reasons(user, feedback))


def can_view_feedback(user: User, feedback: Feedback) -> bool:
    return FeedbackAction.VIEW in feedback_actions(user, feedback)


def can_manage_feedback(user: User) -> bool:
    """Change and delete feedback: admins only."""
    return _is_active_user(user) and user.is_admin


def can_record_feedback(user: User, customer: Customer, ticket: Ticket | None = None) -> bool:
    """Staff who may view the customer (and the ticket, when the feedback is about one)."""
    if not _is_active_user(user) or not customer_access.can_view_customer(user, customer):
        return False
    return ticket is None or can_view_ticket(user, ticket)


def ticket_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=Ticket,
        checks={f"{action}_ticket": _ticket_checker(action) for action in TicketAction.values},
    )


def ticket_message_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=TicketMessage,
        checks={
            "view_ticketmessage": lambda user, message: (
                can_see_internal_notes(user, message.ticket)
                if message.internal
                else can_view_ticket(user, message.ticket)
            ),
        },
    )


def feedback_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=Feedback,
        checks={
            "view_feedback": can_view_feedback,
            "change_feedback": lambda user, feedback: can_manage_feedback(user),
            "delete_feedback": lambda user, feedback: can_manage_feedback(user),
        },
    )


def _ticket_checker(action: str):
    return lambda user, ticket: action in ticket_actions(user, ticket)
