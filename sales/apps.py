from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = "Sales"

    def ready(self):
        from accounts.backends import register_object_policy
        from accounts.models import Role
        from accounts.roles import grant_default_permissions
        from crm.customers.panels import CUSTOMER_PANELS
        from crm.platform.navigation import NAV, nav_link

        from . import access, audit, panels

        register_object_policy(access.opportunity_object_policy())
        register_object_policy(access.order_object_policy())
        register_object_policy(access.product_object_policy())

        sales_records = ["opportunity", "order", "orderline"]
        grant_default_permissions(Role.ADMIN, ["sales.*"])
        grant_default_permissions(
            Role.MANAGER,
            [f"sales.{verb}_{m}" for m in sales_records for verb in ("view", "add", "change", "delete")]
            + ["sales.view_product"],
        )
        grant_default_permissions(
            Role.SALES,
            [f"sales.{verb}_{m}" for m in sales_records for verb in ("view", "add", "change")] + ["sales.view_product"],
        )
        grant_default_permissions(Role.SUPPORT, ["sales.view_order", "sales.view_orderline", "sales.view_product"])

        NAV.register(nav_link(label="Pipeline", url_name="sales-board", order=20, visible_to=access.sees_pipeline))
        NAV.register(
            nav_link(label="Opportunities", url_name="opportunity-list", order=21, visible_to=access.sees_pipeline)
        )
        NAV.register(nav_link(label="Orders", url_name="order-list", order=22, visible_to=access.sees_orders))
        NAV.register(nav_link(label="Products", url_name="product-list", order=23, visible_to=access.sees_products))

        CUSTOMER_PANELS.register(panels.opportunities_panel())
        CUSTOMER_PANELS.register(panels.orders_panel())
        audit.register()

        from crm.insights.dashboard import DASHBOARD
        from crm.insights.home import HOME
        from crm.staff.reassignment import register_reassignment_mover
        from crm.staff.work import register_team_columns

        from . import insights

        DASHBOARD.register(insights.pipeline_section())
        register_team_columns(insights.pipeline_team_columns())
        for section in insights.HOME_SECTIONS:
            HOME.register(section)
        register_reassignment_mover(insights.opportunities_mover())

        from crm.customers.holdings import register_customer_holding

        from . import holdings

        register_customer_holding(holdings.opportunities_holding())
        register_customer_holding(holdings.orders_holding())
