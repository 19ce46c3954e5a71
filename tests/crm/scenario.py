"""The customer access scenario: customer C owned by sales_rep, and every relation to it.

Each relation names who acts and which shares exist; EXPECTED is ACCESS.md's
"Customer C" table (with the hierarchy), written out per relation.
"""

from dataclasses import dataclass

from guardian.shortcuts import assign_perm

from crm.customers.models import CustomerShare, ShareLevel

VIEW, CHANGE, DELETE, REASSIGN, SHARE = "view", "change", "delete", "reassign", "share"
ALL = {VIEW, CHANGE, DELETE, REASSIGN, SHARE}


@dataclass(frozen=True)
class Relation:
    name: str
    actor: str | None  # a persona fixture name; None is anonymous
    user_share: str | None = None  # level of a share to other_rep
    team_share: str | None = None  # level of a share to Sales B


RELATIONS = [
    Relation("owner", "sales_rep"),
    Relation("manager of the owner", "sales_manager"),
    Relation("teammate of the owner", "teammate"),
    Relation("another team's manager", "other_manager"),
    Relation("another team's salesperson", "other_rep"),
    Relation("user shared at view", "other_rep", user_share=ShareLevel.VIEW),
    Relation("user shared at edit", "other_rep", user_share=ShareLevel.EDIT),
    Relation("member of a team shared at view", "other_rep", team_share=ShareLevel.VIEW),
    Relation("member of a team shared at edit", "other_rep", team_share=ShareLevel.EDIT),
    Relation("manager of a user shared at edit", "other_manager", user_share=ShareLevel.EDIT),
    Relation("manager of a team shared at view", "other_manager", team_share=ShareLevel.VIEW),
    Relation("support rep", "support_rep"),
    Relation("support manager", "support_manager"),
    Relation("admin", "admin"),
    Relation("anonymous", None),
]

EXPECTED = {
    "owner": {VIEW, CHANGE, SHARE},
    "manager of the owner": ALL,
    "teammate of the owner": set(),
    "another team's manager": set(),
    "another team's salesperson": set(),
    "user shared at view": {VIEW},
    "user shared at edit": {VIEW, CHANGE},
    "member of a team shared at view": {VIEW},
    "member of a team shared at edit": {VIEW, CHANGE},
    "manager of a user shared at edit": {VIEW, CHANGE},
    "manager of a team shared at view": {VIEW},
    "support rep": {VIEW},
    "support manager": {VIEW},
    "admin": ALL,
    "anonymous": set(),
}


def share(customer, *, level, user=None, team=None):
    """Store a share as the services do: a guardian grant and its share row."""
    permission = "crm.change_customer" if level == ShareLevel.EDIT else "crm.view_customer"
    grant = assign_perm(permission, user or team.group, customer)
    return CustomerShare.objects.create(
        customer=customer,
        user=user,
        team=team,
        level=level,
        user_grant=grant if user else None,
        team_grant=grant if team else None,
    )


def arrange(relation: Relation, request, customer):
    """Create the relation's shares and return the acting user (None: anonymous)."""
    org = request.getfixturevalue("org")
    if relation.user_share:
        share(customer, level=relation.user_share, user=request.getfixturevalue("other_rep"))
    if relation.team_share:
        share(customer, level=relation.team_share, team=org["other_team"])
    return request.getfixturevalue(relation.actor) if relation.actor else None
