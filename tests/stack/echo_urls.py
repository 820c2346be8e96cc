"""The project's URLs plus /__echo__/ (see echo_settings)."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def echo(request: HttpRequest) -> JsonResponse:
    """The forwarded headers as Django received them, and what it made of them."""
    from game.room.join_limits import client_address

    return JsonResponse(
        {
            "host": request.get_host(),
            "x_forwarded_for": request.headers.get("X-Forwarded-For"),
            "x_forwarded_proto": request.headers.get("X-Forwarded-Proto"),
            "is_secure": request.is_secure(),
            "client_address": client_address(request),
        }
    )


urlpatterns = [
    path("__echo__/", echo),
    path("", include("innovation_track.urls")),
]
