"""/healthz: 200 when the database and the channel layer answer, 503 with what is down
otherwise or while the worker stops; never slow, never cached, never redirected; the
worker's open and busy sockets counted."""

import asyncio
import threading
import time
import weakref

import pytest
from channels.db import database_sync_to_async as db
from django.db import OperationalError
from django.test import AsyncClient

from game import engine
from game.realtime import health, shutdown
from game.table import play
from tests.processes import free_port
from tests.tables import game_state, player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


HANG = 30.0  # seconds: a check that hangs, hangs this long (a broken timeout fails)


@pytest.fixture(autouse=True)
def running(monkeypatch):
    """Not stopping, no socket open (other tests' sockets may linger), nothing logged."""
    monkeypatch.setattr(shutdown, "stopping", False)
    monkeypatch.setattr(shutdown, "live_sockets", weakref.WeakSet())
    monkeypatch.setattr(health, "_last", {})


async def healthz():
    started = time.monotonic()
    response = await asyncio.wait_for(AsyncClient().get("/healthz"), HANG)
    return response, time.monotonic() - started


class SilentLayer:
    """A channel layer that takes messages and never delivers them."""

    async def new_channel(self, prefix="specific."):
        return f"{prefix}silent"

    async def send(self, channel, message):
        pass

    async def receive(self, channel):
        await asyncio.Event().wait()


class BrokenLayer(SilentLayer):
    async def send(self, channel, message):
        raise ConnectionError("Connection refused")


async def test_a_healthy_worker_says_so(settings):
    settings.WORKER_ID = "worker-7"
    response, _took = await healthz()
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "worker": "worker-7",
        "database": "ok",
        "channel_layer": "ok",
        "sockets": 0,
        "busy": 0,
    }
    assert response["Cache-Control"] == "no-store"


async def test_a_database_that_fails_is_reported_without_its_message(monkeypatch, caplog):
    def refused():
        raise OperationalError('connection to server at "db.internal" failed: refused')

    monkeypatch.setattr(health, "select_one", refused)
    response, _took = await healthz()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == "down: OperationalError"
    assert body["channel_layer"] == "ok"
    assert "db.internal" not in response.content.decode()  # only in the server's log
    assert "db.internal" in caplog.text


async def test_a_database_that_hangs_is_reported_in_time(monkeypatch):
    monkeypatch.setattr(health, "DATABASE_TIMEOUT", 0.2)
    release = threading.Event()
    monkeypatch.setattr(health, "select_one", lambda: release.wait(HANG))
    try:
        response, took = await healthz()
        again, took_again = await healthz()  # shares the check still running
        assert not health._database_check.done()  # both answered while it still hangs
    finally:
        release.set()
        await asyncio.wrap_future(health._database_check)
    assert response.status_code == 503
    assert response.json()["database"] == "down: no answer within 0.2 s"
    assert again.json()["database"] == "down: no answer within 0.2 s"
    assert took < HANG / 3 and took_again < HANG / 3


@pytest.mark.parametrize(
    ("layer", "status"),
    [(SilentLayer(), "down: no answer within 0.2 s"), (BrokenLayer(), "down: ConnectionError")],
)
async def test_a_channel_layer_that_fails_is_reported_in_time(monkeypatch, layer, status):
    monkeypatch.setattr(health, "CHANNEL_LAYER_TIMEOUT", 0.2)
    monkeypatch.setattr(health, "get_channel_layer", lambda: layer)
    response, took = await healthz()
    assert response.status_code == 503
    assert response.json()["channel_layer"] == status
    assert response.json()["database"] == "ok"
    assert took < HANG / 3  # the silent layer never answers: only the timeout ends the wait


def pubsub_layer(url: str) -> dict:
    return {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                        "CONFIG": {"hosts": [url]}}}  # fmt: skip


async def test_the_round_trip_goes_through_redis_and_leaves_no_channel(settings, redis_url):
    from channels.layers import get_channel_layer

    settings.CHANNEL_LAYERS = pubsub_layer(redis_url)
    layer = get_channel_layer()
    try:
        for _ in range(3):
            response, _took = await healthz()
            assert response.status_code == 200, response.json()
        loop_layer = layer._get_layer()  # the layer of this event loop
        assert not loop_layer.channels
        assert all(not shard._subscribed_to for shard in loop_layer._shards)
    finally:
        await layer.flush()


async def test_an_unreachable_redis_is_reported_in_time(settings):
    from channels.layers import get_channel_layer

    settings.CHANNEL_LAYERS = pubsub_layer(f"redis://127.0.0.1:{free_port()}/0")
    try:
        response, took = await healthz()
    finally:
        await get_channel_layer().flush()
    assert response.status_code == 503
    assert response.json()["channel_layer"].startswith("down: ")
    assert response.json()["database"] == "ok"
    assert took < HANG / 3


async def test_a_stopping_worker_asks_not_to_be_sent_work(monkeypatch, settings):
    settings.WORKER_ID = "worker-7"
    monkeypatch.setattr(shutdown, "stopping", True)
    response, _took = await healthz()
    assert response.status_code == 503
    assert response.json() == {"status": "stopping", "worker": "worker-7", "sockets": 0, "busy": 0}
    assert response["Cache-Control"] == "no-store"


async def test_open_sockets_and_those_answering_a_move_are_counted(monkeypatch):
    """Counted in this process (in-process, a request would wait for the database thread
    that the move holds; under daphne each request has its own: tests/live)."""
    _workshop, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    ask = engine.legal_actions(state, state.turn)[0]
    release = threading.Event()
    real_ask = play.table_ask

    def slow_ask(**kwargs):
        assert release.wait(HANG), "the test never released the move"
        return real_ask(**kwargs)

    monkeypatch.setattr(play, "table_ask", slow_ask)
    sockets = [player_socket(player) for player in players]
    for socket in sockets:
        assert (await socket.connect())[0]
        await socket.receive_json_from()  # the view
    body = (await healthz())[0].json()
    assert (body["sockets"], body["busy"]) == (3, 0)
    mover = sockets[ask.seat]
    try:
        await mover.send_json_to(
            {"type": "ask", "id": "m1", "target": ask.target, "card": ask.card}
        )
        assert await counted(until=lambda counts: counts["busy"]) == {"sockets": 3, "busy": 1}
    finally:
        release.set()
    assert (await mover.receive_json_from())["type"] == "ack"
    assert await counted(until=lambda counts: not counts["busy"]) == {"sockets": 3, "busy": 0}
    for socket in sockets:
        await socket.disconnect()
    body = (await healthz())[0].json()
    assert (body["sockets"], body["busy"]) == (0, 0)


async def counted(until) -> dict[str, int]:
    """``health.socket_counts()``, read until ``until(counts)`` or ``HANG`` seconds."""
    deadline = time.monotonic() + HANG
    while not until(counts := health.socket_counts()) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return counts


async def test_plain_http_is_answered_not_redirected(settings):
    settings.SECURE_SSL_REDIRECT = True
    response, _took = await healthz()
    assert response.status_code == 200
    assert (await AsyncClient().get("/join/")).status_code == 301


async def test_only_get_and_head():
    assert (await AsyncClient().post("/healthz")).status_code == 405
    assert (await AsyncClient().head("/healthz")).status_code == 200
