"""The access explainer: for a record and a user, every reason that grants each action, or why it is refused.

It never decides anything itself. Each kind of record registers its policy here (from
its AppConfig.ready(), so crm imports neither sales nor support): the policy's RULES,
its actions, and a function giving every user's reasons from those same rules. An
action is allowed exactly when one of the reasons names it, as the policy's `can`
answers; the explainer only puts the reasons into words.

    register_explainable_kind(ExplainableKind(
        name="ticket", label="Ticket", actions=TicketAction.choices, rules=TICKET_RULES,
        model=Ticket, visible_to=tickets_visible_to, reasons_by_user=ticket_access_reasons_by_user,
        url_name="support-ticket-detail", related=("customer",),
    ))
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.urls import reverse

from accounts.access import active_users_in_teams_of
from accounts.models import User
from accounts.policy import Reason

# The one answer to an id the explainer may not be asked about: missing, inactive, outside the
# asker's teams and unable to view the record, or no id at all. It names nobody.
NO_SUCH_USER = "No such user among those you may ask about."


@dataclass(frozen=True)
class ExplainableKind:
    name: str  # as the URLs and the command spell it: "customer", "ticket"
    collection: str  # the API collection: "customers", "tickets"
    label: str
    model: type[Model]
    actions: Sequence[tuple[str, str]]  # the policy's actions, as (value, label)
    rules: Sequence  # the policy's rules, to name what was checked when nothing grants an action
    visible_to: Callable[[User], QuerySet]
    reasons_by_user: Callable[[list[User], Model], dict[int, list[Reason]]]
    url_name: str  # the record's portal page, reversed with its id
    related: tuple[str, ...] = ()  # what the rules read from related records, selected with the record

    def visible_record(self, user: User, record_id) -> Model:
        """The record if `user` may view it; otherwise the model's DoesNotExist, as if it did not exist."""
        return self.visible_to(user).select_related(*self.related).get(pk=record_id)

    def record(self, record_id) -> Model:
        return self.model.objects.select_related(*self.related).get(pk=record_id)

    def record_url(self, record: Model) -> str:
        return reverse(self.url_name, args=[record.pk])


_kinds: dict[str, ExplainableKind] = {}


def register_explainable_kind(kind: ExplainableKind) -> None:
    _kinds[kind.name] = kind


def explainable_kind(name: str) -> ExplainableKind | None:
    return _kinds.get(name)


def explainable_kind_for_collection(collection: str) -> ExplainableKind | None:
    return next((kind for kind in _kinds.values() if kind.collection == collection), None)


def explainable_kind_names() -> list[str]:
    return sorted(_kinds)


@dataclass(frozen=True)
class Verdict:
    """One action for one user: allowed with its reasons, or refused with why."""

    action: str
    label: str
    allowed: bool
    reasons: list[str]
    refused_because: list[str]


@dataclass(frozen=True)
class UserAccess:
    user: User
    verdicts: list[Verdict]

    @property
    def may_view(self) -> bool:
        return any(verdict.allowed for verdict in self.verdicts if verdict.action == "view")

    def as_dict(self) -> dict:
        return {
            "user": {
                "id": self.user.pk,
                "username": self.user.username,
                "name": self.user.display_name,
                "role": self.user.role,
                "is_active": self.user.is_active,
            },
            "actions": {
                verdict.action: {
                    "allowed": verdict.allowed,
                    "reasons": verdict.reasons,
                    "refused_because": verdict.refused_because,
                }
                for verdict in self.verdicts
            },
        }


def explain_access(*, kind: ExplainableKind, record: Model, users: Iterable[User]) -> list[UserAccess]:
    """Every action of `kind` for each of `users` on `record`, from the policy's own reasons."""
    users = list(users)
    reasons_by_user = kind.reasons_by_user(users, record)
    return [_user_access(kind, user, reasons_by_user.get(user.pk, [])) for user in users]


def who_may_view(*, kind: ExplainableKind, record: Model) -> list[UserAccess]:
    """Every active user who may view `record`, with their reasons for each action."""
    users = User.objects.filter(is_active=True).order_by("username", "id")
    return [access for access in explain_access(kind=kind, record=record, users=users) if access.may_view]


def askable_users(*, asker: User, viewers: Iterable[UserAccess]) -> list[User]:
    """Whom `asker` may ask the explainer about (its user picker): the active users in their teams
    (an admin: every active user) and the active users who may view the record (`viewers`)."""
    by_pk = {user.pk: user for user in active_users_in_teams_of(asker)}
    for viewer in viewers:
        by_pk.setdefault(viewer.user.pk, viewer.user)
    return sorted(by_pk.values(), key=lambda user: (user.username, user.pk))


def askable_user(*, kind: ExplainableKind, record: Model, asker: User, user_id: int | None) -> User | None:
    """The user `user_id` names, if `asker` may ask about them (see askable_users); None for any other
    id, exactly as for an id that names nobody."""
    if user_id is None:
        return None
    user = active_users_in_teams_of(asker).filter(pk=user_id).first()
    if user is not None:
        return user
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None and explain_access(kind=kind, record=record, users=[user])[0].may_view:
        return user
    return None


def _user_access(kind: ExplainableKind, user: User, reasons: list[Reason]) -> UserAccess:
    verdicts = [_verdict(kind, user, reasons, action, label) for action, label in kind.actions]
    return UserAccess(user=user, verdicts=verdicts)


def _verdict(kind: ExplainableKind, user: User, reasons: list[Reason], action: str, label: str) -> Verdict:
    granting = [reason.text for reason in reasons if action in reason.actions]
    if granting:
        return Verdict(action, label, True, granting, [])
    return Verdict(action, label, False, [], _refusal(kind, user, reasons, action))


def _refusal(kind: ExplainableKind, user: User, reasons: list[Reason], action: str) -> list[str]:
    if not user.is_active:
        return ["The account is inactive: it may do nothing."]
    why = [f"{reason.text}: allows only {', '.join(sorted(reason.actions))}" for reason in reasons]
    checked = "; ".join(rule_description(rule) for rule in kind.rules)
    why.append(f"No rule allows {action} for {user.username}. Rules checked: {checked}")
    return why


def rule_description(rule) -> str:
    """A rule in words: its own description, or its docstring's first line (a wrapper describes the rule it wraps)."""
    inner = getattr(rule, "rule", None)
    if inner is not None:
        return rule_description(inner)
    if description := getattr(rule, "description", None):
        return description
    doc = (type(rule).__doc__ or type(rule).__name__).strip().splitlines()[0]
    return doc.rstrip(".")
