"""A worker stopped with SIGTERM answers the move in progress, tells every page to
reconnect (close code 4012) and exits once they are gone, within its grace time; the
pages catch up from the next worker by sequence number. And a socket closed with
replies still queued leaves no traceback in the log.

One daphne process on a shared SQLite file (tests.live.sqlite_world): no PostgreSQL or
Redis needed. tests/live/test_shutdown_workers.py does the same across two processes.
"""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from game.realtime.shutdown import FORCE_EXIT_AFTER
from tests.live.closing import assert_quiet, until_closed
from tests.live.servers import Client, free_port
from tests.live.sqlite_world import World, require_sqlite_run, seed

GRACE = 10  # SHUTDOWN_GRACE_SECONDS of the servers here
HANG = GRACE + FORCE_EXIT_AFTER + 10  # seconds: a worker still there then hangs
GAME_TIMEOUT = 60.0


@pytest.fixture(autouse=True)
def _sqlite_run():
    require_sqlite_run()


def test_sigterm_answers_the_move_in_flight_then_closes_with_4012(tmp_path):
    world = seed(tmp_path / "db.sqlite3")
    clients = [Client(player, seed=7) for player in world.players]
    port = free_port()
    server = world.server(tmp_path, port, SHUTDOWN_GRACE_SECONDS=str(GRACE)).start()
    proc = server.proc
    try:
        server.wait_ready()
        signalled = asyncio.run(_stop_during_a_move(world, server, clients))
        proc.wait(timeout=HANG)
        took = time.monotonic() - signalled
    finally:
        server.stop()
    log = server.output(whole=True)
    # The worker's own account: it exited because its sockets were gone, not at the
    # end of its grace. The clock only guards against a hang.
    assert "drained in" in log and "grace of" not in log, log
    assert took < HANG, f"the worker took {took:.1f} s to exit"
    assert proc.returncode == 0
    assert_quiet(log)
    assert "told 3 socket(s) to reconnect" in log

    # A new worker: the pages reconnect with ?since= and get exactly what they missed.
    restarted = world.server(tmp_path, port).start()
    try:
        restarted.wait_ready()
        asyncio.run(_catch_up_and_finish(restarted, clients))
    finally:
        restarted.stop()
    stored = world.events()
    for client in clients:
        assert not client.problems, client.problems
        assert client.events == stored, f"{client.name} saw other events than stored"
        assert client.over
    assert sum(1 for e in stored if e["type"] == "asked") == sum(c.acks for c in clients)


async def _stop_during_a_move(world: World, server, clients: list[Client]) -> float:
    for client in clients:
        await client.connect(server)
        assert (await client.receive())["type"] == "view"
    mover = next(c for c in clients if c.my_turn())
    others = [c for c in clients if c is not mover]
    ask = mover.choose()
    with world.write_lock():
        await mover.send(ask)
        # The worker says it is answering a message: the move, waiting for the lock.
        await asyncio.to_thread(
            server.until_health, lambda health: health["busy"] == 1, "the move in progress"
        )
        signalled = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        for client in others:  # idle pages are told at once
            assert await until_closed(client) == 4012
        # Meanwhile the mover hears nothing (no answer, no close) and the worker stays.
        with pytest.raises(TimeoutError):
            await mover.receive(timeout=0.3)
        assert server.proc.poll() is None, "the worker exited with a move in progress"
    # The lock is released: the move completes, its answer first, then the close.
    assert await until_closed(mover, timeout=GRACE) == 4012
    acks = [m for m in mover.messages if m["type"] == "ack"]
    assert [a["id"] for a in acks] == [ask["id"]] and not acks[0]["duplicate"]
    return signalled


async def _catch_up_and_finish(server, clients: list[Client]) -> None:
    try:
        for client in clients:
            seen = client.seq
            await client.close()
            message = await client.reconnect(server)
            assert message["type"] == "events", message["type"]
            assert message["events"] and message["events"][0]["seq"] == seen + 1
        await asyncio.wait_for(asyncio.gather(*(client.play() for client in clients)), GAME_TIMEOUT)
    finally:
        for client in clients:
            await client.close()


def test_a_socket_closed_with_replies_queued_leaves_no_traceback(tmp_path):
    """Daphne used to log "Exception inside application: Attempt to send on a closed
    protocol" when a consumer sent after its socket had closed."""
    world = seed(tmp_path / "db.sqlite3")
    server = world.server(tmp_path, free_port()).start()
    try:
        server.wait_ready()
        asyncio.run(_close_with_replies_queued(server, world))
        server.stop()
        log = server.output(whole=True)
    finally:
        server.stop()
    assert "websocket closed (4008)" in log
    assert "closed protocol" not in log
    assert_quiet(log)


async def _close_with_replies_queued(server, world: World) -> None:
    # 1. We close: after 50 refused messages the server closes with 4008 while the
    #    rest of the burst still waits for its error replies.
    flooder = Client(world.players[0])
    await flooder.connect(server)
    await flooder.receive()
    for _ in range(80):
        await flooder.ws.send("not json")
    assert await until_closed(flooder) == 4008
    # 2. The page closes: a move's answer and a view are on their way when it goes.
    for client in (Client(player) for player in world.players):
        await client.connect(server)
        await client.receive()
        if client.my_turn():
            await client.send(client.choose())
        await client.send({"type": "sync"})
        await client.close()
    # A socket's messages are handled in order: once the worker has no socket left,
    # it has tried to answer every message sent before the close.
    await asyncio.to_thread(
        server.until_health, lambda health: health["sockets"] == 0, "every socket gone"
    )


def test_the_worker_logs_one_line_at_start_and_at_stop(tmp_path):
    world = seed(tmp_path / "db.sqlite3")
    server = world.server(tmp_path, free_port(), WORKER_ID="worker-a").start()
    try:
        server.wait_ready()
        server.wait_logged("worker worker-a started")  # and its SIGTERM handler is set
        server.stop()
        log = server.output(whole=True)
    finally:
        server.stop()
    starts = [
        line
        for line in log.splitlines()
        if "game.realtime.shutdown: worker worker-a started" in line
    ]
    assert len(starts) == 1, log
    assert (
        "database sqlite, channel layer InMemoryChannelLayer, graceful stop on SIGTERM"
        in (starts[0])
    )
    assert "worker worker-a stopping" in log and "worker worker-a drained" in log
