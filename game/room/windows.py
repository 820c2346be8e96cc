"""Counts in fixed windows of time, kept in Django's cache (shared through Redis when
``REDIS_URL`` is set, so every worker sees them): the limits on guessing join codes
(``join_limits``) and passwords (``login_limits``)."""

from __future__ import annotations

import math
import time

from django.core.cache import cache


def window(length: int) -> tuple[int, int]:
    """The current window's number and the seconds until it ends, for windows of
    ``length`` seconds."""
    now = time.time()
    return int(now // length), math.ceil(length - now % length)


def count(key: str, timeout: int) -> int:
    """One more on the key's count (atomic in the cache); the new count."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
