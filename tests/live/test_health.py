"""/healthz of real daphne processes: up, with its database on a closed port, and with
its Redis on a closed port. No PostgreSQL or Redis needed: down is what is tested."""

from __future__ import annotations

import http.client
import json
import time

import pytest

from tests.live.closing import assert_quiet
from tests.live.servers import HOST, Server
from tests.live.sqlite_world import require_sqlite_run, server_env
from tests.processes import free_port


@pytest.fixture(autouse=True)
def _sqlite_run():
    require_sqlite_run()


def get_health(server: Server) -> tuple[int, dict, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        conn.request("GET", "/healthz", headers={"Host": f"{HOST}:{server.port}"})
        response = conn.getresponse()
        body = json.loads(response.read())
        return response.status, body, time.monotonic() - started
    finally:
        conn.close()


def distinct_ports(count: int, taken: set[int]) -> list[int]:
    ports: set[int] = set()
    for _ in range(100):
        if len(ports) == count:
            return list(ports)
        port = free_port()
        if port not in taken:
            ports.add(port)
    pytest.fail("no free ports")


def test_healthz_of_real_workers(tmp_path):
    closed = free_port()  # nothing listens here
    envs = {
        "up": {"SQLITE_PATH": str(tmp_path / "up.sqlite3")},
        "no-database": {"DATABASE_URL": f"postgres://nobody@{HOST}:{closed}/nothing"},
        "no-redis": {
            "SQLITE_PATH": str(tmp_path / "no-redis.sqlite3"),
            "REDIS_URL": f"redis://{HOST}:{closed}/0",
        },
    }
    ports = distinct_ports(len(envs), taken={closed})
    servers = {
        name: Server(
            ports.pop(),
            server_env(GAME_TICKER="false", WORKER_ID=name, **env),
            tmp_path / f"daphne-{name}.log",
        ).start()
        for name, env in envs.items()
    }
    try:
        for server in servers.values():
            server.wait_ready()
        answers = {name: get_health(server) for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()

    status, body, _took = answers["up"]
    assert (status, body) == (
        200,
        {"status": "ok", "worker": "up", "database": "ok", "channel_layer": "ok"},
    )
    status, body, took = answers["no-database"]
    assert status == 503 and took < 3.0
    assert body["database"] == "down: OperationalError"
    assert body["channel_layer"] == "ok" and body["worker"] == "no-database"
    status, body, took = answers["no-redis"]
    assert status == 503 and took < 3.0
    assert body["channel_layer"].startswith("down: ") and body["database"] == "ok"
    for server in servers.values():
        assert_quiet(server.output())  # a 503 is no error: "down" is logged once, at WARNING
