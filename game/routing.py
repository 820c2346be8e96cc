"""WebSocket routes. The live game consumers are added here."""

websocket_urlpatterns: list = []
