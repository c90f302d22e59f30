"""The app's URLs plus one reference view that exists only in the load benchmark."""

from django.http import HttpResponse
from django.urls import include, path


def authenticated_noop(request):
    """The floor under every learner page: the session and the user are loaded, and
    nothing else is done. 403 for a visitor, so a broken benchmark session shows."""
    if not request.user.is_authenticated:
        return HttpResponse(b"not logged in", status=403, content_type="text/plain")
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/authenticated", authenticated_noop),
    path("", include("ceapp.urls")),
]
