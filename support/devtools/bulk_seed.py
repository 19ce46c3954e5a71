"""Bulk tickets and their conversations for `manage.py seed_bulk` (see crm.devtools.seeding).

Tickets spread over the support teams (the larger a team, the more it takes), with
assignees from the team. The older a ticket, the likelier it is resolved or closed;
a few old ones are still open. The clocks follow support.sla: due times are creation
+ the priority's target (the SlaPolicy rows) + the time spent pending; `paused_at` is
set exactly while pending, `resolved_at` exactly while resolved or closed, and the
first public reply is the first response. New tickets have no messages yet.
"""

from array import array
from datetime import datetime, timedelta
from itertools import accumulate

from accounts.devtools.bulk_seed import SeededTeam, StaffFacts
from crm.devtools.bulk_seed import CustomerFacts
from crm.devtools.seeding import BulkRun, from_micros, spread, to_micros, weighted_prefix_choice
from support import sla
from support.models import Ticket, TicketKind, TicketMessage, TicketPriority, TicketStatus

FULL_SCALE_TICKETS = 1_000_000
FULL_SCALE_MESSAGES = 3_000_000
STATUSES = list(TicketStatus)  # a ticket's status is stored by its position here while seeding
SUBJECTS = {
    TicketKind.QUESTION: [
        "Invoice shows the wrong VAT rate", "How do I export last year's orders?", "Change of billing address",
        "Request for a training session", "Where do I find the API key?", "Can we add more seats mid-year?",
    ],
    TicketKind.INCIDENT: [
        "Cannot log in to the customer portal", "Sync with the warehouse stopped", "API returns errors",
        "Reports page times out", "Barcode scanner not recognised", "E-mails from the system are not arriving",
    ],
    TicketKind.COMPLAINT: [
        "Delivery arrived two weeks late", "Rude answer on the phone", "Charged twice for one order",
        "Promised call-back never came",
    ],
}  # fmt: skip
REPLIES = [
    "Thanks for reaching out, we are looking into it.",
    "Could you send us a screenshot of the error?",
    "We have found the cause and are fixing it now.",
    "This should be sorted now; please let us know if not.",
    "We have passed this on to the team in charge and will update you tomorrow.",
    "Could you confirm the order number?",
]
NOTES = [
    "Customer is a key account; keep the sales owner informed.",
    "Same issue as last month; see the older ticket.",
    "Escalated to engineering in chat.",
    "Waiting for the warehouse to confirm.",
]


class SupportSeeder:
    name = "support"
    order = 40
    model_labels = ("support.Ticket", "support.TicketMessage")

    def seed(self, run: BulkRun) -> None:
        tickets = _TicketPlan(run)
        run.copy(Ticket, TICKET_COLUMNS, tickets.rows(), total=tickets.count)
        run.copy(TicketMessage, MESSAGE_COLUMNS, tickets.message_rows(), total=sum(tickets.message_counts))


TICKET_COLUMNS = (
    "id", "version", "customer_id", "contact_id", "subject", "description", "kind", "priority", "status", "team_id",
    "assignee_id", "created_by_id", "first_response_due_at", "sla_due_at", "first_response_at", "resolved_at",
    "paused_at", "paused_for", "created_at", "updated_at",
)  # fmt: skip
MESSAGE_COLUMNS = ("id", "ticket_id", "author_id", "body", "internal", "created_at")


