from django.urls import path

from .views import board, exports, opportunities, orders, products

urlpatterns = [
    path("", board.sales_home, name="sales-home"),
    path("pipeline/", board.pipeline_board, name="sales-board"),
    path("opportunities/", opportunities.opportunity_list, name="opportunity-list"),
    path("opportunities/export.csv", exports.opportunity_export, name="opportunity-export"),
    path("opportunities/new/", opportunities.opportunity_create, name="opportunity-create"),
    path("opportunities/<int:opportunity_id>/", opportunities.opportunity_detail, name="opportunity-detail"),
    path("opportunities/<int:opportunity_id>/edit/", opportunities.opportunity_edit, name="opportunity-edit"),
    path("opportunities/<int:opportunity_id>/stage/", board.opportunity_move, name="opportunity-move"),
    path("opportunities/<int:opportunity_id>/delete/", opportunities.opportunity_delete, name="opportunity-delete"),
    path("orders/", orders.order_list, name="order-list"),
    path("orders/export.csv", exports.order_export, name="order-export"),
    path("orders/new/", orders.order_create, name="order-create"),
    path("orders/<int:order_id>/", orders.order_detail, name="order-detail"),
    path("orders/<int:order_id>/lines/", orders.order_line_add, name="order-line-add"),
    path("orders/<int:order_id>/lines/<int:line_id>/", orders.order_line_update, name="order-line-update"),
    path("orders/<int:order_id>/lines/<int:line_id>/delete/", orders.order_line_remove, name="order-line-remove"),
    path("orders/<int:order_id>/status/", orders.order_transition, name="order-transition"),
    path("orders/<int:order_id>/reassign/", orders.order_reassign, name="order-reassign"),
    path("orders/<int:order_id>/delete/", orders.order_delete, name="order-delete"),
    path("products/", products.product_list, name="product-list"),
]
