"""The project's URLs. Contexts above crm are named by strings, which adds no import."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

# A lost database answers 503 (crm.platform.middleware) even when it fails outside a view.
handler500 = "crm.platform.middleware.server_error"
# Under /api/ these answer JSON; elsewhere Django's pages.
handler400 = "crm.platform.middleware.bad_request"
handler403 = "crm.platform.middleware.permission_denied"
handler404 = "crm.platform.middleware.page_not_found"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says; answer with the real icon.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("crm.project.api_urls")),
    path("api/v1/", include("sales.api.urls")),
    path("api/v1/", include("support.api.urls")),
    path("", include("accounts.urls")),
    path("", include("crm.project.portal_urls")),
    path("sales/", include("sales.urls")),
    path("support/", include("support.urls")),
]
