from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = "Sales"

    def ready(self):
        from accounts.backends import register_object_policy
        from accounts.roles import grant_admin_permissions
        from crm.customers.holdings import register_customer_holding
        from crm.customers.panels import CUSTOMER_PANELS
        from crm.insights.dashboard import DASHBOARD
        from crm.insights.home import HOME
        from crm.platform.navigation import NAV, nav_link
        from crm.staff.reassignment import register_reassignment_mover
        from crm.staff.work import register_team_columns
        from sales import access, audit, dashboard, holdings, home, panels, reassignment

        register_object_policy(access.opportunity_object_policy())
        register_object_policy(access.order_object_policy())
        register_object_policy(access.product_object_policy())

        grant_admin_permissions(["sales.*"])  # what Django admin checks for an admin who is not a superuser

        # Who sees each entry is decided in sales.access.
        NAV.register(nav_link(label="Pipeline", url_name="sales-board", order=20, visible_to=access.sees_pipeline))
        NAV.register(
            nav_link(label="Opportunities", url_name="opportunity-list", order=21, visible_to=access.sees_opportunities)
        )
        NAV.register(nav_link(label="Orders", url_name="order-list", order=22, visible_to=access.sees_orders))
        NAV.register(nav_link(label="Products", url_name="product-list", order=23, visible_to=access.sees_products))

        CUSTOMER_PANELS.register(panels.opportunities_panel())
        CUSTOMER_PANELS.register(panels.orders_panel())
        audit.register()

        DASHBOARD.register(dashboard.pipeline_section())
        register_team_columns(dashboard.pipeline_team_columns())
        for section in home.HOME_SECTIONS:
            HOME.register(section)
        register_reassignment_mover(reassignment.opportunities_mover())
        register_customer_holding(holdings.opportunities_holding())
        register_customer_holding(holdings.orders_holding())
