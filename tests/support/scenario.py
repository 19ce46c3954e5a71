"""The ticket and feedback access scenarios: every relation to ticket T (and to feedback
about it), with ACCESS.md's "Ticket T" and "Feedback F" tables written out per relation.

Ticket T: customer C owned by sales_rep (Sales A, managed by sales_manager), in the
queue of support team Q ("Support": manager support_manager, member support_rep).
"""

from dataclasses import dataclass

from crm.customers.models import ShareLevel
from tests.crm.scenario import share

VIEW, CHANGE, DELETE = "view", "change", "delete"
WORK = {VIEW, CHANGE}


@dataclass(frozen=True)
class Relation:
    name: str
    actor: str | None  # a persona fixture name; None is anonymous
    customer_share: str | None = None  # level of a share of C with other_rep


TICKET_RELATIONS = [
    Relation("member of Q", "support_rep"),
    Relation("manager of Q", "support_manager"),
    Relation("member of another support team", "other_support_rep"),
    Relation("manager of another support team", "other_support_manager"),
    Relation("support user in no team", "lone_support_rep"),
    Relation("owner of C", "sales_rep"),
    Relation("manager of C's owner", "sales_manager"),
    Relation("teammate of C's owner", "teammate"),
    Relation("salesperson of another team", "other_rep"),
    Relation("manager of another sales team", "other_manager"),
    Relation("user C is shared with at edit", "other_rep", customer_share=ShareLevel.EDIT),
    Relation("admin", "admin"),
    Relation("anonymous", None),
]

TICKET_EXPECTED = {
    "member of Q": WORK,
    "manager of Q": WORK,
    "member of another support team": set(),
    "manager of another support team": set(),
    "support user in no team": set(),
    "owner of C": {VIEW},
    "manager of C's owner": {VIEW},
    "teammate of C's owner": set(),
    "salesperson of another team": set(),
    "manager of another sales team": set(),
    "user C is shared with at edit": set(),  # a customer share opens the customer, not its tickets
    "admin": {VIEW, CHANGE, DELETE},
    "anonymous": set(),
}

# Who may view the customer C itself (crm's rules): what feedback about no ticket follows.
CUSTOMER_VIEWERS = {
    "member of Q",
    "manager of Q",
    "member of another support team",
    "manager of another support team",
    "support user in no team",
    "owner of C",
    "manager of C's owner",
    "user C is shared with at edit",
    "admin",
}


def arrange(relation: Relation, request, customer):
    """Create the relation's shares and return the acting user (None: anonymous)."""
    request.getfixturevalue("support_org")
    if relation.customer_share:
        share(customer, level=relation.customer_share, user=request.getfixturevalue("other_rep"))
    return request.getfixturevalue(relation.actor) if relation.actor else None


def refused_status(allowed: set[str], relation: Relation, *, portal: bool = False) -> int:
    if relation.actor is None:
        return 302 if portal else 401
    return 403 if VIEW in allowed else 404
