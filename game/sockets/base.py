"""The base of both WebSockets: limits, JSON, error replies, and closing cleanly.

Bad input gets an ``error`` with a code and the socket stays open, unless it is abused
(close code 4008). A database that cannot be reached is answered with ``unavailable``
for a page's own message, and closes the socket with 4013 (reconnect later) when the
socket itself needs the database (opening, a seating change). When the process stops
(game.realtime.shutdown) every socket is closed with 4012, a busy one right after its answer.

Once a socket is closed, by us or by the page, nothing more is sent on it: a reply
queued behind the close is dropped, not logged as a traceback.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

import orjson
from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from game.errors import CHANNEL_LAYER_DOWN, DATABASE_DOWN, Refused, describe
from game.realtime import connections, shutdown
from game.room import join_limits
from innovation_track import boundary
from innovation_track.middleware import chosen_language

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 4096
MAX_ACTION_ID = 64

# Every message: an object with a type (its other fields are the type's shape's).
ENVELOPE = boundary.Shape(extra=True, type=boundary.Text(40, least=1))
PING = boundary.Shape(extra=True)

# Close codes (game/PROTOCOL.md).
FORBIDDEN = 4003  # not a player / not this session's facilitator: do not reconnect
ABUSED = 4008  # too many refused messages
REPLACED = 4009  # a newer socket of the same seat took this one's place: do not reconnect
RESTARTING = shutdown.RESTARTING  # 4012: this server process stops; reconnect at once
UNAVAILABLE = 4013  # the database or channel layer cannot be reached; reconnect with backoff
CROWDED = 4029  # the address holds WS_PER_ADDRESS sockets already; reconnect with backoff


class RateLimit:
    """A token bucket per connection: ``rate`` messages a second, bursts of ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = float(burst), time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class JsonConsumer(AsyncWebsocketConsumer):
    """Size limit, JSON parsing, rate limit and error replies, shared by both sockets.
    Subclasses implement ``opened`` and declare their messages in ``handlers``: each
    handler gets the message's checked fields (innovation_track.boundary), never raw input."""

    # type -> (the method that answers it, the message's declared shape)
    handlers: dict[str, tuple[str, boundary.Shape]] = {}
    abuse_limit = 50  # refused messages before the connection is closed
    closed = False  # a close was sent or the page left: send nothing more
    busy = False  # answering a message of the page (a move may be in progress)

    async def connect(self) -> None:
        self.language = chosen_language(self.scope.get("cookies", {}))
        self.limit = RateLimit(settings.WS_RATE_PER_SECOND, settings.WS_RATE_BURST)
        self.strikes = 0
        await self.accept()  # accepted first: a refusal before it has no close code
        if shutdown.stopping:
            log.info("websocket refused: stopping (close %d)", RESTARTING)
            await self.close(code=RESTARTING)
            return
        shutdown.live_sockets.add(self)
        if await self.counted():
            await self.opened()

    async def counted(self) -> bool:
        """Count the socket against its address (game.realtime.connections); over the cap it
        is closed with 4029. Without the registry (Redis down) the socket is let in: the
        cap guards the server, and the failing layer shows on its own."""
        try:
            allowed = await connections.registry().address_opened(
                socket_address(self.scope), self.channel_name
            )
        except CHANNEL_LAYER_DOWN as error:
            log.warning("socket not counted: %s", describe(error))
            return True
        if not allowed:
            log.info("websocket refused: too many sockets from one address (close %d)", CROWDED)
            await self.close(code=CROWDED)
        return allowed

    async def uncounted(self) -> None:
        """The socket no longer counts against its seat and address."""
        try:
            await connections.registry().closed(self.channel_name)
        except CHANNEL_LAYER_DOWN as error:  # its leases expire on their own
            log.warning("socket leases not dropped: %s", describe(error))

    async def socket_replaced(self, message: dict[str, Any]) -> None:
        """A newer socket of this seat took this one's place (game.realtime.connections)."""
        log.info("websocket closed (%d): replaced by a newer socket of the seat", REPLACED)
        await self.close(code=REPLACED)

    async def opened(self) -> None:
        """The socket is open: load and send what the page needs."""

    async def dispatch(self, message: dict[str, Any]) -> None:
        try:
            await self.call_handler(message)
        except (*DATABASE_DOWN, *CHANNEL_LAYER_DOWN) as error:
            if message["type"] == "websocket.disconnect":
                shutdown.live_sockets.discard(self)
                raise StopConsumer() from None  # gone anyway: end, do not linger
            # Opening or a group message needed the database or the channel layer: the
            # page reconnects later and catches up by sequence number.
            if self.closed:
                return
            database = isinstance(error, DATABASE_DOWN)
            what = "database" if database else "channel layer"
            log.warning(
                "socket closed (%d): %s unavailable: %s", UNAVAILABLE, what, describe(error)
            )
            if database:
                await self.refuse(Refused("unavailable"))
            await self.close(code=UNAVAILABLE)

    async def call_handler(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, without its close_old_connections() before every message:
        that is a hop to the database thread for each group message to each socket,
        queued behind the moves. Our database work runs in database_sync_to_async,
        which closes old connections itself, around each call."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        self.closed = True
        try:
            await super().websocket_disconnect(message)
        finally:
            shutdown.live_sockets.discard(self)
            await self.uncounted()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        if self.closed:
            return  # sent before the page saw our close; it resends after reconnecting
        self.busy = True
        try:
            await self.handle(text_data, bytes_data)
        finally:
            self.busy = False
            if shutdown.stopping:
                await self.close(code=RESTARTING)  # the answer went first

    async def handle(self, text_data: str | None, bytes_data: bytes | None) -> None:
        """Every malformed message (not JSON, too large, nested, a field of the wrong
        type) gets an ``error`` and counts as a strike; it never reaches a handler."""
        if not self.limit.allow():
            await self.refuse(Refused("rate_limited"), strike=True)
            return
        message: Any = None
        try:
            if text_data is None:
                raise boundary.bad("send JSON text")
            message = boundary.loads(text_data, max_bytes=MAX_MESSAGE_BYTES)
            kind = ENVELOPE.check(message)["type"]
            if kind not in self.handlers:
                raise boundary.Malformed("unknown_type", kind=kind)
            handler, shape = self.handlers[kind]
            fields = shape.check(message)
        except boundary.Malformed as error:
            action_id = message.get("id") if isinstance(message, dict) else None
            await self.refuse(Refused.from_malformed(error), action_id=action_id, strike=True)
            return
        try:
            await getattr(self, handler)(fields)
        except Refused as refusal:
            await self.refuse(refusal, action_id=fields.get("id"))
        except DATABASE_DOWN as error:
            log.warning("%s refused: database unavailable: %s", kind, describe(error))
            await self.refuse(Refused("unavailable"), action_id=fields.get("id"))

    async def refuse(self, refusal: Refused, *, action_id: Any = None, strike: bool = False):
        reply: dict[str, Any] = {
            "type": "error",
            "code": refusal.code,
            "message": refusal.message(self.language),
        }
        if isinstance(action_id, str):
            reply["id"] = action_id[:MAX_ACTION_ID]
        await self.send_json(reply)
        if strike:
            self.strikes += 1
            if self.strikes >= self.abuse_limit and not self.closed:
                log.info("websocket closed (%d): %d refused messages", ABUSED, self.strikes)
                await self.close(code=ABUSED)

    async def send_json(self, content: dict[str, Any]) -> None:
        # orjson: a busy room encodes every move once per phone (each with its own hand),
        # and the standard library's encoder was the largest single cost in it (tests/perf).
        await self.send(text_data=orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS).decode())

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        if self.closed:
            return  # queued behind a close: the page catches up when it reconnects
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except Disconnected:
            self.closed = True  # the page closed while this reply was on its way

    async def close(self, code=None, reason=None) -> None:
        if self.closed:
            return
        self.closed = True
        await super().close(code=code, reason=reason)
        await self.uncounted()  # now: the page may reconnect before its disconnect arrives

    async def close_for_restart(self) -> bool:
        """The process stops (game.realtime.shutdown): close with 4012 now or, in the middle of a
        message, right after its answer (``receive``). True if this socket was open."""
        if self.closed:
            return False
        if not self.busy:
            await self.close(code=RESTARTING)
        return True

    async def on_ping(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})


