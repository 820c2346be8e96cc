"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Under daphne, importing this module also arranges the graceful stop on SIGTERM
(game.realtime.shutdown).
"""

import gc
import os

import autobahn.util as autobahn_util
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovation_track.settings")

# Initialise Django (apps, models) before importing anything that touches models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from game.realtime import shutdown  # noqa: E402
from game.realtime.health import close_request_connections  # noqa: E402
from game.sockets.base import same_origin_validator  # noqa: E402
from game.sockets.routing import websocket_urlpatterns  # noqa: E402
from game.table.ticker import StartTicker  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": shutdown.TrackRequests(django_asgi_app),
        "websocket": same_origin_validator(URLRouter(websocket_urlpatterns)),
    }
)

# Bots and discussion pauses run on a clock in every server process.
application = StartTicker(router)

shutdown.install_under_daphne()

# A page's request runs in a thread of its own under ASGI, so a persistent connection
# opened there (CONN_MAX_AGE=None) is never used again, and stayed open until the garbage
# collector found it: a room of phones joining used up PostgreSQL's connections. Close
# it when the request ends. (The sockets' database thread keeps its connection.)
request_finished.connect(close_request_connections, sender=ASGIHandler)

# autobahn formats a debug line for every frame it sends, logged or not, and colours it
# with click when click can be imported (import-linter brings it into the dev install):
# a few per cent of a busy room's time (tests/perf). Plain text is what it logs without.
autobahn_util._HAS_CLICK = False

# The live server keeps thousands of long-lived objects (every socket's consumer and its
# seat's state): the collector's full passes over them paused the event loop for tens of
# milliseconds in a busy room (tests/perf). Objects made while starting up are frozen
# out of collection, and the young generation is collected less often.
gc.freeze()
gc.set_threshold(*settings.GC_THRESHOLDS)
