from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = "Sales"

    def ready(self):
        from accounts.backends import register_object_policy
        from accounts.models import Role
        from accounts.roles import grant_default_permissions
        from crm.demo import DemoSeeder, register_demo_seeder
        from crm.navigation import register_nav_item
        from crm.panels import register_customer_panel

        from . import access, audit, demo, panels

        register_object_policy(access.opportunity_object_policy())
        register_object_policy(access.order_object_policy())
        register_object_policy(access.product_object_policy())

        # Django admin reads model permissions (has_view_permission and the like ask has_perm without a
        # record): an admin who is not a superuser reaches the sales pages there through this grant.
        # Other roles never reach Django admin, and nothing else asks for a sales model permission.
        grant_default_permissions(Role.ADMIN, ["sales.*"])

        # Who sees each entry is decided in sales.access (the roles of its predicates).
        register_nav_item(label="Pipeline", url_name="sales-board", roles=access.PIPELINE_ROLES, order=20)
        register_nav_item(label="Opportunities", url_name="opportunity-list", roles=access.PIPELINE_ROLES, order=21)
        register_nav_item(label="Orders", url_name="order-list", roles=access.STAFF_ROLES, order=22)
        register_nav_item(label="Products", url_name="product-list", roles=access.STAFF_ROLES, order=23)

        register_customer_panel(panels.opportunities_panel())
        register_customer_panel(panels.orders_panel())
        register_demo_seeder(DemoSeeder("sales", 20, demo.seed_sales))
        audit.register()

        from crm.dashboard import register_dashboard_section, register_team_columns
        from crm.home_sections import register_home_section
        from crm.reassignment import register_reassignment_mover

        from . import dashboard, home, reassignment

        register_dashboard_section(dashboard.pipeline_section())
        register_team_columns(dashboard.pipeline_team_columns())
        for section in home.HOME_SECTIONS:
            register_home_section(section)
        register_reassignment_mover(reassignment.opportunities_mover())

        from crm.customer_holdings import register_customer_holding

        from . import holdings

        register_customer_holding(holdings.opportunities_holding())
        register_customer_holding(holdings.orders_holding())
