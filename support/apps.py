from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self):
        from accounts.backends import register_object_policy
        from accounts.roles import grant_admin_permissions
        from crm.customers.panels import CUSTOMER_PANELS
        from crm.insights.dashboard import DASHBOARD
        from crm.insights.explainer import register_explainable_kind
        from crm.insights.home import HOME
        from crm.platform.navigation import NAV, nav_link
        from crm.platform.slots import SlotItem
        from crm.staff.reassignment import register_reassignment_mover
        from crm.staff.work import register_team_columns
        from support import access, audit, dashboard, explainer, home, reassignment
        from support.views.panels import customer_tickets_panel

        register_object_policy(access.ticket_object_policy())
        register_object_policy(access.ticket_message_object_policy())
        register_object_policy(access.feedback_object_policy())

        grant_admin_permissions(["support.*"])  # what Django admin checks for an admin who is not a superuser

        # Who sees each entry is decided in support.access.
        NAV.register(nav_link(label="Tickets", url_name="support-home", order=40, visible_to=access.sees_tickets))
        NAV.register(
            nav_link(label="Feedback", url_name="support-feedback-list", order=45, visible_to=access.sees_feedback)
        )
        CUSTOMER_PANELS.register(
            SlotItem(
                key="tickets",
                title="Tickets",
                template="support/panels/customer_tickets.html",
                order=40,
                visible_to=access.sees_tickets,
                build=customer_tickets_panel,
            )
        )
        audit.register()

        DASHBOARD.register(dashboard.tickets_section())
        register_team_columns(dashboard.ticket_team_columns())
        for section in home.HOME_SECTIONS:
            HOME.register(section)
        register_reassignment_mover(reassignment.tickets_mover())
        register_explainable_kind(explainer.explainable_tickets())
