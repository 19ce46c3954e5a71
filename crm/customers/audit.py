"""The audit trail of the customer core and of accounts (roles, teams and memberships).

Entries of contacts, shares and grants show on their customer's page; shares and
grants only to those who may share the customer (as ACCESS.md lists shares).
"""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.access import teams_with_history_visible_to, users_with_history_visible_to
from accounts.models import Team, TeamMembership, User
from crm.customers import access
from crm.customers.models import (
    Contact,
    Customer,
    CustomerGroupObjectPermission,
    CustomerShare,
    CustomerUserObjectPermission,
)
from crm.platform.audit.registry import (
    AuditedModel,
    AuditedRecord,
    ReferenceKind,
    register_audited_model,
    register_audited_record,
    register_reference,
)


def register() -> None:
    register_reference(ReferenceKind("user", User, lambda user: user.display_name))
    register_reference(ReferenceKind("team", Team, str))
    register_reference(ReferenceKind("group", Group, str))
    register_reference(ReferenceKind("permission", Permission, lambda permission: permission.codename))
    register_reference(
        ReferenceKind(
            "customer",
            Customer,
            str,
            visible_to=access.customers_visible_to,
            unnamed=access.CUSTOMER_NOT_VIEWABLE,
        )
    )
    register_reference(
        ReferenceKind(
            "contact", Contact, str, visible_to=access.contacts_visible_to, unnamed="a contact you cannot view"
        )
    )

    register_audited_record(
        AuditedRecord(
            "customer", Customer, access.customers_visible_to, lambda c: reverse("customer-detail", args=[c.pk])
        )
    )
    register_audited_record(
        AuditedRecord(
            "user", User, users_with_history_visible_to, lambda u: reverse("admin:accounts_user_change", args=[u.pk])
        )
    )
    register_audited_record(
        AuditedRecord(
            "team", Team, teams_with_history_visible_to, lambda t: reverse("admin:accounts_team_change", args=[t.pk])
        )
    )

    register_audited_model(
        AuditedModel(Customer, "customer", lambda customer: customer.pk, references={"owner": "user"})
    )
    register_audited_model(
        AuditedModel(Contact, "customer", lambda contact: contact.customer_id, references={"customer": "customer"})
    )
    may_share = access.can_share_customer
    register_audited_model(
        AuditedModel(
            CustomerShare,
            "customer",
            lambda share: share.customer_id,
            exclude_fields=("user_grant", "team_grant"),
            references={"customer": "customer", "user": "user", "team": "team", "shared_by": "user"},
            shown_to=may_share,
        )
    )
    grant_references = {"content_object": "customer", "permission": "permission", "granted_by": "user"}
    grant_labels = {"content_object": "customer"}
    register_audited_model(
        AuditedModel(
            CustomerUserObjectPermission,
            "customer",
            lambda grant: grant.content_object_id,
            exclude_fields=("granted_at",),
            references={**grant_references, "user": "user"},
            field_labels=grant_labels,
            shown_to=may_share,
        )
    )
    register_audited_model(
        AuditedModel(
            CustomerGroupObjectPermission,
            "customer",
            lambda grant: grant.content_object_id,
            exclude_fields=("granted_at",),
            references={**grant_references, "group": "group"},
            field_labels={**grant_labels, "group": "team's group"},
            shown_to=may_share,
        )
    )
    # A user's role and whether they may log in; never their password or log-in times.
    register_audited_model(AuditedModel(User, "user", lambda user: user.pk, include_fields=("role", "is_active")))
    register_audited_model(
        AuditedModel(Team, "team", lambda team: team.pk, exclude_fields=("group",), references={"manager": "user"})
    )
    register_audited_model(
        AuditedModel(
            TeamMembership,
            "team",
            lambda membership: membership.team_id,
            exclude_fields=("joined_at",),
            references={"team": "team", "user": "user"},
        )
    )
