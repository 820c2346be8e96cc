"""The server's clock does each due write apart: a player's move waiting for the
database thread goes in between, and each write's pushes go out as soon as it is done,
not behind the whole tick."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as db

from game.models import Player
from game.realtime import live
from game.room import seating
from game.table import play, ticker
from tests.tables import session_with_table


def tables_of_bots(count: int) -> list:
    tables = []
    for n in range(count):
        workshop, table, _ = session_with_table((f"Anna {n}",), start=False)
        for level in ("easy", "smart"):
            seating.bot_add(table=table, level=level, by=workshop.facilitator)
        Player.objects.filter(name=f"Anna {n}").update(bot_level="smart")  # left before
        play.table_start(table=table, by=workshop.facilitator, seed=5)
        tables.append(table)
    return tables


@pytest.mark.django_db(transaction=True)
async def test_each_due_write_is_a_call_of_its_own_with_its_pushes_right_after(monkeypatch):
    await db(tables_of_bots)(3)
    calls: list[str] = []
    real = live.collecting

    async def recorded(write, /, **kwargs):
        calls.append(f"call {write.__name__}")
        try:
            return await real(write, **kwargs)
        finally:
            calls.append(f"done {write.__name__}")

    pushed = live.push

    async def push(pending):
        calls.append(f"push {len(pending)}")
        await pushed(pending)

    monkeypatch.setattr(live, "collecting", recorded)
    monkeypatch.setattr(live, "push", push)
    assert await ticker.tick_apart() == 3
    moves = [call for call in calls if call.startswith("call ")]
    assert moves == ["call due", "call bot_move", "call bot_move", "call bot_move"]
    # Between two bot moves the database thread is free, and the first move's events
    # have gone out before the second move starts.
    second = calls.index("call bot_move", calls.index("call bot_move") + 1)
    assert any(call.startswith("push ") and call != "push 0" for call in calls[:second])


@pytest.mark.django_db
def test_the_tick_in_one_go_does_the_same_writes():
    tables_of_bots(2)
    assert [write.__name__ for write, _ in ticker.due()] == ["bot_move", "bot_move"]
    assert ticker.tick() == 2
