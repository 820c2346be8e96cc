"""WebSocket routes: a player's page and the facilitator's dashboard."""

from django.urls import path

from game import consumers

websocket_urlpatterns = [
    path("ws/play/", consumers.PlayConsumer.as_asgi()),
    path("ws/host/<str:code>/", consumers.HostConsumer.as_asgi()),
]
