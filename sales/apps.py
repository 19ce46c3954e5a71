from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = "Sales"

    def ready(self):
        from accounts.backends import register_object_policy
        from accounts.models import Role
        from accounts.roles import grant_admin_permissions
        from crm.customers.panels import register_customer_panel
        from crm.platform.navigation import register_nav_item

        from . import access, audit, panels

        register_object_policy(access.opportunity_object_policy())
        register_object_policy(access.order_object_policy())
        register_object_policy(access.product_object_policy())

        grant_admin_permissions(["sales.*"])  # what Django admin checks for an admin who is not a superuser

        pipeline_roles = [Role.ADMIN, Role.MANAGER, Role.SALES]
        register_nav_item(label="Pipeline", url_name="sales-board", roles=pipeline_roles, order=20)
        register_nav_item(label="Opportunities", url_name="opportunity-list", roles=pipeline_roles, order=21)
        register_nav_item(label="Orders", url_name="order-list", roles=list(Role), order=22)
        register_nav_item(label="Products", url_name="product-list", roles=list(Role), order=23)

        register_customer_panel(panels.opportunities_panel())
        register_customer_panel(panels.orders_panel())
        audit.register()

        from crm.insights.dashboard import register_dashboard_section
        from crm.platform.home_sections import register_home_section
        from crm.staff.reassignment import register_reassignment_mover
        from crm.staff.work import register_team_columns

        from . import insights

        register_dashboard_section(insights.pipeline_section())
        register_team_columns(insights.pipeline_team_columns())
        for section in insights.HOME_SECTIONS:
            register_home_section(section)
        register_reassignment_mover(insights.opportunities_mover())

        from crm.customers.holdings import register_customer_holding

        from . import holdings

        register_customer_holding(holdings.opportunities_holding())
        register_customer_holding(holdings.orders_holding())
