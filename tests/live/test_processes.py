"""Two real daphne processes sharing PostgreSQL and Redis, as in a deployment.

Players of one table talk to different processes; every one of them must see every
event of the table once and in order, and only ever their own hand. Bots need no
browser: the tickers in both processes play a bot-only table to its end, and the
table's row lock lets only one of them move per state.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from game.models import Player, Table
from game.room import seating, sessions
from game.table import play
from tests.factories import facilitator, playable_deck
from tests.live.servers import (
    Client,
    Servers,
    assert_state_matches,
    assert_whole_game,
    play_all,
    replay,
    require_postgresql,
)
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

GAME_TIMEOUT = 60.0


@pytest.fixture(autouse=True)
def _postgresql_only():
    require_postgresql()


def test_players_on_two_processes_see_every_event_once(redis_url, tmp_path):
    _workshop, table, players = session_with_table(("Anna", "Bob", "Cees"), themes=5, seed=21)
    with Servers(tmp_path, redis_url) as servers:
        first, second = servers.start(), servers.start()
        servers.ready(first, second)
        clients = [Client(player, seed=21) for player in players]
        homes = [first, second, first]

        async def game():
            try:
                for client, server in zip(clients, homes, strict=True):
                    await client.connect(server)
                    view = await client.receive()
                    assert view["type"] == "view"
                    assert view["you"]["seat"] == client.seat
                await play_all(clients, GAME_TIMEOUT)
            finally:
                for client in clients:
                    await client.close()

        asyncio.run(game())

    assert_whole_game(table, clients)


def test_a_table_of_bots_plays_to_the_end_without_a_browser(redis_url, tmp_path):
    host = facilitator()
    workshop = sessions.workshop_create(
        facilitator=host, name="Bots only", deck=playable_deck(themes=3)
    )
    table = seating.table_add(workshop=workshop, by=host)
    for level in ("smart", "easy", "smart"):
        seating.bot_add(table=table, level=level, by=host)
    play.table_start(table=table, by=host, seed=8)
    table.refresh_from_db()
    assert table.status == Table.Status.PLAYING
    assert Player.objects.filter(table=table, bot_level="").count() == 0

    with Servers(tmp_path, redis_url) as servers:
        first, second = servers.start(), servers.start()
        servers.ready(first, second)
        # Daphne has no start-up hook: the first request starts each process's ticker
        # (any request: /play/ without a cookie redirects to /join/). Both tickers then
        # go for the same table at once.
        for server in (first, second):
            assert server.get("/play/") == 302
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            table.refresh_from_db()
            if table.status == Table.Status.OVER:
                break
            time.sleep(0.1)
        else:
            pytest.fail(
                f"the bots did not finish in 30 s (seq {table.seq})\n"
                f"{first.output()}\n{second.output()}"
            )

    replayed = replay(table)
    assert_state_matches(table, replayed)
    assert replayed.events[-1]["type"] == "game_over"
    assert not table.bot_turn
