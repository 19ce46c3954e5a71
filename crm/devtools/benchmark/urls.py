"""The bench-only URL conf: the project's URLs plus the floors. Only `manage.py bench` activates it."""

from django.http import Http404
from django.urls import include, path

from crm.devtools.benchmark.registry import floor_view

# Named by string: the project's wiring is imported by nothing.
handler500 = "crm.platform.middleware.server_error"


def floor(request, floor_key):
    """A registered floor, given the row keys to render (`?keys=ticket:1,ticket:2`)."""
    view = floor_view(floor_key)
    if view is None:
        raise Http404("No such floor.")
    keys = [key for key in request.GET.get("keys", "").split(",") if key]
    return view(request, keys)


urlpatterns = [
    path("bench/floor/<slug:floor_key>/", floor, name="bench-floor"),
    path("", include("crm.project.urls")),
]
