"""The clock of the live game: bots move, discussion pauses end, presence is written,
and players away are flagged (game.realtime.presence, game.table.away).

Each server process runs one ticker, started by the first request it serves (daphne
has no start-up hook). Tickers in several processes may look at the same table at
once; the table's row lock and seq check let only one move apply. Because the work
is found in the database, not kept in memory, a restarted server carries on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from game.errors import DATABASE_DOWN, describe
from game.models import Table
from game.realtime import live, presence
from game.table import away, play

log = logging.getLogger(__name__)

# The ticker task of each event loop (by id): scheduling only, no game state. Keeping
# the task referenced also stops it from being garbage-collected while it runs.
_running: dict[int, asyncio.Task] = {}


AWAY_SCAN_SECONDS = 2.0  # how often players away and nudges due are looked for
_next_scan = 0.0  # per process, like the ticker itself


def tables_due(now=None) -> tuple[list[int], list[int]]:
    """Tables where a bot should move, and tables whose discussion pause is over."""
    now = now or timezone.now()
    quiet = now - timedelta(seconds=settings.BOT_DELAY_SECONDS)
    playing = Table.objects.filter(
        status=Table.Status.PLAYING, paused=False, workshop__paused=False
    )
    bots = list(
        playing.filter(bot_turn=True, updated__lte=quiet, pause_until__isnull=True).values_list(
            "pk", flat=True
        )
    )
    pauses = list(playing.filter(pause_until__lte=now).values_list("pk", flat=True))
    return bots, pauses


Work = list[tuple[Callable[..., Any], dict[str, Any]]]


def due(seen: list[int] = ()) -> Work:
    """Write the presence of ``seen`` (the players this process has a live socket of,
    game.realtime.presence), and find what is due now: players away and nudges (every
    AWAY_SCAN_SECONDS), discussion pauses over, bots to move; each as a write to do."""
    global _next_scan
    if seen:
        presence.write_seen(seen)
    work: Work = []
    if time.monotonic() >= _next_scan:
        _next_scan = time.monotonic() + AWAY_SCAN_SECONDS
        work += away.due()
    bots, pauses = tables_due()
    work += [(play.pause_over, {"table_id": table_id}) for table_id in pauses]
    work += [(play.bot_move, {"table_id": table_id}) for table_id in bots]
    return work


def tick(seen: list[int] = ()) -> int:
    """Do what is due now, in one go; returns the number of changes made."""
    return sum(write(**arguments) is not None for write, arguments in due(seen))


async def tick_apart(seen: list[int] = ()) -> int:
    """Do what is due now as the server does it: each write a call of its own to the
    database thread, its pushes sent as soon as it is done. A player's move waiting for
    that thread goes between two of them, never behind the whole tick (sixty bots, or a
    room's worth of players flagged away at once)."""
    changes = 0
    for write, arguments in await live.collecting(due, seen=seen):
        changes += await live.collecting(write, **arguments) is not None
    return changes


async def run_forever() -> None:
    failing = False  # log the first failure and the recovery, not every tick
    while True:
        await asyncio.sleep(settings.GAME_TICK_SECONDS)
        try:
            await tick_apart(presence.due())
        except DATABASE_DOWN as error:
            if not failing:
                log.warning("game ticker paused: database unavailable: %s", describe(error))
            failing = True
        except Exception:  # a bad tick must not stop the clock of every table
            log.exception("game ticker failed")
        else:
            if failing:
                log.info("game ticker resumed")
            failing = False


class StartTicker:
    """ASGI middleware: make sure this process's event loop runs the ticker."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if settings.GAME_TICKER:
            loop = asyncio.get_running_loop()
            if id(loop) not in _running:
                _running[id(loop)] = loop.create_task(run_forever())
        return await self.app(scope, receive, send)
