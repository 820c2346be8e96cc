"""The clock of the live game: bots move, and discussion pauses end.

Each server process runs one ticker, started by the first request it serves (daphne
has no start-up hook). Tickers in several processes may look at the same table at
once; the table's row lock and seq check let only one move apply. Because the work
is found in the database, not kept in memory, a restarted server carries on.
"""

from __future__ import annotations

import asyncio
import logging

from django.conf import settings

from game import live, play
from game.errors import DATABASE_DOWN, describe

log = logging.getLogger(__name__)

# The ticker task of each event loop (by id): scheduling only, no game state. Keeping
# the task referenced also stops it from being garbage-collected while it runs.
_running: dict[int, asyncio.Task] = {}


def tick() -> int:
    """Do what is due now; returns the number of changes made."""
    bots, pauses = play.tables_due()
    changes = 0
    for table_id in pauses:
        changes += play.pause_over(table_id=table_id) is not None
    for table_id in bots:
        changes += play.bot_move(table_id=table_id) is not None
    return changes


async def run_forever() -> None:
    failing = False  # log the first failure and the recovery, not every tick
    while True:
        await asyncio.sleep(settings.GAME_TICK_SECONDS)
        try:
            await live.collecting(tick)
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
