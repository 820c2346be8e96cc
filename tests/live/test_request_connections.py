"""A page's request runs in a thread of its own under ASGI: its database connection must
close when the request ends, or a room of phones joining uses up PostgreSQL's
connections (found by the load harness: "too many clients" after 1,000 joins)."""

from __future__ import annotations

import http.client

import pytest
from django.db import connection

from tests.live.servers import Servers, require_postgresql
from tests.tables import cookie_for, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 60


def server_connections() -> int:
    """Connections to the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_requests_leave_no_database_connection_open(redis_url, tmp_path):
    require_postgresql()
    _, _, players = session_with_table(start=False)
    with Servers(tmp_path, redis_url, GAME_TICKER="false") as servers:
        server = servers.start()
        servers.ready(server)
        before = server_connections()
        # A phone's plan download reads its player and plan: database queries per request.
        statuses = {plan_download(server, players[0]) for _ in range(REQUESTS)}
        assert statuses == {200}, server.output()
        assert server_connections() - before <= 2, server.output()


def plan_download(server, player) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        headers = {"Host": f"127.0.0.1:{server.port}", "Cookie": cookie_for(player).decode()}
        conn.request("GET", "/plan/mijn-actieplan.md", headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()
