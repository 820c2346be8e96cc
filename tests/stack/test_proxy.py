"""What nginx does in front of the workers (deploy/nginx.conf.template): static files
from disk, the forwarded headers, the body limit, WebSocket upgrades, and skipping a
dead worker.

This module's workers believe nginx's forwarded headers (BEHIND_TLS_PROXY=true, as in
production) and carry a test-only page that shows what reached Django (echo_urls.py).
"""

from __future__ import annotations

import http.client
import json
import time

import pytest

from deploy.stack import HOST, Stack
from tests.stack.running import requests_for

NGINX_413 = b"413 Request Entity Too Large"


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {"DJANGO_SETTINGS_MODULE": "tests.stack.echo_settings", "BEHIND_TLS_PROXY": "true"}


def request(
    stack: Stack, method: str, path: str, body: bytes | None = None, **headers: str
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection(HOST, stack.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def test_static_files_are_served_by_nginx_from_disk(stack: Stack):
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["game/socket.js"]
    path = f"/static/{hashed}"

    response, body = request(stack, "GET", path)
    assert response.status == 200
    assert body == (stack.static_root / hashed).read_bytes()
    assert response.getheader("Server") == "nginx"
    # nginx's header for a hashed name (WhiteNoise would say "max-age=315360000, ...").
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    zipped, _ = request(stack, "GET", path, **{"Accept-Encoding": "gzip"})
    assert zipped.getheader("Content-Encoding") == "gzip"  # collectstatic's .gz, as it is

    # No worker saw it: nginx's log shows no upstream, the workers' logs no request.
    logged = [line for line in stack.nginx_access_log.read_text().splitlines() if path in line]
    assert logged and all("upstream=- " in line for line in logged), logged
    assert requests_for(stack, "/static/") == []


def test_the_forwarded_headers_reach_django(stack: Stack):
    # What a client claims is replaced by what nginx knows: the address it sees, the
    # scheme it speaks (plain HTTP here), the Host with its port.
    response, body = request(
        stack,
        "GET",
        "/__echo__/",
        **{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    assert response.status == 200, body
    seen = json.loads(body)
    assert seen == {
        "host": f"{HOST}:{stack.port}",
        "x_forwarded_for": HOST,
        "x_forwarded_proto": "http",
        "is_secure": False,
        "client_address": HOST,  # the join limits count the real address
    }


def test_a_body_over_the_limit_is_refused_by_nginx(stack: Stack):
    # The plan's autosave (at most 32 KB) fits: it reaches Django, which wants a CSRF token.
    response, _ = request(stack, "POST", "/plan/save/", b"x" * 40_000)
    assert response.status == 403
    assert len(requests_for(stack, "/plan/save/")) == 1

    response, body = request(stack, "POST", "/plan/save/", b"x" * 100_000)
    assert response.status == 413
    assert NGINX_413 in body and response.getheader("Server") == "nginx"
    assert len(requests_for(stack, "/plan/save/")) == 1  # no worker saw this one


def test_a_websocket_upgrade_works_through_nginx(stack: Stack):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    url = f"ws://{HOST}:{stack.port}/ws/play/"

    def first_message(origin: str) -> str:
        with connect(url, origin=origin, proxy=None, open_timeout=10, close_timeout=2) as ws:
            return ws.recv(timeout=10)

    # No player cookie: the consumer answers, then closes.
    assert '"not_a_player"' in first_message(stack.origin)
    # The Origin header passes unchanged, so the workers' origin check still works.
    with pytest.raises(InvalidStatus) as refused:
        first_message("http://kwartet.example.org")
    assert refused.value.response.status_code == 403


def test_a_dead_worker_is_skipped_and_comes_back(stack: Stack):
    def served_by_second() -> int:
        return len(stack.worker_log(2).read_text(errors="replace").splitlines())

    stack.worker(2).kill()
    stack.worker(2).wait(timeout=10)
    try:
        for _ in range(10):  # round robin would send every other one to the dead worker
            response, _ = request(stack, "GET", "/login/")
            assert response.status == 200
        assert "w2.sock failed" in stack.nginx_error_log.read_text()
    finally:
        stack.start_worker(2)
    before = served_by_second()
    deadline = time.monotonic() + 15  # nginx tries a failed worker again after 5 s
    while served_by_second() == before and time.monotonic() < deadline:
        request(stack, "GET", "/login/")
        time.sleep(0.2)
    assert served_by_second() > before, "nginx sent nothing to the restarted worker"
