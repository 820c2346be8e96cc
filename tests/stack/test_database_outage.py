"""PostgreSQL unreachable for 10 s under the real stack (nginx, two workers): the
workers reach the database through a loopback TCP proxy that the test cuts. Moves
meanwhile are refused with ``unavailable`` and change nothing; nothing is half-written;
once the database is back the game plays on to the end on the same sockets or, where
a socket was closed, after the phone came back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from deploy.stack import Stack
from tests.live.proxy import TcpProxy, through
from tests.stack.conftest import require_stack, stack_database_url, started_stack
from tests.stack.phones import connect_spread, play_for, play_through
from tests.stack.test_faults import (
    BEFORE_FAULT,
    GAME_TIMEOUT,
    assert_survived,
    game_over,
    some_moves,
    table_of_phones,
)

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE_SECONDS = 10


@pytest.fixture(scope="module")
def database_proxy(django_db_setup) -> Iterator[TcpProxy]:
    require_stack()
    from django.db import connection

    db = connection.settings_dict
    address = (db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432))
    with TcpProxy(address) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def stack(database_proxy, redis_server, tmp_path_factory) -> Iterator[Stack]:
    """The module's own stack, whose workers reach PostgreSQL through the proxy."""
    url = through(database_proxy, stack_database_url())
    with started_stack(url, redis_server.url, {}, tmp_path_factory.mktemp("stack")) as started:
        yield started


def test_the_database_gone_for_ten_seconds(stack: Stack, database_proxy: TcpProxy):
    table, phones = table_of_phones(seed=53)

    async def game() -> None:
        try:
            await connect_spread(phones, stack)
            await play_through(phones, stack, some_moves(phones), GAME_TIMEOUT)
            database_proxy.cut()
            await play_for(phones, stack, OUTAGE_SECONDS / 2)
            assert not await asyncio.to_thread(stack.healthy), "/healthz should say so"
            await play_for(phones, stack, OUTAGE_SECONDS / 2)
            database_proxy.restore()
            await play_through(phones, stack, game_over(phones), GAME_TIMEOUT)
        finally:
            database_proxy.restore()
            for phone in phones:
                await phone.close()

    asyncio.run(game())
    assert_survived(table, phones)
    codes = {error["code"] for phone in phones for error in phone.errors}
    assert "unavailable" in codes, f"no move was refused during the outage: {codes}"
    assert codes <= {"unavailable", "conflict", "rate_limited"}, codes
    assert sum(len(p.acked) for p in phones) > BEFORE_FAULT
