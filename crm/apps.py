from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Customers"

    def ready(self):
        from django.apps import apps

        from accounts.access import register_scope_fact
        from accounts.backends import register_object_policy
        from accounts.roles import grant_admin_permissions
        from crm.customers import access
        from crm.customers import audit as customers_audit
        from crm.customers.reassignment import customers_mover
        from crm.insights import home as insights
        from crm.platform import background, control_characters
        from crm.platform.audit import actor
        from crm.platform.navigation import NAV, nav_link
        from crm.staff.reassignment import register_reassignment_mover

        # Every name, subject, e-mail, ... refuses control characters; multi-line text all but line breaks and tabs.
        control_characters.guard_model_text_fields(
            model for label in control_characters.PROJECT_APPS for model in apps.get_app_config(label).get_models()
        )

        customers_audit.register()  # the audit trail of customers, contacts, shares, roles and teams
        actor.connect_task_signals()
        background.connect_signals()
        register_object_policy(access.customer_object_policy())
        register_scope_fact(access.OWNS_CUSTOMERS, access.owns_customers_fact)
        register_object_policy(access.contact_object_policy())
        grant_admin_permissions(["crm.*"])  # what Django admin checks for an admin who is not a superuser
        NAV.register(nav_link(label="Customers", url_name="customer-list", order=10, visible_to=access.sees_customers))
        register_reassignment_mover(customers_mover())
        insights.register()  # the dashboard, the home page and the access explainer
