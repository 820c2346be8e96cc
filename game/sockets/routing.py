"""WebSocket routes: a player's page and the facilitator's dashboard."""

from channels.auth import AuthMiddlewareStack
from channels.sessions import CookieMiddleware
from django.urls import path

from game.sockets import consumers

websocket_urlpatterns = [
    # A phone is known by its player cookie alone: no session or user to load, which
    # would cost a database round trip per socket when a whole room reconnects.
    path("ws/play/", CookieMiddleware(consumers.PlayConsumer.as_asgi())),
    # The facilitator's dashboard needs the logged-in user.
    path("ws/host/<str:code>/", AuthMiddlewareStack(consumers.HostConsumer.as_asgi())),
]
