"""The channel layer (Redis) that cannot be reached: a move still applies and is
acknowledged (only its push is lost, with one warning line; pages catch up by
sequence number), and a socket that cannot join its groups closes with 4013."""

import logging

import pytest
from channels.db import database_sync_to_async as db
from channels.layers import get_channel_layer
from redis.exceptions import ConnectionError as RedisConnectionError

from game import engine
from game.models import TableEvent
from game.realtime import live
from tests.tables import game_state, player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


def unreachable_layer(monkeypatch):
    layer = get_channel_layer()

    async def down(*args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(layer, "group_send", down)
    monkeypatch.setattr(layer, "group_add", down)


async def test_a_socket_that_cannot_join_its_groups_closes_with_4013(monkeypatch, caplog):
    _, _table, players = await db(session_with_table)()
    unreachable_layer(monkeypatch)
    socket = player_socket(players[0])
    with caplog.at_level(logging.WARNING, logger="game.sockets.base"):
        assert (await socket.connect())[0]
        assert await socket.receive_output() == {"type": "websocket.close", "code": 4013}
    assert "channel layer unavailable" in caplog.text


async def test_a_move_is_acknowledged_when_its_push_is_lost(monkeypatch, caplog):
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    ask = engine.legal_actions(state, state.turn)[0]
    socket = player_socket(players[ask.seat])
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # the view
    unreachable_layer(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="game.realtime.live"):
        await socket.send_json_to(
            {"type": "ask", "id": "m1", "target": ask.target, "card": ask.card}
        )
        ack = await socket.receive_json_from()
    assert ack["type"] == "ack" and ack["id"] == "m1"
    stored = await db(lambda: TableEvent.objects.filter(table=table).count())()
    assert ack["seq"] == stored
    assert f"push to {live.table_group(table.pk)} lost" in caplog.text
    await socket.disconnect()


async def test_the_ticker_logs_a_database_outage_once_and_its_end(monkeypatch, settings, caplog):
    import asyncio

    from django.db import OperationalError

    from game.table import ticker

    settings.GAME_TICK_SECONDS = 0
    calls = []

    async def tick_apart(seen=()):
        calls.append(1)
        if len(calls) <= 4:
            raise OperationalError("could not connect to server")
        if len(calls) == 6:
            raise asyncio.CancelledError  # ends the clock for the test
        return 0

    monkeypatch.setattr(ticker, "tick_apart", tick_apart)
    with (
        caplog.at_level(logging.INFO, logger="game.table.ticker"),
        pytest.raises(asyncio.CancelledError),
    ):
        await ticker.run_forever()
    lines = [r.getMessage() for r in caplog.records if r.name == "game.table.ticker"]
    assert lines == [
        "game ticker paused: database unavailable: OperationalError: could not connect to server",
        "game ticker resumed",
    ]
