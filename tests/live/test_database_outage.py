"""A worker cut off from PostgreSQL for a few seconds (a TCP proxy in between is cut):
a move meanwhile gets the error code ``unavailable`` and changes nothing, the socket
stays open, /healthz says the database is down, and once the database is back the next
move works, without restarting anything."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

from game.models import ActionReceipt
from tests.live.proxy import TcpProxy, through
from tests.live.servers import (
    Client,
    Servers,
    assert_state_matches,
    database_url,
    replay,
    require_postgresql,
)
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    require_postgresql()


async def caught_up(clients: list[Client], seq: int) -> None:
    """Read what the server sent until every client has seen the events up to ``seq``
    (each wait bounded by ``Client.receive``)."""
    for client in clients:
        for _ in range(100):
            if client.seq >= seq:
                break
            await client.receive()
        assert client.seq == seq, f"{client.name} is at {client.seq}, not {seq}"


async def one_move(clients: list[Client], seq: int) -> tuple[dict, dict]:
    """Once every client has seen the table up to ``seq``, the seat on turn asks; its
    ask and the answer (ack or error)."""
    await caught_up(clients, seq)
    mover = next(c for c in clients if c.my_turn())
    ask = mover.choose()
    await mover.send(ask)
    for _ in range(100):
        message = await mover.receive()
        if message["type"] in ("ack", "error") and message.get("id") == ask["id"]:
            return ask, message
    pytest.fail("the ask was never answered")


def test_a_move_during_a_database_outage_is_refused_and_the_next_works(tmp_path):
    _workshop, table, players = session_with_table(("Anna", "Bob", "Cees"), themes=3, seed=5)
    clients = [Client(player, seed=5) for player in players]
    db = urlsplit(database_url())
    with (
        TcpProxy((db.hostname, db.port or 5432)) as proxy,
        Servers(tmp_path, "redis://unused", REDIS_URL="", LOG_LEVEL="INFO") as servers,
    ):
        server = servers.start(DATABASE_URL=through(proxy, database_url()), GAME_TICK_MS="250")
        servers.ready(server)
        answers = asyncio.run(outage(proxy, server, clients))
        log = server.log.read_text(errors="replace")

    refused = answers["refused"]
    assert refused["type"] == "error" and refused["code"] == "unavailable", refused
    assert (
        refused["message"] == "De server kan zijn database niet bereiken; probeer het zo opnieuw."
    )
    assert answers["after"]["type"] == "ack", answers["after"]
    assert answers["health"] == 503
    assert not ActionReceipt.objects.filter(action_id=refused["id"]).exists()
    assert_state_matches(table, replay(table))  # nothing half-written
    assert "ask refused: database unavailable" in log
    assert "health: database down" in log


async def outage(proxy: TcpProxy, server, clients: list[Client]) -> dict:
    """A move, then a move and /healthz with the database cut off, then (after a few
    seconds) the database back and a move again."""
    try:
        for client in clients:
            await client.connect(server)
            assert (await client.receive())["type"] == "view"
        _ask, first = await one_move(clients, max(client.seq for client in clients))
        assert first["type"] == "ack", first
        proxy.cut()
        _ask, refused = await one_move(clients, first["seq"])
        health = await asyncio.to_thread(server.get, "/healthz")
        await asyncio.sleep(2)  # the outage lasts a while
        proxy.restore()
        _ask, after = await one_move(clients, first["seq"])  # the refused move changed nothing
        await client_pings(clients)
        return {"refused": refused, "health": health, "after": after}
    finally:
        for client in clients:
            await client.close()


async def client_pings(clients: list[Client]) -> None:
    """Every socket is still open and answering after the outage."""
    for client in clients:
        await client.send({"type": "ping"})
    for client in clients:
        for _ in range(100):
            if (await client.receive())["type"] == "pong":
                break
        else:
            pytest.fail(f"{client.name}: no pong")
    assert all(client.ws.close_code is None for client in clients)


def test_the_proxy_itself_passes_queries(tmp_path):
    """The proxy forwards a session faithfully (so the test above tests the server)."""
    import psycopg

    db = urlsplit(database_url())
    with TcpProxy((db.hostname, db.port or 5432)) as proxy:
        with psycopg.connect(through(proxy, database_url())) as conn:
            assert conn.execute("SELECT 41 + 1").fetchone() == (42,)
        proxy.cut()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(through(proxy, database_url()), connect_timeout=3)