def socket_address(scope: dict[str, Any]) -> str:
    """The client's address, as game.room.join_limits.client_address reads it for a request:
    behind our own TLS proxy the last X-Forwarded-For hop (the one the proxy added)."""
    forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for", b"")
    client = scope.get("client") or ("",)
    return join_limits.address_of(forwarded.decode("latin-1"), str(client[0] or ""))


DEFAULT_PORTS = {"http": 80, "https": 443}


def normalised_origin(url: str) -> str | None:
    """``scheme://host:port`` of an http(s) URL, lower case and with its port always
    written (``http://a`` and ``http://a:80`` are one origin); None for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"  # IPv6
    return f"{scheme}://{host}:{port or DEFAULT_PORTS[scheme]}"


def header_origin(value: str) -> str | None:
    """An Origin header as browsers send it, ``scheme://host[:port]`` and nothing more,
    normalised; None for anything else ("null", a path, a user name)."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        return None
    return normalised_origin(value)


def socket_origin(scope: dict[str, Any]) -> str | None:
    """The origin of the page this socket's own address would serve: the scheme it came in
    on (ws is http, wss https; behind our TLS proxy, its X-Forwarded-Proto) with its Host
    header, when that host is one of ALLOWED_HOSTS (a rebound DNS name is not)."""
    headers = dict(scope.get("headers", []))
    host = headers.get(b"host", b"").decode("latin-1")
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # as Django's own host check
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, allowed):
        return None
    secure = scope.get("scheme") == "wss"
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        name = proxy_header[0].removeprefix("HTTP_").lower().replace("_", "-").encode()
        secure = headers.get(name, b"").decode("latin-1").strip() == proxy_header[1]
    return normalised_origin(f"{'https' if secure else 'http'}://{host}")


def site_origins() -> set[str]:
    """The origins the configuration names: PUBLIC_URL (in venue mode the venue address)
    and CSRF_TRUSTED_ORIGINS without wildcards."""
    named = [settings.PUBLIC_URL, *settings.CSRF_TRUSTED_ORIGINS]
    return {origin for url in named if "*" not in url and (origin := normalised_origin(url))}


class SameOriginValidator(OriginValidator):
    """Lets a socket in only from a page of this site, as a browser's same-origin rule:
    its Origin must equal, in scheme, host and port, the socket's own origin or one the
    configuration names (``site_origins``). Refused at the handshake (HTTP 403) and
    logged with the origin only, never a cookie."""

    def __init__(self, application) -> None:
        super().__init__(application, [])

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("SameOriginValidator is for WebSocket connections only")
        origin_header = dict(scope.get("headers", [])).get(b"origin")
        origin = None
        if origin_header is not None:
            origin = header_origin(origin_header.decode("latin-1"))
        if origin is not None and (origin == socket_origin(scope) or origin in site_origins()):
            return await self.application(scope, receive, send)
        shown = "none" if origin_header is None else origin_header.decode("latin-1")[:100]
        log.info("websocket refused: origin_not_allowed (origin %r)", shown)
        return await WebsocketDenier()(scope, receive, send)


def same_origin_validator(application) -> SameOriginValidator:
    return SameOriginValidator(application)
