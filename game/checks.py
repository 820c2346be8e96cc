"""Deployment checks Django's own `check --deploy` cannot know: Channels settings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def channels_deploy_checks(app_configs, **kwargs):
    warnings = []
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    shared_database = settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
    if backend.endswith("InMemoryChannelLayer") and shared_database:
        warnings.append(
            Warning(
                "The in-memory channel layer reaches only the players connected to the "
                "same server process, but the database is shared by several processes.",
                hint="Set REDIS_URL so every daphne process shares one channel layer.",
                id="game.W001",
            )
        )
    from channels.security.websocket import OriginValidator

    from innovation_track.asgi import router

    if not isinstance(router.application_mapping.get("websocket"), OriginValidator):
        warnings.append(
            Warning(
                "WebSocket connections are not checked for their origin.",
                hint="Wrap the WebSocket router in game.sockets.base.SameOriginValidator.",
                id="game.W002",
            )
        )
    return warnings
