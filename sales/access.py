"""Sales access policy: ACCESS.md, "Opportunity P", "Order R" and "Product", in one place.

Opportunity P on customer C, owned by O: O views and changes it; the manager of O
(and a manager who owns it) also deletes and reassigns it; admins do everything.
Support users never see an opportunity nor any pipeline figure, whatever else holds.

Order R on customer C, owned by O: O views and changes it; anyone who can view C
views it (order history is customer information); the manager of O also deletes and
reassigns it; admins do everything.

Creating either: a sales user or a manager who can view C (a salesperson owns what
they create; a manager names themselves or a member of a team they manage), or an
admin (who names the owner).

Products: every staff user views them; admins create, change and delete them.

Each rule answers `filter(scope, action)` for lists, counts and totals, and
`reasons(scope, record, context)` for one record (and the access explainer), like
crm.customers.access. Ownership and the hierarchy are read from the records' own fields, so a
reassignment changes access in the same transaction.
"""

from django.db import models
from django.db.models import QuerySet

from accounts.access import staff_scope
from accounts.backends import ObjectPolicy
from accounts.models import Role, User
from accounts.policy import (
    AdminRule,
    ManagerOfOwnerRule,
    OwnerRule,
    Reason,
    actions_of,
    reasons_for,
    related_rows_condition,
    rows_allowed,
)
from crm.customers import access as customer_access
from crm.customers.models import Customer

from .models import Opportunity, Order, Product


class SalesAction(models.TextChoices):
    VIEW = "view", "view"
    CHANGE = "change", "change"
    DELETE = "delete", "delete"
    REASSIGN = "reassign", "reassign the owner"


ALL_ACTIONS = frozenset(SalesAction)
OWNER_ACTIONS = frozenset({SalesAction.VIEW, SalesAction.CHANGE})
VIEW_ONLY = frozenset({SalesAction.VIEW})
CREATOR_ROLES = (Role.SALES, Role.MANAGER)


# Who sees which part of sales at all: the navigation, the home sections and the figures ask these
# (the roles as sets for registries that take a role list; the predicates answer for one user).

PIPELINE_ROLES = frozenset(Role) - {Role.SUPPORT}  # the pipeline does not exist for support users
STAFF_ROLES = frozenset(Role)  # orders and products: every staff user
SALESPERSON_ROLES = frozenset({Role.SALES})  # the home sections about one's own deals


def sees_pipeline(user: User) -> bool:
    """Whether pipeline pages and figures exist for `user` at all (support users: never).

    Read from the user's own role, like the staff scope's: the navigation asks on every page.
    """
    return _is_active_user(user) and (user.is_admin or user.role in PIPELINE_ROLES)


def sees_opportunities(user: User) -> bool:
    """Whether the opportunity pages exist for `user`: they are the pipeline's."""
    return sees_pipeline(user)


def sees_orders(user: User) -> bool:
    """Every staff user has the order pages (what they list is orders_visible_to)."""
    return _is_active_user(user) and user.role in STAFF_ROLES


def sees_products(user: User) -> bool:
    """Every staff user has the product pages."""
    return _is_active_user(user) and user.role in STAFF_ROLES


def works_own_pipeline(user: User) -> bool:
    """Salespeople land on their own pipeline (the home page); managers follow their teams' on the dashboard."""
    return _is_active_user(user) and not user.is_admin and user.role in SALESPERSON_ROLES


def _scope_sees_pipeline(scope) -> bool:
    return scope.is_admin or scope.role in PIPELINE_ROLES


def _is_active_user(user: User) -> bool:
    """Signed in, with an active account (not Django's User.is_staff, which only admins have)."""
    return user.is_authenticated and user.is_active


class PipelineOnly:
    """A rule that never holds for a support user: the pipeline does not exist for them."""

    def __init__(self, rule):
        self.rule = rule

    def filter(self, scope, action):
        return self.rule.filter(scope, action) if _scope_sees_pipeline(scope) else None

    def reasons(self, scope, record, context):
        return self.rule.reasons(scope, record, context) if _scope_sees_pipeline(scope) else []


class CustomerViewerRule:
    """Whoever can view the order's customer views the order (support included).

    Its `context` is the customer's own access reasons for the user (crm.customers.access).
    """

    def filter(self, scope, action):
        if action != SalesAction.VIEW:
            return None
        return related_rows_condition(
            "customer", customer_access.RULES, Customer.objects.all(), scope, customer_access.CustomerAction.VIEW
        )

    def reasons(self, scope, order, customer_reasons):
        return [
            Reason(f"may view the customer ({reason.text})", VIEW_ONLY)
            for reason in customer_reasons
            if SalesAction.VIEW in reason.actions
        ]


# Ownership and the hierarchy: the base of both records' rules (an opportunity's hold only for who sees
# the pipeline; an order's add whoever can view its customer).
OWNERSHIP_RULES = (
    AdminRule(ALL_ACTIONS),
    OwnerRule(
        OWNER_ACTIONS,
        ALL_ACTIONS,
        description="The owner views and changes; a manager who owns a record is its own manager",
    ),
    ManagerOfOwnerRule(
        ALL_ACTIONS,
        description="The manager of the owner may do everything the owner may, and delete and reassign",
    ),
)
OPPORTUNITY_RULES = tuple(PipelineOnly(rule) for rule in OWNERSHIP_RULES)
ORDER_RULES = (*OWNERSHIP_RULES, CustomerViewerRule())


# Opportunities


