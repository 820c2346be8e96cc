"""A whole game through nginx, with the players' sockets on both workers.

nginx spreads new connections round robin; which worker took a socket is read from the
workers' access logs (daphne's WSCONNECT lines), and a socket that lands where all the
others are is opened again until both workers serve the table. Every player must see
every event once and in order, and the stored game must be the engine's.
"""

from __future__ import annotations

import asyncio

import pytest

from deploy.stack import Stack
from tests.live.servers import Client, assert_whole_game, play_all
from tests.stack.phones import connect_spread
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

GAME_TIMEOUT = 90.0


def test_a_game_through_nginx_on_two_workers(stack: Stack):
    _workshop, table, players = session_with_table(("Anna", "Bob", "Cees"), themes=5, seed=31)
    clients = [Client(player, seed=31) for player in players]

    async def game() -> list[int]:
        try:
            homes = await connect_spread(clients, stack)
            await play_all(clients, GAME_TIMEOUT)
            return homes
        finally:
            for client in clients:
                await client.close()

    homes = asyncio.run(game())

    assert set(homes) == {0, 1}, homes
    assert_whole_game(table, clients)
