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
    conditions = [q for rule in rules if (q := rule.filter(scope, action)) is not None]
    if not conditions:
        return queryset.none()
    if any(not q for q in conditions):  # an empty Q() means "every row"
        return queryset
    return queryset.filter(reduce(or_, conditions))


def reasons_for(rules, scope, record: Model, grants: list) -> list[Reason]:
    return [reason for rule in rules for reason in rule.reasons(scope, record, grants)]


def actions_of(reasons: list[Reason]) -> frozenset[str]:
    return frozenset().union(*(reason.actions for reason in reasons))
