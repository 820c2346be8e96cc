"""Two workers share PostgreSQL and Redis, as behind the proxy. One is stopped with
SIGTERM while a move of one of its players waits for the table's row lock: the move is
answered, its players and the dashboard are told to reconnect (4012), it exits once they
are gone (within its grace time), and the players carry on at the other worker from where
they were, seeing every event once. A move stuck past the grace time does not keep a
worker alive.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from game.realtime.shutdown import FORCE_EXIT_AFTER
from tests.live.closing import assert_quiet, row_locked, until_closed, until_waiting
from tests.live.servers import (
    HOST,
    Client,
    Server,
    Servers,
    assert_state_matches,
    play_all,
    replay,
    require_postgresql,
)
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

GRACE = 10
HANG = GRACE + FORCE_EXIT_AFTER + 10  # seconds: a worker still there then hangs
GAME_TIMEOUT = 60.0


@pytest.fixture(autouse=True)
def _postgresql_only():
    require_postgresql()


def facilitator_cookie(workshop) -> str:
    """The session cookie of the logged-in facilitator (the session is in the database)."""
    http = HttpClient()
    http.force_login(workshop.facilitator)
    return f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"


async def open_dashboard(server: Server, code: str, cookie: str):
    dashboard = await connect(
        f"ws://{HOST}:{server.port}/ws/host/{code}/",
        origin=server.origin,
        additional_headers={"Cookie": cookie},
        proxy=None,
        open_timeout=10,
    )
    assert json.loads(await asyncio.wait_for(dashboard.recv(), 10))["type"] == "hello"
    return dashboard


async def dashboard_close_code(dashboard) -> int:
    try:
        for _ in range(1000):
            await asyncio.wait_for(dashboard.recv(), 10)
    except ConnectionClosed:
        return dashboard.close_code
    pytest.fail("the dashboard was not closed")


def test_a_stopping_worker_hands_its_pages_to_the_other(redis_url, tmp_path):
    workshop, table, players = session_with_table(("Anna", "Bob", "Cees"), themes=3, seed=9)
    turn = game_state(table).turn
    clients = [Client(player, seed=9) for player in sorted(players, key=lambda p: p.seat != turn)]
    cookie = facilitator_cookie(workshop)
    with Servers(tmp_path, redis_url, LOG_LEVEL="INFO", SHUTDOWN_GRACE_SECONDS=str(GRACE)) as all_:
        stopping, staying = all_.start(), all_.start()
        all_.ready(stopping, staying)
        proc = stopping.proc
        took = asyncio.run(hand_over(table, workshop.code, clients, stopping, staying, cookie))
        log = stopping.output(whole=True)

    # The worker's own account: it exited because its sockets were gone, not at the
    # end of its grace. The clock only guards against a hang.
    assert "drained in" in log and "grace of" not in log, log[-3000:]
    assert took < HANG and proc.returncode == 0, (took, proc.returncode)
    assert_quiet(log)
    assert "told 3 socket(s) to reconnect" in log
    replayed = replay(table)
    assert_state_matches(table, replayed)
    for client in clients:
        client.assert_consistent(replayed)
        assert client.over


async def hand_over(table, code, clients, stopping, staying, cookie) -> float:
    """The mover (first) and the next player on the stopping worker, the third on the
    staying one; the stopping worker is signalled during the mover's move. Afterwards
    its players reconnect to the staying worker (as the proxy would send them) and
    everyone plays to the end. Returns how long the stopping worker took to exit."""
    proc = stopping.proc
    try:
        for client, server in zip(clients, (stopping, stopping, staying), strict=True):
            await client.connect(server)
            assert (await client.receive())["type"] == "view"
        dashboard = await open_dashboard(stopping, code, cookie)
        signalled = await signal_during_a_move(table, proc, clients[0], [clients[1]], dashboard)
        await asyncio.to_thread(proc.wait, HANG)
        took = time.monotonic() - signalled
        for client in clients[:2]:
            await client.close()
            assert (await client.reconnect(staying))["type"] == "events"
        await play_all(clients, GAME_TIMEOUT)
        return took
    finally:
        for client in clients:
            await client.close()


async def signal_during_a_move(table, proc, mover: Client, idle: list[Client], dashboard):
    """SIGTERM while the mover's ask waits for the table's row lock; the idle pages and
    the dashboard are told to reconnect at once, the mover after its answer."""
    ask = mover.choose()
    with row_locked(table) as waiting:
        await mover.send(ask)
        await until_waiting(waiting)
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        for client in idle:
            assert await until_closed(client) == 4012
        assert await dashboard_close_code(dashboard) == 4012
        # Meanwhile the mover hears nothing (no answer, no close) and the worker stays.
        with pytest.raises(TimeoutError):
            await mover.receive(timeout=0.3)
        assert proc.poll() is None, "the worker exited with a move in progress"
    assert await until_closed(mover, timeout=GRACE) == 4012
    assert [m["id"] for m in mover.messages if m["type"] == "ack"] == [ask["id"]]
    return signalled


def test_a_move_stuck_past_the_grace_does_not_keep_the_worker(tmp_path):
    _workshop, table, players = session_with_table(("Anna", "Bob"), themes=3, seed=3)
    mover = Client(next(p for p in players if p.seat == game_state(table).turn), seed=3)
    grace = 1
    hang = grace + FORCE_EXIT_AFTER + 10
    # One worker with the in-memory layer: no Redis needed here.
    with Servers(tmp_path, "redis://unused", REDIS_URL="", LOG_LEVEL="INFO") as servers:
        server = servers.start(SHUTDOWN_GRACE_SECONDS=str(grace))
        servers.ready(server)
        proc = server.proc

        async def stuck() -> float:
            await mover.connect(server)
            await mover.receive()
            with row_locked(table) as waiting:
                await mover.send(mover.choose())
                await until_waiting(waiting)
                signalled = time.monotonic()
                proc.send_signal(signal.SIGTERM)
                await asyncio.to_thread(proc.wait, hang)
            await mover.close()
            return signalled

        took = time.monotonic() - asyncio.run(stuck())
        log = server.output(whole=True)

    # The worker's own account: its grace ran out with the move's socket still open,
    # and it went although the move's thread still waited for the lock. The clock only
    # guards against a hang.
    assert f"grace of {grace} s over with 1 socket(s)" in log
    assert f"a thread still ran {FORCE_EXIT_AFTER} s after stopping" in log
    assert proc.returncode == 1  # forced: the database call was still waiting
    assert took < hang, took
    seq = table.seq
    table.refresh_from_db()
    assert table.seq == seq  # the stuck move rolled back with the process