class _TicketPlan:
    """Statuses and message counts first (exact totals), then the tickets; what the messages need is kept in arrays."""

    def __init__(self, run: BulkRun):
        self.run = run
        self.staff: StaffFacts = run.facts["staff"]
        self.customers: CustomerFacts = run.facts["customers"]
        self.count = run.count(FULL_SCALE_TICKETS)
        self.first_id = run.first_id(Ticket)
        self.statuses = self._statuses()
        self.message_counts = self._message_counts()
        self.targets = {priority: sla.sla_targets(priority) for priority in TicketPriority}
        self.teams = self.staff.support_teams
        self.team_cumulative = list(accumulate(len(team.member_ids) for team in self.teams))
        # Per ticket, for its messages: the team's position, who replies, and when the conversation runs.
        self.team_indexes = array("B")
        self.replier_ids = array("q")
        self.conversation_starts = array("q")
        self.conversation_ends = array("q")

    def _statuses(self) -> array:
        rng = self.run.rng("ticket-statuses")
        statuses = array("B")
        for index in range(self.count):
            age = self.run.history * (1 - (index + 0.5) / self.count)
            statuses.append(STATUSES.index(_ticket_status(rng, age)))
        return statuses

    def _message_counts(self) -> array:
        """No message on a new ticket, one (the first response) on the others, the rest given out at random."""
        new = STATUSES.index(TicketStatus.NEW)
        counts = array("B", (0 if status == new else 1 for status in self.statuses))
        answered = array("l", (index for index, count in enumerate(counts) if count))
        rng = self.run.rng("ticket-message-counts")
        spare = self.run.count(FULL_SCALE_MESSAGES) - len(answered)
        while spare > 0 and answered:
            index = answered[rng.randrange(len(answered))]
            if counts[index] < 255:
                counts[index] += 1
                spare -= 1
        return counts

    def rows(self):
        rng = self.run.rng("tickets")
        for index in range(self.count):
            yield self._ticket_row(rng, index)

    def _ticket_row(self, rng, index: int) -> tuple:
        run, customers = self.run, self.customers
        created = spread(index, self.count, rng)
        customer = customers.pick(rng, created)
        created = max(created, customers.created_at(customer) + timedelta(minutes=5))
        contact_count = customers.contact_counts[customer]
        contact_id = (
            customers.contact_first_ids[customer] + rng.randrange(contact_count) if rng.random() < 0.85 else None
        )
        kind = rng.choices(list(SUBJECTS), weights=[55, 30, 15])[0]
        priority = rng.choices(list(TicketPriority), weights=[20, 55, 20, 5])[0]
        status = STATUSES[self.statuses[index]]
        team_index = weighted_prefix_choice(rng, self.team_cumulative, len(self.teams))
        team = self.teams[team_index]
        assignee_id = _member(rng, team) if status != TicketStatus.NEW and rng.random() < 0.92 else None
        owner_id = customers.owner_ids[customer]
        created_by = rng.choices([_member(rng, team), owner_id, team.manager_id], weights=[70, 20, 10])[0]
        targets = self.targets[priority]
        first_response = resolved = paused_at = None
        paused_for = timedelta(0)
        updated = created
        if status != TicketStatus.NEW:
            delay = timedelta(seconds=rng.expovariate(1 / (0.6 * targets.first_response.total_seconds())))
            first_response = _before(rng, created + delay, created, run.base_time)
        if status == TicketStatus.PENDING:
            paused_at = first_response + (run.base_time - first_response) * rng.uniform(0.1, 0.9)
        if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            if rng.random() < 0.25:  # waited on the customer for a while on the way
                paused_for = timedelta(hours=rng.uniform(0.5, 48))
            delay = timedelta(seconds=rng.expovariate(1 / (0.5 * targets.resolution.total_seconds()))) + paused_for
            resolved = _before(rng, first_response + delay, first_response, run.base_time)
        conversation_end = resolved or paused_at or first_response
        if status == TicketStatus.OPEN:
            conversation_end = first_response + (run.base_time - first_response) * rng.random()
        if first_response is not None:
            updated = conversation_end
        if status == TicketStatus.CLOSED:
            updated = resolved + (run.base_time - resolved) * rng.uniform(0, 0.2)
        self.team_indexes.append(team_index)
        self.replier_ids.append(assignee_id or _member(rng, team))
        self.conversation_starts.append(to_micros(first_response) if first_response else 0)
        self.conversation_ends.append(to_micros(conversation_end) if conversation_end else 0)
        subject = rng.choice(SUBJECTS[kind])
        return (
            self.first_id + index, 1 + self.statuses[index] + (assignee_id is not None), customers.first_id + customer,
            contact_id, subject, f"{subject}. Reported on {created:%d %B %Y}.", kind, priority, status, team.id,
            assignee_id, created_by, created + targets.first_response + paused_for,
            created + targets.resolution + paused_for, first_response, resolved, paused_at, paused_for, created,
            updated,
        )  # fmt: skip

    def message_rows(self):
        rng = self.run.rng("ticket-messages")
        message_id = self.run.first_id(TicketMessage)
        finished = {STATUSES.index(TicketStatus.RESOLVED), STATUSES.index(TicketStatus.CLOSED)}
        for index in range(self.count):
            count = self.message_counts[index]
            if not count:
                continue
            ticket_id = self.first_id + index
            team = self.teams[self.team_indexes[index]]
            replier_id = self.replier_ids[index]
            start, end = self.conversation_starts[index], self.conversation_ends[index]
            moments = sorted(start + int((end - start) * rng.random()) for _ in range(count - 1))
            yield (message_id, ticket_id, replier_id, rng.choice(REPLIES), False, from_micros(start))
            message_id += 1
            for position, moment in enumerate(moments, start=1):
                closing = position == count - 1 and self.statuses[index] in finished
                internal = not closing and rng.random() < 0.3
                author_id = rng.choices([replier_id, _member(rng, team), team.manager_id], weights=[75, 15, 10])[0]
                body = REPLIES[3] if closing else rng.choice(NOTES if internal else REPLIES)
                yield (message_id, ticket_id, author_id, body, internal, from_micros(end if closing else moment))
                message_id += 1


def _ticket_status(rng, age: timedelta) -> str:
    if age < timedelta(days=1):
        weights = [50, 40, 10, 0, 0]
    elif age < timedelta(days=14):
        weights = [5, 35, 15, 40, 5]
    elif age < timedelta(days=60):
        weights = [0.5, 6.5, 3, 40, 50]
    else:
        weights = [0.2, 1.8, 1, 5, 92]
    return rng.choices(STATUSES, weights=weights)[0]


def _member(rng, team: SeededTeam) -> int:
    """A member of the team, the first ones more often (some reps work far more tickets than others)."""
    members = team.member_ids
    return members[min(int(len(members) * rng.random() ** 1.8), len(members) - 1)]


def _before(rng, moment: datetime, start: datetime, limit: datetime) -> datetime:
    """`moment`, or somewhere between `start` and `limit` when it would fall past `limit`."""
    return moment if moment < limit else start + (limit - start) * rng.uniform(0.05, 0.95)


BULK_SEEDERS = [SupportSeeder()]
