from django.urls import path

from crm.customers import exports
from crm.customers import views as customers
from crm.imports import views as imports
from crm.insights.views import dashboard, home, record_access
from crm.platform.audit import views as history
from crm.staff import views as teams

urlpatterns = [
    path("", home.home, name="home"),
    path("history/<slug:record_type>/<int:record_id>/", history.record_history, name="record-history"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("teams/<int:team_id>/", teams.team_detail, name="team-detail"),
    path("teams/<int:team_id>/reassign/", teams.team_reassign, name="team-reassign"),
    path("access/<slug:kind_name>/<int:record_id>/", record_access.record_access, name="record-access"),
    path("customers/", customers.customer_list, name="customer-list"),
    path("customers/new/", customers.customer_create, name="customer-create"),
    path("customers/email-check/", customers.customer_email_check, name="customer-email-check"),
    path("customers/export.csv", exports.customer_export, name="customer-export"),
    path("contacts/export.csv", exports.contact_export, name="contact-export"),
    path("imports/new/", imports.import_new, name="import-new"),
    path("imports/<int:job_id>/", imports.import_detail, name="import-detail"),
    path("imports/<int:job_id>/run/", imports.import_run, name="import-run"),
    path("imports/<int:job_id>/not-imported.csv", imports.import_errors, name="import-errors"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer-detail"),
    path("customers/<int:customer_id>/edit/", customers.customer_edit, name="customer-edit"),
    path("customers/<int:customer_id>/delete/", customers.customer_delete, name="customer-delete"),
    path("customers/<int:customer_id>/reassign/", customers.customer_reassign, name="customer-reassign"),
    path("customers/<int:customer_id>/shares/", customers.customer_shares, name="customer-shares"),
    path(
        "customers/<int:customer_id>/grants/<str:grant_id>/revoke/",
        customers.customer_revoke_grant,
        name="customer-revoke-grant",
    ),
    path(
        "customers/<int:customer_id>/shares/<int:share_id>/delete/",
        customers.customer_unshare,
        name="customer-unshare",
    ),
    path("customers/<int:customer_id>/activities/", customers.activity_create, name="activity-create"),
    path("customers/<int:customer_id>/contacts/new/", customers.contact_create, name="contact-create"),
    path(
        "customers/<int:customer_id>/contacts/<int:contact_id>/edit/",
        customers.contact_edit,
        name="contact-edit",
    ),
    path(
        "customers/<int:customer_id>/contacts/<int:contact_id>/delete/",
        customers.contact_delete,
        name="contact-delete",
    ),
]
