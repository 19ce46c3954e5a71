from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self):
        from accounts.backends import register_object_policy
        from accounts.models import Role
        from accounts.roles import grant_default_permissions
        from crm.demo import DemoSeeder, register_demo_seeder
        from crm.navigation import register_nav_item
        from crm.panels import CustomerPanel, register_customer_panel

        from . import access, audit, demo
        from .views.panels import customer_tickets_panel

        register_object_policy(access.ticket_object_policy())
        register_object_policy(access.ticket_message_object_policy())
        register_object_policy(access.feedback_object_policy())

        grant_default_permissions(Role.ADMIN, ["support.*"])  # Django admin asks model permissions

        register_nav_item(label="Tickets", url_name="support-home", roles=access.uses_ticket_pages.roles, order=40)
        register_nav_item(
            label="Feedback", url_name="support-feedback-list", roles=access.uses_feedback_pages.roles, order=45
        )
        register_customer_panel(
            CustomerPanel(
                key="tickets",
                title="Tickets",
                template="support/panels/customer_tickets.html",
                order=40,
                context=customer_tickets_panel,
            )
        )
        register_demo_seeder(DemoSeeder("support", 40, demo.seed_support))
        audit.register()

        from crm.dashboard import register_dashboard_section, register_team_columns
        from crm.explainer import register_explainable_kind
        from crm.home_sections import register_home_section
        from crm.reassignment import register_reassignment_mover

        from . import dashboard, explainer, home, reassignment

        register_dashboard_section(dashboard.tickets_section())
        register_team_columns(dashboard.ticket_team_columns())
        for section in home.HOME_SECTIONS:
            register_home_section(section)
        register_reassignment_mover(reassignment.tickets_mover())
        register_explainable_kind(explainer.explainable_tickets())
