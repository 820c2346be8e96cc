"""A worker dies with a phone's socket on it: that player stops counting as present in
every process, the surviving worker's ticker flags them and lets a bot stand in, and
their phone, reconnecting to the survivor, gets the hand back. PostgreSQL and Redis,
two real daphne processes."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from game.models import Player, TableEvent
from tests.live.servers import Client, Servers, assert_state_matches, replay, require_postgresql
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 20.0  # seconds, at most, for what the tickers do (a refresh is every 10 s)


@pytest.fixture(autouse=True)
def _postgresql_only():
    require_postgresql()


def seen_ago(player: Player) -> float:
    player.refresh_from_db()
    return (timezone.now() - player.seen).total_seconds()


def wait_for(check, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"not within {WAIT} s: {what}")


def backdate(player: Player, seconds: float) -> None:
    """As if the player had not been seen for ``seconds``: the clock, fast-forwarded."""
    Player.objects.filter(pk=player.pk).update(seen=timezone.now() - timedelta(seconds=seconds))


def test_a_dead_workers_player_is_stood_in_for_and_gets_the_hand_back(redis_url, tmp_path):
    _, table, players = session_with_table(
        ("Anna", "Bob", "Cees"), themes=5, seed=21, away_after=30, stand_in_after=30, nudge_after=0
    )
    anna = players[game_state(table).turn]  # on turn
    bob, cees = (p for p in players if p.pk != anna.pk)
    with Servers(tmp_path, redis_url) as servers:
        doomed, survivor = servers.start(), servers.start()
        servers.ready(doomed, survivor)
        phone, watcher, third = Client(anna, seed=21), Client(bob, seed=21), Client(cees)

        async def connect_all():
            for client, server in ((phone, doomed), (watcher, survivor), (third, survivor)):
                await client.connect(server)
                await client.receive()

        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(connect_all())
            # Alive, the socket's worker keeps her present: an old ``seen`` is rewritten.
            backdate(anna, 25)
            wait_for(lambda: seen_ago(anna) < 12, "the live worker refreshes her presence")
            doomed.proc.send_signal(signal.SIGKILL)
            doomed.proc.wait(10)
            backdate(anna, 31)  # half a minute passes with no worker to speak for her
            wait_for(lambda: Player.objects.get(pk=anna.pk).stand_in, "a bot stands in")

            async def watch_the_bot_play():
                while not any(
                    e["type"] == "asked" and e["seat"] == anna.seat for e in watcher.events
                ):
                    await watcher.receive(timeout=WAIT)

            loop.run_until_complete(watch_the_bot_play())
            # The table's record: the bot stood in, then played. (A push to the watcher may
            # be lost while a worker dies, OPERATIONS.md; a page catches up on the gap.)
            recorded = list(
                TableEvent.objects.filter(table=table)
                .order_by("seq")
                .values_list("data", flat=True)
            )
            kinds = [data["type"] for data in recorded]
            first_bot_ask = next(
                n
                for n, data in enumerate(recorded)
                if data["type"] == "asked" and data["seat"] == anna.seat
            )
            assert kinds.index("seat_stood_in") < first_bot_ask

            async def come_back():
                caught_up = await phone.reconnect(survivor)
                welcome = await phone.receive()
                while welcome["type"] != "welcome_back":
                    welcome = await phone.receive()
                return caught_up, welcome

            caught_up, welcome = loop.run_until_complete(come_back())
            assert welcome["played"]["asks"] >= 1
            assert caught_up["type"] == "events"
            anna.refresh_from_db()
            assert (anna.away, anna.stand_in) == (False, False)
            replayed = replay(table)
            assert_state_matches(table, replayed)
            assert phone.state["hand"] == list(replayed.state.hands[anna.seat])
            assert [e["seq"] for e in phone.events] == list(range(1, len(phone.events) + 1))
        finally:
            loop.run_until_complete(phone.close())
            loop.run_until_complete(watcher.close())
            loop.run_until_complete(third.close())
            loop.close()