def opportunities_for(user: User, action: str) -> QuerySet[Opportunity]:
    """The opportunities on which `user` may do `action`, as one indexed filter."""
    if not _is_active_user(user):
        return Opportunity.objects.none()
    return rows_allowed(OPPORTUNITY_RULES, Opportunity.objects.all(), staff_scope(user), action)


def opportunities_visible_to(user: User) -> QuerySet[Opportunity]:
    return opportunities_for(user, SalesAction.VIEW)


def opportunity_access_reasons(user: User, opportunity: Opportunity) -> list[Reason]:
    """Every reason that lets `user` act on `opportunity` (empty: it does not exist for them)."""
    if not _is_active_user(user):
        return []
    return reasons_for(OPPORTUNITY_RULES, staff_scope(user), opportunity, [])


def opportunity_actions(user: User, opportunity: Opportunity) -> frozenset[str]:
    return actions_of(opportunity_access_reasons(user, opportunity))


def can_change_opportunity(user: User, opportunity: Opportunity) -> bool:
    return SalesAction.CHANGE in opportunity_actions(user, opportunity)


def can_delete_opportunity(user: User, opportunity: Opportunity) -> bool:
    return SalesAction.DELETE in opportunity_actions(user, opportunity)


def can_reassign_opportunity(user: User, opportunity: Opportunity) -> bool:
    return SalesAction.REASSIGN in opportunity_actions(user, opportunity)


def can_create_opportunity(user: User, customer: Customer | None = None) -> bool:
    """May `user` create an opportunity (on `customer`, when named)?"""
    return _may_create_on(user, customer)


def _may_create_on(user: User, customer: Customer | None) -> bool:
    if not _is_active_user(user):
        return False
    if user.is_admin:
        return True
    if user.role not in CREATOR_ROLES:
        return False
    return customer is None or customer_access.can_view_customer(user, customer)


def owners_assignable_by(user: User) -> QuerySet[User]:
    """Who `user` may name as the owner of an opportunity or order (as for customers)."""
    return customer_access.owners_assignable_by(user)


def may_name_owner(user: User) -> bool:
    """A salesperson always owns what they create; managers and admins name the owner."""
    return _is_active_user(user) and (user.is_admin or user.role == Role.MANAGER)


# Orders


def orders_for(user: User, action: str) -> QuerySet[Order]:
    """The orders on which `user` may do `action`, as one filter (the customer part is a subquery)."""
    if not _is_active_user(user):
        return Order.objects.none()
    return rows_allowed(ORDER_RULES, Order.objects.all(), staff_scope(user), action)


def orders_visible_to(user: User) -> QuerySet[Order]:
    return orders_for(user, SalesAction.VIEW)


def order_access_reasons(user: User, order: Order) -> list[Reason]:
    """Every reason that lets `user` act on `order` (empty: it does not exist for them)."""
    if not _is_active_user(user):
        return []
    customer_reasons = customer_access.customer_access_reasons(user, order.customer)
    return reasons_for(ORDER_RULES, staff_scope(user), order, customer_reasons)


def order_actions(user: User, order: Order) -> frozenset[str]:
    """What `user` may do with `order`; computed once per user and record instance."""
    cache = order.__dict__.setdefault("_actions_by_user", {})
    if user.pk not in cache:
        cache[user.pk] = _order_actions(user, order)
    return cache[user.pk]


def _order_actions(user: User, order: Order) -> frozenset[str]:
    if not _is_active_user(user):
        return frozenset()
    structural = actions_of(reasons_for(OWNERSHIP_RULES, staff_scope(user), order, []))
    if SalesAction.VIEW in structural:
        return structural  # the customer could only add viewing; spare its queries
    if customer_access.can_view_customer(user, order.customer):
        return structural | VIEW_ONLY
    return structural


def forget_order_access(order: Order) -> None:
    """Drop cached answers after a change of owner or customer."""
    order.__dict__.pop("_actions_by_user", None)


def can_change_order(user: User, order: Order) -> bool:
    return SalesAction.CHANGE in order_actions(user, order)


def can_delete_order(user: User, order: Order) -> bool:
    return SalesAction.DELETE in order_actions(user, order)


def can_reassign_order(user: User, order: Order) -> bool:
    return SalesAction.REASSIGN in order_actions(user, order)


def can_create_order(user: User, customer: Customer | None = None) -> bool:
    """May `user` create an order (on `customer`, when named)?"""
    return _may_create_on(user, customer)


# Products


def products_visible_to(user: User) -> QuerySet[Product]:
    return Product.objects.all() if _is_active_user(user) else Product.objects.none()


def can_manage_products(user: User) -> bool:
    """Create, change and delete products: admins only."""
    return _is_active_user(user) and user.is_admin


# Django's has_perm(perm, record), answered from the same rules


def opportunity_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=Opportunity,
        checks={f"{action}_opportunity": _checker(opportunity_actions, action) for action in SalesAction.values},
    )


def order_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=Order,
        checks={f"{action}_order": _checker(order_actions, action) for action in SalesAction.values},
    )


def product_object_policy() -> ObjectPolicy:
    return ObjectPolicy(
        model=Product,
        checks={
            "view_product": lambda user, product: _is_active_user(user),
            "change_product": lambda user, product: can_manage_products(user),
            "delete_product": lambda user, product: can_manage_products(user),
        },
    )


def _checker(actions_of_record, action: str):
    return lambda user, record: action in actions_of_record(user, record)
