from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self):
        from accounts.backends import register_object_policy
        from accounts.models import Role
        from accounts.roles import grant_admin_permissions
        from crm.customers.panels import CustomerPanel, register_customer_panel
        from crm.platform.navigation import register_nav_item

        from . import access, audit
        from .views.panels import customer_tickets_panel

        register_object_policy(access.ticket_object_policy())
        register_object_policy(access.ticket_message_object_policy())
        register_object_policy(access.feedback_object_policy())

        grant_admin_permissions(["support.*"])  # what Django admin checks for an admin who is not a superuser

        register_nav_item(label="Tickets", url_name="support-home", roles=Role.values, order=40)
        register_nav_item(label="Feedback", url_name="support-feedback-list", roles=Role.values, order=45)
        register_customer_panel(
            CustomerPanel(
                key="tickets",
                title="Tickets",
                template="support/panels/customer_tickets.html",
                order=40,
                context=customer_tickets_panel,
            )
        )
        audit.register()

        from crm.insights.dashboard import register_dashboard_section
        from crm.insights.explainer import register_explainable_kind
        from crm.platform.home_sections import register_home_section
        from crm.staff.reassignment import register_reassignment_mover
        from crm.staff.work import register_team_columns

        from . import insights

        register_dashboard_section(insights.tickets_section())
        register_team_columns(insights.ticket_team_columns())
        for section in insights.HOME_SECTIONS:
            register_home_section(section)
        register_reassignment_mover(insights.tickets_mover())
        register_explainable_kind(insights.explainable_tickets())
