"""Customer access policy: ACCESS.md, "Customer C, owned by O", in one place.

Every rule below answers two questions from the same definition:
`filter(scope, action)` gives the rows where the rule lets the user do `action` (an
indexed filter, for lists, searches, counts and exports), and `reasons(...)` says
why the rule holds for one record (for a single check, and for the access explainer).

Structural rules are read from the customer's own fields (owner) and the staff scope
(teams, the hierarchy), so reassigning an owner changes access in the same
transaction. Explicit grants (shares, and object permissions an admin gives in
Django admin) are django-guardian rows in CustomerUserObjectPermission and
CustomerGroupObjectPermission; a grant of `<x>_customer` allows `x` and viewing.

Contacts and activities follow their customer's rules.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery, Value

from accounts.access import prime_staff_scopes, staff_scope
from accounts.backends import ObjectPolicy
from accounts.models import Role, User
from accounts.policy import (
    AdminRule,
    InSubquery,
    ManagerOfOwnerRule,
    OwnerRule,
    Reason,
    actions_of,
    reasons_for,
    rows_allowed,
)
from crm.customers.models import (
    Contact,
    Customer,
    CustomerGroupObjectPermission,
    CustomerUserObjectPermission,
)


class CustomerAction(models.TextChoices):
    VIEW = "view", "view"
    CHANGE = "change", "change"
    DELETE = "delete", "delete"
    REASSIGN = "reassign", "reassign the owner"
    SHARE = "share", "share and unshare"


ALL_ACTIONS = frozenset(CustomerAction)
OWNER_ACTIONS = frozenset({CustomerAction.VIEW, CustomerAction.CHANGE, CustomerAction.SHARE})
OWNER_ROLES = (Role.SALES, Role.MANAGER)


# What an explicit grant on one customer may be (docs/ACCESS.md, "Explicit grants"). Delete and
# reassign are not granted: they follow the hierarchy only, so no grant gives rights the owner's
# manager would not give. A share is view or change; `share_customer` is granted by admins only.
GRANTABLE_CODENAMES = ("view_customer", "change_customer", "share_customer")
ADMIN_ONLY_CODENAMES = frozenset({"share_customer"})
CODENAME_OF_LEVEL = {"view": "view_customer", "edit": "change_customer"}


def _actions_granted_by(codename: str) -> frozenset[str]:
    if codename not in GRANTABLE_CODENAMES:
        return frozenset()
    return frozenset({CustomerAction.VIEW, codename.removesuffix("_customer")})


def _codenames_granting(action: str) -> list[str]:
    if action == CustomerAction.VIEW:
        return list(GRANTABLE_CODENAMES)
    return [codename for codename in GRANTABLE_CODENAMES if codename == f"{action}_customer"]


@dataclass(frozen=True)
class Grant:
    holder: str  # "user" or "team"
    holder_id: int  # user id, or the team's group id
    holder_name: str
    codename: str


class SupportDirectoryRule:
    """Support users and managers of a support team may view every customer (the support directory)."""

    def filter(self, scope, action):
        return Q() if action == CustomerAction.VIEW and scope.in_support_directory else None

    def reasons(self, scope, customer, grants):
        if scope.in_support_directory:
            return [Reason("support directory (every support user may look a customer up)", frozenset({"view"}))]
        return []


class UserGrantRule:
    """Shares and object permissions given to the user, or to a member of a team they manage."""

    def filter(self, scope, action):
        codenames = _codenames_granting(action)
        if not codenames:
            return None
        granted = CustomerUserObjectPermission.objects.filter(
            user_id__in=scope.acting_user_ids, permission__codename__in=codenames
        )
        return Q(InSubquery("pk", granted.values("content_object_id")))

    def reasons(self, scope, customer, grants):
        found = []
        for grant in grants:
            if grant.holder != "user" or grant.holder_id not in scope.acting_user_ids:
                continue
            if grant.codename not in GRANTABLE_CODENAMES:
                continue
            whose = "you" if grant.holder_id == scope.user_id else f"{grant.holder_name}, a member of your team"
            found.append(Reason(f"{grant.codename} granted to {whose}", _actions_granted_by(grant.codename)))
        return found


class TeamGrantRule:
    """Shares and object permissions given to the user's team, or to a team they manage."""

    def filter(self, scope, action):
        codenames = _codenames_granting(action)
        if not scope.grant_group_ids or not codenames:
            return None
        granted = CustomerGroupObjectPermission.objects.filter(
            group_id__in=scope.grant_group_ids, permission__codename__in=codenames
        )
        return Q(InSubquery("pk", granted.values("content_object_id")))

    def reasons(self, scope, customer, grants):
        return [
            Reason(f"{grant.codename} granted to the team {grant.holder_name}", _actions_granted_by(grant.codename))
            for grant in grants
            if grant.holder == "team"
            and grant.holder_id in scope.grant_group_ids
            and grant.codename in GRANTABLE_CODENAMES
        ]


