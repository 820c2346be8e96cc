"""The real stack for a test module: nginx on a free loopback port in front of two
daphne workers over the PostgreSQL test database pytest-django created and a
redis-server of the module's own (deploy/stack.py, docs/hosting.md).

Only in the PostgreSQL run (`python -m tests.services postgres`): several processes
share the database, which the in-memory SQLite test database cannot. Without nginx or
redis-server the tests skip with the reason; with REQUIRE_SERVICES=1 they fail.

A module changes the workers' environment by overriding ``stack_env``. Fault tests get
the processes from the fixtures: ``stack.worker(1)`` (kill it, or
``stack.stop_worker(1)`` / ``stack.start_worker(1)`` / ``stack.restart_worker(1)``) and
``redis_server.stop()`` / ``redis_server.start()``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from deploy.processes import StackError
from deploy.stack import Stack
from tests.live.servers import database_url, require_postgresql
from tests.processes import free_port
from tests.stack.running import RedisServer, missing_tool, require

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test on the stack is a transactional database test: pytest-django then creates
    the test database even when no other test of the session asks for one (the stack
    would otherwise run on the database the test database is named after), and empties
    it after the test."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents and "stack" in item.fixturenames:
            item.add_marker(pytest.mark.django_db(transaction=True))


def require_stack() -> None:
    require_postgresql()
    require(missing_tool())


def stack_database_url() -> str:
    """The URL of pytest-django's test database, never of the one it is named after."""
    url = database_url()
    if not connection.settings_dict["NAME"].startswith("test_"):
        pytest.fail(f"the stack would run on {url}, not on a test database", pytrace=False)
    return url


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    require_stack()
    with RedisServer(tmp_path_factory.mktemp("redis")) as redis:
        yield redis


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """Extra environment of the stack's workers: a module overrides this to change it."""
    return {}


@contextlib.contextmanager
def started_stack(
    database_url: str, redis_url: str, env: dict[str, str], folder: Path
) -> Iterator[Stack]:
    """Two workers and nginx over the given database and Redis, stopped afterwards. The
    release step migrates (nothing to do on the test database) and collects the static
    files, but loads no deck: the tests make their own, and the flush after each
    transactional test removes them."""
    stack = Stack(
        workers=2,
        port=free_port(),
        database_url=database_url,
        redis_url=redis_url,
        folder=folder,
        env={
            "SECRET_KEY": settings.SECRET_KEY,  # the tests sign the players' cookies with it
            "GAME_TICK_MS": "50",
            "BOT_DELAY_MS": "0",
            **env,
        },
        import_deck=False,
    )
    try:
        stack.start()
    except StackError as exc:
        stack.stop()
        pytest.fail(f"the stack did not start: {exc}", pytrace=False)
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def stack(
    django_db_setup,
    redis_server: RedisServer,
    stack_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    """Started for the module, stopped after it."""
    require_stack()
    folder = tmp_path_factory.mktemp("stack")
    with started_stack(stack_database_url(), redis_server.url, stack_env, folder) as started:
        yield started
