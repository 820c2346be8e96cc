"""A stopping process (game.realtime.shutdown.drain) closes every socket with 4012, a socket in
the middle of a move right after the move's answer; a socket opened while it stops is
closed at once; and nothing is sent on a socket after its close."""

import asyncio
import threading
import weakref

import pytest
from channels.db import database_sync_to_async as db
from django.contrib.auth import get_user_model

from game import engine
from game.realtime import shutdown
from game.table import play
from tests.tables import WAIT, Socket, game_state, host_socket, player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def running(monkeypatch):
    """Each test starts with a process that is not stopping and has no sockets open
    (other tests' sockets may linger), and leaves it as it was."""
    monkeypatch.setattr(shutdown, "stopping", False)
    monkeypatch.setattr(shutdown, "live_sockets", weakref.WeakSet())


async def connect(socket: Socket) -> Socket:
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # the view, or the dashboard's hello
    return socket


async def closed_with(socket: Socket) -> int:
    output = await socket.receive_output()
    assert output["type"] == "websocket.close", output
    return output["code"]


async def until_live_sockets(test, timeout: float = WAIT) -> None:
    for _ in range(int(timeout / 0.01)):
        if test():
            return
        await asyncio.sleep(0.01)
    pytest.fail("the sockets never got there")


async def test_a_stopping_process_tells_players_and_the_dashboard_to_reconnect():
    workshop, _table, players = await db(session_with_table)()
    host = await db(get_user_model().objects.get)(pk=workshop.facilitator_id)
    dashboard = host_socket(workshop.code, host)
    sockets = [await connect(player_socket(p)) for p in players] + [await connect(dashboard)]
    draining = asyncio.ensure_future(shutdown.drain(grace=5))
    for socket in sockets:
        assert await closed_with(socket) == 4012
    for socket in sockets:
        await socket.disconnect()
    assert await asyncio.wait_for(draining, WAIT) == 4
    assert not shutdown.live_sockets


async def test_a_move_in_progress_is_answered_before_the_close(monkeypatch):
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    ask = engine.legal_actions(state, state.turn)[0]
    release = threading.Event()
    real_ask = play.table_ask

    def slow_ask(**kwargs):
        assert release.wait(timeout=3 * WAIT), "the test never released the move"
        return real_ask(**kwargs)

    monkeypatch.setattr(play, "table_ask", slow_ask)
    mover = await connect(player_socket(players[ask.seat]))
    idle = await connect(player_socket(players[ask.target]))
    await mover.send_json_to({"type": "ask", "id": "m1", "target": ask.target, "card": ask.card})
    await until_live_sockets(lambda: any(s.busy for s in shutdown.live_sockets))
    draining = asyncio.ensure_future(shutdown.drain(grace=5))
    assert await closed_with(idle) == 4012
    # The drain closed the idle socket and waits for the mover's: still working on it.
    assert mover.output_queue.empty()
    assert sum(s.busy for s in shutdown.live_sockets) == 1
    release.set()
    ack = await mover.receive_json_from()
    assert ack["type"] == "ack" and ack["id"] == "m1" and not ack["duplicate"]
    assert ack["seq"] > table.seq
    assert await closed_with(mover) == 4012
    for socket in (mover, idle):
        await socket.disconnect()  # returns when the socket's consumer has ended
    assert mover.output_queue.empty()  # the move's events: not after the close
    assert await asyncio.wait_for(draining, WAIT) == 2
    await db(table.refresh_from_db)()
    assert table.seq == ack["seq"]  # applied, once


async def test_a_socket_opened_while_stopping_is_closed_at_once(monkeypatch):
    _, _table, players = await db(session_with_table)()
    monkeypatch.setattr(shutdown, "stopping", True)
    socket = player_socket(players[0])
    assert (await socket.connect())[0]
    assert await closed_with(socket) == 4012  # no view first
    assert not shutdown.live_sockets


async def test_nothing_is_sent_after_the_socket_was_closed():
    """After the 50th refused message the socket closes with 4008; the rest of the
    burst gets no replies on the closed socket."""
    _, _table, players = await db(session_with_table)()
    socket = await connect(player_socket(players[0]))
    for _ in range(60):
        await socket.send_to(text_data="{not json")
    for _ in range(50):
        assert (await socket.receive_json_from())["code"] in ("bad_json", "rate_limited")
    assert await closed_with(socket) == 4008
    await socket.disconnect()  # returns when the socket's consumer has ended
    assert socket.output_queue.empty()
