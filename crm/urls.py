"""The project's URLs. Contexts above crm are named by strings, which adds no import."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("crm.api.urls")),
    path("api/v1/", include("sales.api.urls")),
    path("api/v1/", include("support.api.urls")),
    path("", include("accounts.urls")),
    path("", include("crm.views.urls")),
    path("sales/", include("sales.urls")),
    path("support/", include("support.urls")),
]
