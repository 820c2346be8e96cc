"""A server restart loses nothing: the game lives in the database, not in the process.

Players reconnect as their pages do (``?table=<id>&since=<last seq>``) and get exactly
the events they missed, with their own hand; a bot whose turn it was when the server
went down moves once the new process serves its first connection.
"""

from __future__ import annotations

import asyncio

import pytest

from game import engine
from game.models import Player, Table
from game.room import seating
from game.table import play
from tests.factories import facilitator
from tests.live.servers import (
    Client,
    Servers,
    assert_state_matches,
    free_port,
    play_all,
    replay,
    require_postgresql,
)
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

GAME_TIMEOUT = 60.0
MOVES_BEFORE_RESTART = 6


@pytest.fixture(autouse=True)
def _postgresql_only():
    require_postgresql()


def test_players_pick_up_where_they_were_after_a_restart(redis_url, tmp_path):
    _workshop, table, players = session_with_table(("Anna", "Bob", "Cees"), themes=5, seed=4)
    clients = [Client(player, seed=4) for player in players]
    port = free_port()

    def enough(_client):
        return sum(c.acks for c in clients) >= MOVES_BEFORE_RESTART or _client.over

    with Servers(tmp_path, redis_url) as servers:
        server = servers.start(port)
        servers.ready(server)

        async def before_restart():
            for client in clients:
                await client.connect(server)
                assert (await client.receive())["type"] == "view"
            await play_all(clients, GAME_TIMEOUT, until=enough)

        asyncio.run(before_restart())
        assert not any(c.over for c in clients), "pick a seed whose game lasts longer"
        # The server goes down with the pages still open (they see the socket close).
        server.stop()
        seen = {c.name: (c.seq, list(c.state["hand"])) for c in clients}

        # Meanwhile another process (here: the test) applies a move to the table.
        state = game_state(table)
        mover = next(p for p in players if p.seat == state.turn)
        ask = engine.legal_actions(state, state.turn)[0]
        play.table_ask(player=mover, target=ask.target, card=ask.card, action_id="offline")
        table.refresh_from_db()
        stored = replay(table)

        server = servers.start(port)
        servers.ready(server)

        async def after_restart():
            try:
                for client in clients:
                    await client.close()  # the old socket, closed by the server
                    since, hand_before = seen[client.name]
                    message = await client.reconnect(server)
                    missed = [e for e in stored.events if e["seq"] > since]
                    assert message["type"] == "events", message["type"]
                    assert message["events"] == missed
                    assert message["seq"] == table.seq
                    own = sorted(stored.hands_at[table.seq][client.seat])
                    assert sorted(message["state"]["hand"]) == own
                    changed = {
                        seat
                        for e in missed
                        if e["type"] in ("hit", "quartet_laid")
                        for seat in (e["seat"], e.get("target"))
                    }
                    if client.seat not in changed:
                        assert message["state"]["hand"] == hand_before
                await play_all(clients, GAME_TIMEOUT)
            finally:
                for client in clients:
                    await client.close()

        asyncio.run(after_restart())

    table.refresh_from_db()
    assert table.status == Table.Status.OVER
    replayed = replay(table)
    assert_state_matches(table, replayed)
    for client in clients:
        client.assert_consistent(replayed)
        assert client.over


def test_a_bots_turn_carries_on_after_a_restart(redis_url, tmp_path):
    workshop, table, _players = session_with_table(("Anna",), themes=3, start=False)
    host = facilitator()
    for level in ("smart", "easy"):
        seating.bot_add(table=table, level=level, by=host)
    play.table_start(table=table, by=host, seed=12)
    anna = Player.objects.get(workshop=workshop, name="Anna")
    client = Client(anna, seed=12)
    port = free_port()

    def bots_turn(client):
        return client.state is not None and client.state["turn"] != client.seat

    with Servers(tmp_path, redis_url) as servers:
        # Bots wait ten minutes here: whatever becomes their turn stays due.
        server = servers.start(port, BOT_DELAY_MS="600000")
        servers.ready(server)

        async def before_restart():
            await client.connect(server)
            assert (await client.receive())["type"] == "view"
            await play_all([client], GAME_TIMEOUT, until=bots_turn)

        asyncio.run(before_restart())
        server.stop()
        table.refresh_from_db()
        state = game_state(table)
        stopped_at, bot_seat = table.seq, state.turn
        assert table.status == Table.Status.PLAYING and table.bot_turn
        assert bot_seat != anna.seat

        # A fresh process with the normal bot delay: Anna's reconnect is its first
        # connection, which starts its ticker, which finds the bot's turn due.
        server = servers.start(port, BOT_DELAY_MS="0")
        servers.ready(server)

        async def after_restart():
            try:
                await client.close()
                message = await client.reconnect(server)
                assert message["type"] == "events"
                await play_all([client], GAME_TIMEOUT)
            finally:
                await client.close()

        asyncio.run(after_restart())

    table.refresh_from_db()
    assert table.status == Table.Status.OVER
    replayed = replay(table)
    assert_state_matches(table, replayed)
    client.assert_consistent(replayed)
    first_after = replayed.events[stopped_at]  # the event numbered stopped_at + 1
    assert first_after["type"] == "asked" and first_after["seat"] == bot_seat
