import logging
import time
from pathlib import Path

import pytest
from django.test import Client

from tests import services
from tests.factories import UserFactory

# --- running in parallel (pytest-xdist, `make test`) ---------------------------------------------

TESTS = Path(__file__).resolve().parent
# Folders whose tests reach this machine's Redis without the ``redis_url`` fixture: their
# servers share it (tests/live/servers.py, tests/perf/servers.py).
ON_THE_SHARED_REDIS = (TESTS / "live", TESTS / "perf")


def xdist_group_of(item: pytest.Item) -> str | None:
    """The tests that must run one after another in one worker, or None for any worker.
    Every test that uses the machine's Redis runs in the one worker of group "redis":
    channel groups, socket counts and limits are named by database ids, which each
    worker's test database hands out again. A test module with a module-scoped fixture (a
    stack of nginx, workers and redis-server; a venue server) stays in one worker, which
    starts that fixture once."""
    path = Path(str(item.path)).resolve()
    if "redis_url" in item.fixturenames or any(f in path.parents for f in ON_THE_SHARED_REDIS):
        return "redis"
    definitions = getattr(item, "_fixtureinfo", None)
    for name in item.fixturenames:
        for fixturedef in definitions.name2fixturedefs.get(name, ()) if definitions else ():
            if fixturedef.scope == "module":
                return str(path.relative_to(TESTS))
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        group = xdist_group_of(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def plain_http_settings(settings):
    """Tests talk plain HTTP, render templates without running collectstatic first, and
    hash their accounts' passwords fast."""
    settings.SECURE_SSL_REDIRECT = False
    # The accounts the tests make need no protection: a password hashed for real takes
    # a fifth of a second of CPU, and most tests make a facilitator (tests/factories.py).
    # The servers the tests start hash as configured (tests/accounts checks their logins).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests move bots and end pauses themselves (game.table.ticker.tick), not on a clock.
    settings.GAME_TICKER = False
    settings.BOT_DELAY_SECONDS = 0
    # Mails go when a test runs the outbox (game.followups.mail.followups_run), not in a thread.
    settings.FOLLOWUPS_SEND_AT_ONCE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language (Dutch), whatever an earlier test in this
    thread activated: texts a service makes depend on it, and the order is random."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with no counted wrong join codes (they live in the cache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class _Tracebacks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


@pytest.fixture(autouse=True)
def no_request_ends_in_a_traceback():
    """Whatever a test sends, no page answers it with a 500: Django logs every exception
    a view lets escape on ``django.request``, and a test that causes one fails here (a
    503 for a database that is down is logged without a traceback, and passes)."""
    handler = _Tracebacks()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield
    logger.removeHandler(handler)
    assert not handler.records, [record.getMessage() for record in handler.records]


@pytest.fixture(autouse=True)
def no_sockets_counted():
    """Each test starts with no open sockets counted (game.realtime.connections)."""
    from game.realtime import connections

    connections.forget()
    yield
    connections.forget()


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis, or a skip (a failure where REQUIRE_SERVICES=1)."""
    reason = services.unreachable_reason(services.REDIS_URL)
    if reason:
        if services.required():
            pytest.fail(f"Redis is required here, but {reason}")
        pytest.skip(reason)
    return services.REDIS_URL


@pytest.fixture
def admin_client_logged_in(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="ada", is_staff=True, is_superuser=True))
    return client


@pytest.fixture(scope="session", autouse=True)
def close_the_database_threads_connections(django_db_setup, django_db_blocker):
    """Consumers reach the database from asgiref's worker thread, whose persistent
    connection would otherwise keep PostgreSQL from dropping the test database. So would
    the connection of a server a test stopped a moment ago (PostgreSQL notices a closed
    connection a little later), or of a thread that has ended without closing its own:
    at the end, the test database waits for those, then ends any left."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connection, connections

    with django_db_blocker.unblock():
        SyncToAsync.single_thread_executor.submit(connections.close_all).result()
        if connection.vendor == "postgresql":
            _end_other_sessions(connection)


def _end_other_sessions(connection, wait: float = 5.0) -> None:
    others = (
        "SELECT pid FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        cursor.execute(others)
        while cursor.fetchall() and time.monotonic() < deadline:
            time.sleep(0.05)
            cursor.execute(others)
        cursor.execute(f"SELECT pg_terminate_backend(pid) FROM ({others}) AS left_over")
    connection.close()


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on a free loopback port, and the settings that send
    to it; links in mails on http://kwartet.test (tests/followups/smtp.py)."""
    from tests.followups.smtp import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Innovation on Track <kwartet@example.org>"
    settings.PUBLIC_URL = "http://kwartet.test"
    yield server
    server.stop()


@pytest.fixture
def batch_clock(monkeypatch):
    """The dashboards' batching window (game.realtime.batching) on a clock the test moves
    on itself (tests/clocks.py), with no window left over from an earlier test."""
    from game.realtime import batching
    from tests.clocks import ManualClock

    clock = ManualClock()
    monkeypatch.setattr(batching, "clock", clock)
    monkeypatch.setattr(batching, "_waiting", {})
    monkeypatch.setattr(batching, "_sent_at", {})
    return clock
