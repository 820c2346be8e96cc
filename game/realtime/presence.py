"""Who is here: which players have a live socket, known to every server process.

Each process keeps its own players' sockets here (``opened``, ``heard`` and ``closed``,
called by the player's consumer in the event loop), and its ticker writes their
``Player.seen`` in one statement (``due`` then ``write_seen``): at once for a socket
that just opened or closed, and every PRESENCE_SECONDS for every socket heard from in
the last QUIET_SECONDS. A page pings every 20 s; a phone that sleeps can leave its socket
"open" and silent, so silence counts as gone. A player is away when no process has
written their ``seen`` for a while (``game.table.away``); a process that dies stops writing,
so its players turn away too, and no process has to know another's sockets.

This is bookkeeping of this process's connections, like the channel layer's groups,
not game state: the game lives in the database.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from game.models import Player

PRESENCE_SECONDS = 10.0  # how often every present player's ``seen`` is written
QUIET_SECONDS = 50.0  # a socket silent this long (pings every 20 s) is not counted
WRITE_CHUNK = 500  # player ids per UPDATE
# Unseen this long, a person shows as offline on the dashboard: two refreshes missed.
OFFLINE_SECONDS = 2 * PRESENCE_SECONDS + 5

_sockets: dict[str, tuple[int, float]] = {}  # channel name -> (player id, last heard)
_changed: set[int] = set()  # players whose socket opened or closed since the last write
_next_refresh = 0.0


def opened(channel: str, player_id: int) -> None:
    _sockets[channel] = (player_id, time.monotonic())
    _changed.add(player_id)


def heard(channel: str) -> None:
    """The page of this socket sent something: it is awake."""
    entry = _sockets.get(channel)
    if entry is not None:
        _sockets[channel] = (entry[0], time.monotonic())


def closed(channel: str) -> None:
    entry = _sockets.pop(channel, None)
    if entry is not None:
        _changed.add(entry[0])  # their ``seen`` becomes the moment they left


def connected(player_id: int) -> bool:
    """Whether this process holds a socket of the player (tests, diagnostics)."""
    return any(pk == player_id for pk, _heard in _sockets.values())


def due() -> list[int]:
    """The players whose ``seen`` to write now; call it in the event loop, which owns
    this bookkeeping, and hand the list to ``write_seen`` in a worker thread."""
    global _next_refresh
    now = time.monotonic()
    ids = set(_changed)
    _changed.clear()
    if now >= _next_refresh:
        _next_refresh = now + PRESENCE_SECONDS
        ids.update(pk for pk, last in _sockets.values() if now - last <= QUIET_SECONDS)
    return sorted(ids)


def write_seen(player_ids: Iterable[int], at: datetime | None = None) -> int:
    """Mark the players as seen ``at`` (now): the number of rows written."""
    ids, at = list(player_ids), at or timezone.now()
    written = 0
    for start in range(0, len(ids), WRITE_CHUNK):
        chunk = ids[start : start + WRITE_CHUNK]
        written += Player.objects.filter(pk__in=chunk).update(seen=at)
    return written


def forget() -> None:
    """Drop this process's bookkeeping (tests; a process that stops)."""
    global _next_refresh
    _sockets.clear()
    _changed.clear()
    _next_refresh = 0.0
