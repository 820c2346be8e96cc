"""The Content-Security-Policy header (django-csp), with the page's own host named for
WebSockets.

The policy itself is ``CONTENT_SECURITY_POLICY`` in the settings. CSP 3 lets
``connect-src 'self'`` match ``ws:``/``wss:`` on the page's own host, and Chromium and
Firefox do so, but Safari only learnt it in 15.4 (WebKit bug 235873): on an older
iPhone the game's socket would be refused. So every response also allows
``ws://HOST`` and ``wss://HOST`` for the host the request came in on, which is the
one host the pages' sockets connect to (``static/game/socket.js`` uses
``location.host``), and nothing wider.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase


def socket_sources(request: HttpRequest) -> list[str]:
    """``ws://`` and ``wss://`` on the request's host (with its port); nothing for a
    host outside ALLOWED_HOSTS (Django answers 400 to those anyway), nor for an IPv6
    address, which CSP's host sources cannot name ('self' covers it)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return []
    if host.startswith("["):
        return []
    return [f"ws://{host}", f"wss://{host}"]


class SameHostSocketsCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, adding the request's own host for WebSockets."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        sockets = socket_sources(request)
        if sockets and not report_only:
            update = dict(parts.update or {})
            extra = update.get("connect-src") or []
            extra = [extra] if isinstance(extra, str) else list(extra)
            update["connect-src"] = [*extra, *sockets]
            parts.update = update
        return parts
