"""Helpers of the tests that run the real stack (deploy/stack.py): the tools it needs, a
redis-server of the test's own, a PostgreSQL database of its own, and which worker
served which socket (read from the workers' access logs).

Shared by tests/stack and by the browser test that plays through the stack.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from deploy.processes import NGINX_MISSING, StackError, find_nginx, spawn, terminate
from deploy.stack import Stack
from tests import services
from tests.processes import free_port, listens

HOST = "127.0.0.1"
REDIS_MISSING = "redis-server is not installed: sudo apt-get install redis-server"
START_TIMEOUT = 10.0


def missing_tool() -> str | None:
    """Why the stack cannot run on this machine, or None."""
    if find_nginx() is None:
        return NGINX_MISSING
    if shutil.which("redis-server") is None:
        return REDIS_MISSING
    return None


def require(reason: str | None) -> None:
    """Skip with the reason; fail instead where services are required (REQUIRE_SERVICES=1)."""
    if reason:
        if services.required():
            pytest.fail(f"the stack is required here, but {reason}", pytrace=False)
        pytest.skip(reason)


class RedisServer:
    """A redis-server of the test's own on a free loopback port, keeping nothing on disk,
    so a test can stop and restart it (on the same port) without touching the machine's
    Redis."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port(HOST)
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> RedisServer:
        command = ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
                   "--appendonly", "no", "--dir", str(self.folder)]  # fmt: skip
        self.process = spawn(command, env={"PATH": "/usr/bin:/bin"}, log=self.folder / "redis.log")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if listens(self.process, HOST, self.port) and self.ping():
                return self
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not start:\n{(self.folder / 'redis.log').read_text()}")

    def ping(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        process, self.process = self.process, None
        terminate([process] if process else [], timeout=10)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --- a database of its own (the browser test's stack) -------------------------------------------


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))


def fresh_database(name: str) -> str:
    """An empty database ``name`` beside services.POSTGRES_URL's; returns its URL."""
    import psycopg
    from psycopg import sql

    url = services.POSTGRES_URL
    with psycopg.connect(_admin_url(url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def stack_of_its_own(folder: Path, facilitator: str) -> Iterator[tuple[Stack, str]]:
    """A stack over a PostgreSQL database and a redis-server of its own, with the deck
    loaded and a facilitator account; yields the stack and the facilitator's password.
    Not pytest-django's test database: the browser tests run in the SQLite run too."""
    require(missing_tool() or services.unreachable_reason(services.POSTGRES_URL))
    database = fresh_database(f"test_kwartet_stack_{os.getpid()}_{secrets.token_hex(3)}")
    try:
        with RedisServer(folder) as redis:
            env = {"SECRET_KEY": secrets.token_urlsafe(50), "BOT_DELAY_MS": "200"}
            stack = Stack(2, port=free_port(HOST), database_url=database, redis_url=redis.url,
                          folder=folder / "stack", env=env)  # fmt: skip
            try:
                stack.start()
                password = stack.create_facilitator(facilitator)
            except StackError as exc:
                stack.stop()
                pytest.fail(f"the stack did not start: {exc}", pytrace=False)
            try:
                yield stack, password
            finally:
                stack.stop()
    finally:
        drop_database(database)


# --- what the workers' access logs say ------------------------------------------------------------

PLAY_SOCKET = re.compile(r'"WSCONNECT /ws/play/')


def play_sockets(stack: Stack) -> list[int]:
    """How many player sockets each worker has accepted so far (daphne's access log)."""
    return [len(PLAY_SOCKET.findall(w.log.read_text(errors="replace"))) for w in stack.workers]


def requests_for(stack: Stack, path: str) -> list[str]:
    """Every worker's access-log lines of HTTP requests for ``path`` (or under it)."""
    request = re.compile(rf'"[A-Z]+ {re.escape(path)}')
    return [
        line
        for worker in stack.workers
        for line in worker.log.read_text(errors="replace").splitlines()
        if request.search(line)
    ]
