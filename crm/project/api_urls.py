from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from crm.customers.api import (
    ContactViewSet,
    CustomerGrantListView,
    CustomerGrantView,
    CustomerShareViewSet,
    CustomerViewSet,
)
from crm.insights.explainer_api import RecordAccessView
from crm.platform.audit.api import RecordHistoryView
from crm.staff.api import MeView, TeamViewSet, TokenView, UserViewSet
from crm.staff.reassignment_api import TeamReassignView

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("teams", TeamViewSet, basename="team")
router.register("customers", CustomerViewSet, basename="customer")
router.register("contacts", ContactViewSet, basename="contact")
router.register(r"customers/(?P<customer_pk>\d+)/shares", CustomerShareViewSet, basename="customer-share")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("history/<slug:record_type>/<int:record_id>/", RecordHistoryView.as_view(), name="api-record-history"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the CSP needs no 'unsafe-inline'.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("customers/<int:customer_pk>/grants/", CustomerGrantListView.as_view(), name="api-customer-grants"),
    path("customers/<int:customer_pk>/grants/<str:grant_id>/", CustomerGrantView.as_view(), name="api-customer-grant"),
    path("teams/<int:pk>/reassign/", TeamReassignView.as_view(), name="api-team-reassign"),
    # /customers/{id}/access/, /tickets/{id}/access/: the kinds registered with crm.insights.explainer
    path("<slug:collection>/<int:pk>/access/", RecordAccessView.as_view(), name="api-record-access"),
    path("", include(router.urls)),
]
