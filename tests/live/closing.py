"""Helpers for tests that stop workers and close sockets: read a page's socket until it
is closed, check a server log is quiet, hold a table's row lock in PostgreSQL."""

from __future__ import annotations

import contextlib
import time

import psycopg
import pytest
from websockets.exceptions import ConnectionClosed

from game.models import Table
from tests.live.servers import Client, database_url


async def until_closed(client: Client, timeout: float = 10.0) -> int:
    """Read (and record) messages until the server closes the socket; its close code."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            await client.receive(timeout=max(0.1, deadline - time.monotonic()))
        except ConnectionClosed:
            return client.ws.close_code
        except TimeoutError:
            break
    pytest.fail(f"{client.name}: the socket was not closed within {timeout} s")


def assert_quiet(log: str) -> None:
    """No traceback and nothing logged at ERROR."""
    assert "Traceback" not in log, log[-3000:]
    assert " ERROR " not in log, log[-3000:]


@contextlib.contextmanager
def row_locked(table: Table):
    """Hold the table's row lock from a connection of the test's own, so that a move
    waits inside play.table_ask; yields a function counting the waiting locks."""
    with psycopg.connect(database_url()) as db:
        db.execute(f"SELECT 1 FROM {Table._meta.db_table} WHERE id = %s FOR UPDATE", (table.pk,))

        def waiting() -> int:
            return db.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0]

        try:
            yield waiting
        finally:
            db.rollback()


async def until_waiting(waiting, timeout: float = 5.0) -> None:
    import asyncio

    deadline = time.monotonic() + timeout
    while waiting() < 1:
        if time.monotonic() > deadline:
            pytest.fail("the move never waited for the table's lock")
        await asyncio.sleep(0.05)
