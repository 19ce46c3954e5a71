"""The sales access scenarios: customer C owned by sales_rep, a record on it, and every relation to it.

Each relation names who acts, who owns the record, and which shares of C exist;
OPPORTUNITY_EXPECTED and ORDER_EXPECTED are ACCESS.md's "Opportunity P" and "Order R"
rules (with the hierarchy, and the project's readings written there), per relation.
"""

from dataclasses import dataclass

from crm.customers.models import ShareLevel
from tests.crm.scenario import share

VIEW, CHANGE, DELETE, REASSIGN = "view", "change", "delete", "reassign"
ALL = {VIEW, CHANGE, DELETE, REASSIGN}


@dataclass(frozen=True)
class Relation:
    name: str
    actor: str | None  # a persona fixture name; None is anonymous
    owner: str = "sales_rep"  # who owns the opportunity or order (C is always owned by sales_rep)
    user_share: str | None = None  # level of a share of C to other_rep
    team_share: str | None = None  # level of a share of C to Sales B


OPPORTUNITY_RELATIONS = [
    Relation("owner", "sales_rep"),
    Relation("manager of the owner", "sales_manager"),
    Relation("manager who owns it", "sales_manager", owner="sales_manager"),
    Relation("teammate of the owner", "teammate"),
    Relation("another team's manager", "other_manager"),
    Relation("another team's salesperson", "other_rep"),
    Relation("salesperson C is shared with at edit", "other_rep", user_share=ShareLevel.EDIT),
    Relation("member of a team C is shared with", "other_rep", team_share=ShareLevel.EDIT),
    Relation("manager of a team C is shared with", "other_manager", team_share=ShareLevel.EDIT),
    Relation("owner of C, on a teammate's opportunity", "sales_rep", owner="teammate"),
    Relation("support rep", "support_rep"),
    Relation("support manager", "support_manager"),
    Relation("admin", "admin"),
    Relation("anonymous", None),
]

OPPORTUNITY_EXPECTED = {
    "owner": {VIEW, CHANGE},
    "manager of the owner": ALL,
    "manager who owns it": ALL,
    "teammate of the owner": set(),
    "another team's manager": set(),
    "another team's salesperson": set(),
    "salesperson C is shared with at edit": set(),
    "member of a team C is shared with": set(),
    "manager of a team C is shared with": set(),
    "owner of C, on a teammate's opportunity": set(),
    "support rep": set(),
    "support manager": set(),
    "admin": ALL,
    "anonymous": set(),
}

ORDER_RELATIONS = [
    Relation("owner", "sales_rep"),
    Relation("manager of the owner", "sales_manager"),
    Relation("manager who owns it", "sales_manager", owner="sales_manager"),
    Relation("teammate of the owner", "teammate"),
    Relation("another team's manager", "other_manager"),
    Relation("another team's salesperson", "other_rep"),
    Relation("salesperson C is shared with at view", "other_rep", user_share=ShareLevel.VIEW),
    Relation("salesperson C is shared with at edit", "other_rep", user_share=ShareLevel.EDIT),
    Relation("member of a team C is shared with", "other_rep", team_share=ShareLevel.VIEW),
    Relation("manager of a salesperson C is shared with", "other_manager", user_share=ShareLevel.VIEW),
    Relation("owner of C, on a teammate's order", "sales_rep", owner="teammate"),
    Relation("support rep", "support_rep"),
    Relation("support manager", "support_manager"),
    Relation("admin", "admin"),
    Relation("anonymous", None),
]

ORDER_EXPECTED = {
    "owner": {VIEW, CHANGE},
    "manager of the owner": ALL,
    "manager who owns it": ALL,
    "teammate of the owner": set(),
    "another team's manager": set(),
    "another team's salesperson": set(),
    "salesperson C is shared with at view": {VIEW},
    "salesperson C is shared with at edit": {VIEW},
    "member of a team C is shared with": {VIEW},
    "manager of a salesperson C is shared with": {VIEW},
    "owner of C, on a teammate's order": {VIEW},
    "support rep": {VIEW},
    "support manager": {VIEW},
    "admin": ALL,
    "anonymous": set(),
}


def arrange(relation: Relation, request, customer):
    """Create the relation's shares of C and return the acting user (None: anonymous)."""
    org = request.getfixturevalue("org")
    if relation.user_share:
        share(customer, level=relation.user_share, user=request.getfixturevalue("other_rep"))
    if relation.team_share:
        share(customer, level=relation.team_share, team=org["other_team"])
    return request.getfixturevalue(relation.actor) if relation.actor else None


def owner_of(relation: Relation, request):
    return request.getfixturevalue(relation.owner)


def reassign_target(relation: Relation, request):
    """A member of Sales A other than the current owner: a target the owner's manager may choose."""
    return request.getfixturevalue("sales_rep" if relation.owner == "teammate" else "teammate")
