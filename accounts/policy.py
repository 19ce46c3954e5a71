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
from typing import Protocol

from django.db.models import Model, Q, QuerySet


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
    """The condition of rows_allowed: None for no row, an empty Q() for every row.

    One rule gives its own condition. Several give `pk IN (branch UNION branch ...)`: each
    branch is a query an index serves (an owner, a team, the grants of a user), while an OR
    across joins and subqueries would make the planner read the whole table and test each row.
    """
    conditions = [q for rule in rules if (q := rule.filter(scope, action)) is not None]
    if not conditions:
        return None
    if any(not q for q in conditions):  # an empty Q() means "every row"
        return Q()
    if len(conditions) == 1:
        return conditions[0]
    branches = [queryset.filter(q).order_by().values("pk") for q in conditions]
    return Q(pk__in=branches[0].union(*branches[1:]))


def related_rows_condition(
    field: str, rules, related: QuerySet, scope, action: str, *, nullable: bool = False
) -> Q | None:
    """Rows whose foreign key `field` points at a row of `related` the rules allow: `field IN (subquery)`.

    When every related row is allowed, no subquery at all: every row (or every row with a
    `field`, when it is `nullable`), so that the planner is not asked for a needless semi-join.
    """
    condition = rows_condition(rules, related, scope, action)
    if condition is None:
        return None
    if not condition:
        return Q(**{f"{field}__isnull": False}) if nullable else Q()
    return Q(**{f"{field}__in": related.filter(condition).order_by().values("pk")})


def reasons_for(rules, scope, record: Model, grants: list) -> list[Reason]:
    return [reason for rule in rules for reason in rule.reasons(scope, record, grants)]


def actions_of(reasons: list[Reason]) -> frozenset[str]:
    return frozenset().union(*(reason.actions for reason in reasons))
