"""A database that cannot be reached during a move: the page gets the error code
``unavailable``, nothing is half-written, the socket stays open, and the next move
works once the database is back. A socket that needs the database to open (or to
follow a seating change) is closed with 4013 so that the page comes back later."""

import weakref

import channels.consumer
import psycopg
import pytest
from channels.db import database_sync_to_async as db
from channels.layers import get_channel_layer
from django.db import OperationalError, connection

from game import engine
from game.models import ActionReceipt, TableEvent
from game.realtime import live, shutdown
from game.sockets import consumers
from game.table import move_sql
from tests.live.servers import database_url
from tests.tables import game_state, player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

DUTCH = "De server kan zijn database niet bereiken; probeer het zo opnieuw."
ENGLISH = "The server cannot reach its database; try again in a moment."


async def connect(player, **options):
    socket = player_socket(player, **options)
    assert (await socket.connect())[0]
    await socket.receive_json_from()
    return socket


def fail_once(monkeypatch, target, name, error):
    """Make ``target.name`` raise ``error`` on its next call only."""
    real = getattr(target, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)
    return calls


@pytest.mark.parametrize(
    ("error", "language", "message"),
    [
        (OperationalError("server closed the connection unexpectedly"), None, DUTCH),
        (psycopg.OperationalError("connection failed"), "en", ENGLISH),
    ],
)
async def test_a_move_that_cannot_reach_the_database_changes_nothing(
    monkeypatch, error, language, message
):
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    ask = engine.legal_actions(state, state.turn)[0]
    socket = await connect(players[ask.seat], language=language)
    before = table.seq
    # The table row is already updated when storing the events fails: all rolls back.
    calls = fail_once(monkeypatch, move_sql, "insert", error)  # the events' INSERT
    move = {"type": "ask", "id": "a1", "target": ask.target, "card": ask.card}
    await socket.send_json_to(move)
    assert await socket.receive_json_from() == {
        "type": "error",
        "code": "unavailable",
        "message": message,
        "id": "a1",
    }
    assert calls == [1]
    await db(table.refresh_from_db)()
    assert table.seq == before
    assert await db(TableEvent.objects.filter(table=table).count)() == table.seq
    assert not await db(ActionReceipt.objects.exists)()
    # The socket is still open and the same move now works.
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.send_json_to({**move, "id": "a2"})
    ack = await socket.receive_json_from()
    assert ack["type"] == "ack" and ack["id"] == "a2" and not ack["duplicate"]
    await socket.disconnect()


async def test_a_socket_that_cannot_load_its_player_is_closed_with_4013(monkeypatch):
    _, _table, players = await db(session_with_table)()

    async def unreachable(token):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(consumers, "load_player", unreachable)
    socket = player_socket(players[0])
    assert (await socket.connect())[0]
    error = await socket.receive_json_from()
    assert error["code"] == "unavailable" and error["message"] == DUTCH
    output = await socket.receive_output()
    assert output == {"type": "websocket.close", "code": 4013}


async def test_a_seating_change_without_the_database_closes_with_4013(monkeypatch):
    workshop, _table, players = await db(session_with_table)()
    socket = await connect(players[0])

    async def unreachable(player_id):
        raise OperationalError("the connection was lost")

    monkeypatch.setattr(consumers, "current_table_id", unreachable)
    await get_channel_layer().group_send(
        live.seating_group(workshop.pk), {"type": "seating.changed"}
    )
    assert (await socket.receive_json_from())["code"] == "unavailable"
    assert (await socket.receive_output())["code"] == 4013


async def test_a_lost_persistent_connection_is_replaced_after_one_refusal():
    """CONN_MAX_AGE=None: the sockets' thread keeps one connection. When the database
    drops it, one move is refused and the connection discarded; the next one works."""
    if connection.vendor != "postgresql":
        pytest.skip("terminates a PostgreSQL backend: the PostgreSQL run covers it")
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    ask = engine.legal_actions(state, state.turn)[0]
    socket = await connect(players[ask.seat])
    backend = await db(_backend_pid)()  # the connection the sockets' thread keeps
    await db(_terminate)(backend)
    move = {"type": "ask", "id": "b1", "target": ask.target, "card": ask.card}
    await socket.send_json_to(move)
    assert (await socket.receive_json_from())["code"] == "unavailable"
    await socket.send_json_to({**move, "id": "b2"})
    ack = await socket.receive_json_from()
    assert ack["type"] == "ack" and ack["id"] == "b2"
    assert await db(_backend_pid)() != backend
    await socket.disconnect()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(pid: int) -> None:
    """From a connection of its own (not the one being cut)."""
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))


async def test_a_page_leaving_while_the_database_is_down_ends_its_consumer(monkeypatch):
    _, _table, players = await db(session_with_table)()
    monkeypatch.setattr(shutdown, "live_sockets", weakref.WeakSet())
    socket = await connect(players[0])
    assert len(shutdown.live_sockets) == 1

    async def unreachable():
        raise OperationalError("the connection was lost")

    # Channels closes old connections before every handler, the disconnect's too.
    monkeypatch.setattr(channels.consumer, "aclose_old_connections", unreachable)
    await socket.send_input({"type": "websocket.disconnect", "code": 1001})
    await socket.wait()  # ended: it does not linger until daphne kills it
    assert not shutdown.live_sockets