RULES = (
    AdminRule(ALL_ACTIONS),
    OwnerRule(
        OWNER_ACTIONS,
        ALL_ACTIONS,
        description="The owner views, changes and shares; a manager who owns a record is its own manager",
    ),
    ManagerOfOwnerRule(
        ALL_ACTIONS,
        description="The manager of the owner may do everything the owner may, and delete, reassign and share",
    ),
    SupportDirectoryRule(),
    UserGrantRule(),
    TeamGrantRule(),
)
STRUCTURAL_RULES = RULES[:4]


def customers_for(user: User, action: str) -> QuerySet[Customer]:
    """The customers on which `user` may do `action`, as one indexed filter."""
    if not user.is_authenticated or not user.is_active:
        return Customer.objects.none()
    return rows_allowed(RULES, Customer.objects.all(), staff_scope(user), action)


OWNS_CUSTOMERS = "owns_customers"


def acting_users_own_customers(scope) -> bool:
    """Whether the user (or a member of a team they manage) owns any customer: one indexed probe per request.

    Rules that follow a customer's owner (a ticket's) hold for nobody else; a policy that
    knows they cannot hold leaves them out of its filter, which keeps that filter on the
    record's own indexed columns.
    """
    if OWNS_CUSTOMERS not in scope.memo:  # the staff scope's query answers it for anyone in a team
        scope.memo[OWNS_CUSTOMERS] = Customer.objects.filter(owner_id__in=scope.acting_user_ids).exists()
    return scope.memo[OWNS_CUSTOMERS]


def owns_customers_fact(user_id: int, managed_members: QuerySet) -> ExpressionWrapper:
    # Probes on the owner index (the user, then each managed member): an EXISTS over an OR, or
    # over `owner IN (members)`, would read the customers rather than look them up.
    owned_by = Exists(Customer.objects.filter(owner_id=user_id))
    owned_by_members = Exists(managed_members.filter(Exists(Customer.objects.filter(owner_id=OuterRef("user_id")))))
    return ExpressionWrapper(Q(owned_by) | Q(owned_by_members), output_field=models.BooleanField())


def sees_customers(user: User) -> bool:
    """The customer pages are there for every member of staff (each sees the customers they may view)."""
    return user.is_authenticated and user.is_active


def follows_own_customers(user: User) -> bool:
    """Salespeople land on the customers updated lately (the home page); others reach theirs from the list."""
    return user.is_authenticated and user.is_active and user.role == Role.SALES


def customers_visible_to(user: User) -> QuerySet[Customer]:
    return customers_for(user, CustomerAction.VIEW)


def _grants_on(scope, customer: Customer) -> list[Grant]:
    """The grants on `customer` to the users and teams whose rights `user` has, in one query."""
    return _grants(
        CustomerUserObjectPermission.objects.filter(content_object=customer, user_id__in=scope.acting_user_ids),
        CustomerGroupObjectPermission.objects.filter(content_object=customer, group_id__in=scope.grant_group_ids),
    )


