"""A player cookie holds at most three sockets (a newer one closes the oldest with 4009),
and an address at most WS_PER_ADDRESS (more are closed with 4029): one person opening
sockets by the hundred cannot slow the room down."""

import pytest
from channels.db import database_sync_to_async as db

from game.sockets.base import CROWDED, REPLACED
from tests.tables import player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


async def opened(player, address="10.0.0.7"):
    socket = player_socket(player)
    socket.scope["client"] = (address, 50000)
    connected, _ = await socket.connect()
    assert connected
    # The socket is accepted first and counted against its seat while it loads the view:
    # wait for the view, so that the sockets are counted in the order they were opened
    # (with Redis, a later socket's count could otherwise overtake an earlier one's).
    while (await socket.receive_json_from())["type"] != "view":
        pass
    return socket


async def answers_a_sync(socket) -> bool:
    await socket.send_json_to({"type": "sync"})
    while True:
        message = await socket.receive_json_from()
        if message["type"] == "view":
            return True


async def close_code(socket) -> int | None:
    """The code of the close the server sent, after whatever came before it."""
    while True:
        output = await socket.receive_output()
        if output["type"] == "websocket.close":
            return output.get("code")


async def test_a_fourth_socket_of_one_cookie_closes_the_oldest_with_4009():
    _, _table, players = await db(session_with_table)()
    sockets = [await opened(players[0]) for _ in range(4)]
    assert await close_code(sockets[0]) == REPLACED
    for socket in sockets[1:]:
        assert await answers_a_sync(socket)
    for socket in sockets[1:]:
        await socket.disconnect()


async def test_a_closed_socket_leaves_its_place_free():
    _, _table, players = await db(session_with_table)()
    first = await opened(players[0])
    for _ in range(5):  # a page that reloads: each socket closed before the next
        socket = await opened(players[0])
        await socket.disconnect()
    assert await answers_a_sync(first)
    await first.disconnect()


async def test_one_cookie_opening_many_sockets_does_not_shut_out_another_player():
    _, _table, players = await db(session_with_table)()
    bob = await opened(players[1])
    flood = [await opened(players[0]) for _ in range(20)]
    assert await answers_a_sync(bob)
    assert [await close_code(socket) for socket in flood[:-3]] == [REPLACED] * 17
    for socket in flood[-3:]:
        assert await answers_a_sync(socket)
        await socket.disconnect()
    await bob.disconnect()


async def test_an_address_over_its_cap_is_closed_with_4029(settings):
    settings.WS_PER_ADDRESS = 2
    _, _table, players = await db(session_with_table)()
    anna, bob = await opened(players[0]), await opened(players[1])
    cees = player_socket(players[2])
    cees.scope["client"] = ("10.0.0.7", 50001)
    await cees.connect()
    assert await close_code(cees) == CROWDED
    elsewhere = await opened(players[2], address="10.0.0.8")  # another address: its own count
    assert await answers_a_sync(elsewhere)
    await anna.disconnect()
    again = await opened(players[2])  # a place came free
    assert await answers_a_sync(again)
    for socket in (bob, elsewhere, again):
        await socket.disconnect()


async def test_with_redis_the_fourth_socket_closes_the_oldest_too(redis_url, settings):
    """The counts every server process shares (here one process; tests/realtime/
    test_connections.py has two)."""
    settings.REDIS_URL = redis_url
    _, _table, players = await db(session_with_table)()
    sockets = [await opened(players[0]) for _ in range(4)]
    assert await close_code(sockets[0]) == REPLACED
    for socket in sockets[1:]:
        assert await answers_a_sync(socket)
        await socket.disconnect()
