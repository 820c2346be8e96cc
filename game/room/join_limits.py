"""Limits on guessing join codes.

A whole room joins from one address (the venue's Wi-Fi), so joining a session that
exists is never limited. What is limited is wrong codes: per client address, and for
the whole server, each in a fixed window of ``JOIN_WRONG_CODE_WINDOW_SECONDS``.
Counts live in Django's cache: per process by default, shared through Redis when
``REDIS_URL`` is set, so the limits hold across several workers.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from game.errors import Refused

EVERYONE = "*"


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind our own TLS proxy (``BEHIND_TLS_PROXY``) it is the
    last address in X-Forwarded-For, the one the proxy itself added; any earlier entry
    came from the client and could be forged. Otherwise the header is ignored."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def _window() -> tuple[int, int]:
    """The current window's number and the seconds until it ends."""
    length = settings.JOIN_WRONG_CODE_WINDOW_SECONDS
    now = time.time()
    return int(now // length), math.ceil(length - now % length)


def _key(who: str, window: int) -> str:
    return f"join-wrong:{window}:{who}"


def check(address: str) -> None:
    """Refuse with ``too_many_attempts`` and the wait while this address, or the whole
    server, has used up its wrong codes for the current window."""
    window, left = _window()
    counts = cache.get_many([_key(address, window), _key(EVERYONE, window)])
    mine = counts.get(_key(address, window), 0)
    everyone = counts.get(_key(EVERYONE, window), 0)
    if mine >= settings.JOIN_WRONG_CODES_PER_ADDRESS or everyone >= settings.JOIN_WRONG_CODES_TOTAL:
        raise Refused("too_many_attempts", minutes=math.ceil(left / 60), seconds=left)


def record_wrong(address: str) -> None:
    """Count one wrong code against the address and against the server."""
    window, _left = _window()
    for who in (address, EVERYONE):
        key = _key(who, window)
        cache.add(key, 0, timeout=settings.JOIN_WRONG_CODE_WINDOW_SECONDS + 5)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.JOIN_WRONG_CODE_WINDOW_SECONDS + 5)