def _grants(user_grants, team_grants) -> list[Grant]:
    user_rows = user_grants.values_list(Value("user"), "user_id", "user__username", "permission__codename")
    team_rows = team_grants.values_list(Value("team"), "group_id", "group__team__name", "permission__codename")
    return [Grant(*row) for row in user_rows.union(team_rows, all=True)]


def customer_access_reasons(user: User, customer: Customer) -> list[Reason]:
    """Every reason that lets `user` act on `customer` (empty: the customer does not exist for them)."""
    if not user.is_authenticated or not user.is_active:
        return []
    scope = staff_scope(user)
    return reasons_for(RULES, scope, customer, _grants_on(scope, customer))


def customer_access_reasons_by_user(users, customer: Customer) -> dict[int, list[Reason]]:
    """Every user's reasons on `customer` (the access explainer): the same rules, with every grant
    on the customer read once; each rule keeps only the grants that hold for the user it asks about."""
    grants = _grants(
        CustomerUserObjectPermission.objects.filter(content_object=customer),
        CustomerGroupObjectPermission.objects.filter(content_object=customer),
    )
    return {
        user.pk: reasons_for(RULES, staff_scope(user), customer, grants) if user.is_active else []
        for user in prime_staff_scopes(users)
    }


def customer_actions(user: User, customer: Customer) -> frozenset[str]:
    """What `user` may do with `customer`; computed once per user and record instance."""
    cache = customer.__dict__.setdefault("_actions_by_user", {})
    if user.pk not in cache:
        cache[user.pk] = _customer_actions(user, customer)
    return cache[user.pk]


def _customer_actions(user: User, customer: Customer) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    structural = actions_of(reasons_for(STRUCTURAL_RULES, staff_scope(user), customer, []))
    if structural == ALL_ACTIONS:
        return structural  # nothing a grant could add; spare the grant queries
    return actions_of(customer_access_reasons(user, customer))


def forget_customer_access(customer: Customer) -> None:
    """Drop cached answers after a change of owner or shares."""
    customer.__dict__.pop("_actions_by_user", None)


def can_view_customer(user: User, customer: Customer) -> bool:
    return CustomerAction.VIEW in customer_actions(user, customer)


def can_change_customer(user: User, customer: Customer) -> bool:
    return CustomerAction.CHANGE in customer_actions(user, customer)


def can_delete_customer(user: User, customer: Customer) -> bool:
    return CustomerAction.DELETE in customer_actions(user, customer)


def can_reassign_customer(user: User, customer: Customer) -> bool:
    return CustomerAction.REASSIGN in customer_actions(user, customer)


def can_share_customer(user: User, customer: Customer) -> bool:
    return CustomerAction.SHARE in customer_actions(user, customer)


def share_levels_grantable_by(user: User, customer: Customer) -> list[str]:
    """The share levels `user` may give on `customer`: never more than they hold themselves.

    Whoever may share may share at `view`; only those who may also change the customer
    may share at `edit` (a holder of an admin's `share_customer` grant alone may not).
    """
    if not can_share_customer(user, customer):
        return []
    return ["view", "edit"] if can_change_customer(user, customer) else ["view"]


def can_revoke_share(user: User, share) -> bool:
    """A share may be removed (or its level changed) by those who could have made it."""
    return share.level in share_levels_grantable_by(user, share.customer)


def can_revoke_grant(user: User, codename: str, customer: Customer) -> bool:
    """An admin-only grant (`share_customer`, or one no longer grantable) is revoked by admins only."""
    if codename not in CODENAME_OF_LEVEL.values():
        return can_grant_on_customer(user)
    level = next(level for level, name in CODENAME_OF_LEVEL.items() if name == codename)
    return level in share_levels_grantable_by(user, customer)


def can_grant_on_customer(user: User) -> bool:
    """Django admin's grants on one customer (its "Object permissions" page), and revoking an
    admin-only grant: admins only."""
    return user.is_active and user.is_admin


def can_create_customer(user: User) -> bool:
    return user.is_active and (user.is_admin or user.role in OWNER_ROLES)


