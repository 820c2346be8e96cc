"""/healthz of real daphne processes: up, with its database on a closed port, and with
its Redis on a closed port. No PostgreSQL or Redis needed: down is what is tested."""

from __future__ import annotations

import http.client
import json
import socket
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


def test_healthz_of_real_workers(tmp_path):
    # A port bound but not listening: connections to it are refused, and no other
    # program can take it while the test runs.
    with socket.socket() as unanswered:
        unanswered.bind((HOST, free_port()))
        answers = ask_real_workers(tmp_path, closed=unanswered.getsockname()[1])

    status, body, _took = answers["up"]
    assert (status, body) == (
        200,
        {
            "status": "ok",
            "worker": "up",
            "database": "ok",
            "channel_layer": "ok",
            "sockets": 0,
            "busy": 0,
        },
    )
    # Timed on a worker that has answered once (its first request imports lazily): a
    # check of a service that is down ends within its timeout (1.5 s at most), and a
    # hang would take the client's 10 s.
    status, body, took = answers["no-database"]
    assert status == 503 and took < 5.0
    assert body["database"] == "down: OperationalError"
    assert body["channel_layer"] == "ok" and body["worker"] == "no-database"
    status, body, took = answers["no-redis"]
    assert status == 503 and took < 5.0
    assert body["channel_layer"].startswith("down: ") and body["database"] == "ok"


def ask_real_workers(tmp_path, closed: int) -> dict[str, tuple[int, dict, float]]:
    """Three workers: up, with the database on the closed port, with Redis on it. Each
    is asked twice; the second answer is returned. Their logs must be quiet."""
    envs = {
        "up": {"SQLITE_PATH": str(tmp_path / "up.sqlite3")},
        "no-database": {"DATABASE_URL": f"postgres://nobody@{HOST}:{closed}/nothing"},
        "no-redis": {
            "SQLITE_PATH": str(tmp_path / "no-redis.sqlite3"),
            "REDIS_URL": f"redis://{HOST}:{closed}/0",
        },
    }
    servers = {
        name: Server(
            free_port(),
            server_env(GAME_TICKER="false", WORKER_ID=name, **env),
            tmp_path / f"daphne-{name}.log",
        ).start()
        for name, env in envs.items()
    }
    try:
        for server in servers.values():
            server.wait_ready()
        for server in servers.values():
            get_health(server)  # the first answer: untimed
        answers = {name: get_health(server) for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    for server in servers.values():
        assert_quiet(
            server.output(whole=True)
        )  # a 503 is no error: "down" is logged once, at WARNING
    return answers
