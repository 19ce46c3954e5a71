"""The shape every access policy takes, so that lists, single checks and the access
explainer are all answered from one set of rule definitions.

A rule answers two questions about an action:
- `filter(scope, action)`: the rows where it lets the user do the action, as a Q
  (an empty Q() means every row; None means none), for lists, searches, counts, exports;
- `reasons(scope, record, grants)`: why it holds for one record, each Reason naming
  the actions it allows (empty: it does not hold).

A policy is a tuple of rules; a user may do an action when any rule allows it.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Protocol

from django.db.models import BooleanField, F, Func, Model, Q, QuerySet, Subquery


@dataclass(frozen=True)
class Reason:
    """One reason a user may act on a record, and the actions it allows."""

    text: str
    actions: frozenset[str]


class Rule(Protocol):
    def filter(self, scope, action: str) -> Q | None: ...

    def reasons(self, scope, record: Model, grants: list) -> list[Reason]: ...


def rows_allowed(rules, queryset: QuerySet, scope, action: str) -> QuerySet:
    """The rows of `queryset` on which any rule lets the user do `action`: one filter, no per-row check."""
    condition = rows_condition(rules, queryset, scope, action)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def rows_condition(rules, queryset: QuerySet, scope, action: str) -> Q | None:
    """The condition of rows_allowed: None for no row, an empty Q() for every row, else the rules' OR.

    The OR stays one condition on purpose: PostgreSQL then walks the index of the list's
    ordering and stops at the page's last row (or ORs bitmap index scans), whereas a
    `pk IN (branch UNION branch)` must collect and sort every visible row first (measured
    slower at scale 1.0 for every persona but the sparsest).
    """
    conditions = [q for rule in rules if (q := rule.filter(scope, action)) is not None]
    if not conditions:
        return None
    if any(not q for q in conditions):  # an empty Q() means "every row"
        return Q()
    return reduce(or_, conditions)


def related_rows_condition(
    field: str, rules, related: QuerySet, scope, action: str, *, nullable: bool = False
) -> Q | None:
    """Rows whose foreign key `field` points at a row of `related` the rules allow.

    The rules' own condition, read through the foreign key (`team_id__in` becomes
    `ticket__team_id__in`): a join on the related row's primary key, which a list page
    follows row by row in its own order, instead of a subquery that first collects every
    related row the user may see (PostgreSQL hashes a hundred thousand tickets for that).
    When every related row is allowed there is nothing to check: every row (every row
    with a `field`, if `nullable`).
    """
    condition = rows_condition(rules, related, scope, action)
    if condition is None:
        return None
    if not condition:
        return Q(**{f"{field}__isnull": False}) if nullable else Q()
    return through(field, condition)


def through(field: str, condition: Q) -> Q:
    """`condition` on a related row, as a condition on the rows whose foreign key `field` points at it."""
    return Q(
        *(_child_through(field, child) for child in condition.children),
        _connector=condition.connector,
        _negated=condition.negated,
    )


def _child_through(field: str, child):
    if isinstance(child, Q):
        return through(field, child)
    if isinstance(child, InSubquery):
        return child.through(field)
    lookup, value = child
    return (f"{field}__{lookup}", value)


class InSubquery(Func):
    """`column IN (subquery)` for a subquery of a few rows (the grants of a user or a team).

    On PostgreSQL it is written `column = ANY(ARRAY(subquery))`: the subquery runs once,
    first, and its values become an index condition on `column`, which a bitmap OR can
    combine with the other rules' conditions (an owner). A plain IN (subquery) beside an
    OR has no index path: PostgreSQL would test every row of the table against it.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, subquery: QuerySet):
        self.column = column
        self.subquery = subquery
        super().__init__(F(column), Subquery(subquery))

    def through(self, field: str) -> "InSubquery":
        return InSubquery(f"{field}__{self.column}", self.subquery)

    def as_sql(self, compiler, connection, **extra_context):
        column_sql, column_params = compiler.compile(self.source_expressions[0])
        subquery_sql, subquery_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            return f"{column_sql} = ANY(ARRAY{subquery_sql})", (*column_params, *subquery_params)
        return f"{column_sql} IN {subquery_sql}", (*column_params, *subquery_params)


def reasons_for(rules, scope, record: Model, grants: list) -> list[Reason]:
    return [reason for rule in rules for reason in rule.reasons(scope, record, grants)]


def actions_of(reasons: list[Reason]) -> frozenset[str]:
    return frozenset().union(*(reason.actions for reason in reasons))


# Rules every policy over owned records shares, given that policy's actions.


class AdminRule:
    """Admins may do everything."""

    def __init__(self, actions: frozenset[str]):
        self.actions = actions

    def filter(self, scope, action):
        return Q() if scope.is_admin else None

    def reasons(self, scope, record, context):
        return [Reason("admin", self.actions)] if scope.is_admin else []


class OwnerRule:
    """The owner may do `owner_actions`; a manager who owns a record is its own manager (every action)."""

    def __init__(self, owner_actions: frozenset[str], all_actions: frozenset[str], *, description: str):
        self.owner_actions = owner_actions
        self.all_actions = all_actions
        self.description = description  # the rule in the words of its policy (the access explainer shows it)

    def actions(self, scope) -> frozenset[str]:
        return self.all_actions if scope.is_manager else self.owner_actions

    def filter(self, scope, action):
        return Q(owner_id=scope.user_id) if action in self.actions(scope) else None

    def reasons(self, scope, record, context):
        return [Reason("owner", self.actions(scope))] if record.owner_id == scope.user_id else []


class ManagerOfOwnerRule:
    """The manager of the owner may do every action: what the owner may, and delete and reassign."""

    def __init__(self, actions: frozenset[str], *, description: str):
        self.actions = actions
        self.description = description

    def filter(self, scope, action):
        return Q(owner_id__in=scope.managed_member_ids) if scope.managed_member_ids else None

    def reasons(self, scope, record, context):
        if record.owner_id in scope.managed_member_ids:
            return [Reason("manager of the owner", self.actions)]
        return []