def can_name_customer_owner(user: User) -> bool:
    """Naming the owner of a customer one creates: admins (who must) and managers (themselves or a
    member of a team they manage). A salesperson owns the customers they create."""
    return user.is_active and (user.is_admin or user.role == Role.MANAGER)


def default_customer_owner(user: User) -> User | None:
    """The owner of a customer `user` creates without naming one: themselves. An admin owns no
    customers, so they name the owner (None)."""
    return None if user.is_admin else user


def owners_assignable_by(user: User) -> QuerySet[User]:
    """Who `user` may make the owner of a customer they create or reassign."""
    owners = User.objects.filter(is_active=True, role__in=OWNER_ROLES)
    if user.is_admin:
        return owners
    if user.role == Role.MANAGER:
        return owners.filter(pk__in=staff_scope(user).acting_user_ids)
    if user.role == Role.SALES:
        return owners.filter(pk=user.pk)
    return owners.none()


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(customer__in=customers_visible_to(user).values("pk"))


def customer_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=Customer,
        checks={f"{action}_customer": _checker(action) for action in CustomerAction.values},
    )


def contact_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=Contact,
        checks={
            "view_contact": lambda user, contact: can_view_customer(user, contact.customer),
            "change_contact": lambda user, contact: can_change_customer(user, contact.customer),
            "delete_contact": lambda user, contact: can_change_customer(user, contact.customer),
        },
    )


def _checker(action: str):
    return lambda user, customer: action in customer_actions(user, customer)


# Naming a record's customer (ACCESS.md: "A name of a related record ... is shown only to
# those who may view that record now"). An opportunity, order, ticket or feedback may be
# visible to someone who may not view its customer (a salesperson's order on a customer
# since unshared from them): they see the record, never the customer's name. Names are
# decided at read time through this policy, never taken from stored text.
CUSTOMER_NOT_VIEWABLE = "a customer you cannot view"
# The annotation: the row's customer id when the reader may view that customer, else NULL.
# An id rather than a flag, so that a record whose customer changes after it was read
# (a PATCH) names no customer on the strength of the old one.
VIEWABLE_CUSTOMER_ID = "viewable_customer_id"


def with_customer_viewable(queryset: QuerySet, user: User, *, field: str = "customer") -> QuerySet:
    """`queryset` with `viewable_customer_id`: the row's customer if `user` may view it now (a primary-key probe)."""
    viewable = customers_visible_to(user).filter(pk=OuterRef(f"{field}_id")).values("pk")[:1]
    return queryset.annotate(**{VIEWABLE_CUSTOMER_ID: Subquery(viewable)})


def viewable_customer_ids(user: User, customer_ids) -> set[int]:
    """Which of `customer_ids` `user` may view now, in one query."""
    wanted = {pk for pk in customer_ids if pk is not None}
    if not wanted:
        return set()
    return set(customers_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))


def customer_is_viewable(record, *, field: str = "customer") -> bool:
    """Whether the reader `record` was read for (with `with_customer_viewable`) may view its customer now."""
    customer_id = getattr(record, f"{field}_id", None)
    return customer_id is not None and getattr(record, VIEWABLE_CUSTOMER_ID, None) == customer_id


def customer_name_shown(record, *, field: str = "customer") -> str | None:
    """The name of `record`'s customer as its reader may see it: None without a customer.

    `record` comes from a queryset given `with_customer_viewable` for its reader; without
    that answer the name is not shown (fail closed).
    """
    if getattr(record, f"{field}_id", None) is None:
        return None
    return getattr(record, field).name if customer_is_viewable(record, field=field) else CUSTOMER_NOT_VIEWABLE


def customer_name_search(user: User, text: str, *, field: str = "customer") -> Q:
    """Rows whose customer's name contains `text`, among the customers `user` may view (a search names nothing else)."""
    return Q(**{f"{field}_id__in": customers_visible_to(user).filter(name__icontains=text).values("pk")})
