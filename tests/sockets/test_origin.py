"""A socket is let in only from a page of this site: its Origin must equal the socket's
own origin (scheme, host and port) or one the configuration names, as a browser's
same-origin rule. Everything else is refused at the handshake."""

import pytest
from channels.db import database_sync_to_async as db

from innovation_track.asgi import application
from tests.tables import Socket, cookie_for, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

SERVER = b"127.0.0.1:8000"  # the server as `make run` serves it: http://127.0.0.1:8000


async def opens(origin: bytes, *, host: bytes = SERVER, headers=()) -> bool:
    _, _table, players = await db(session_with_table)()
    socket = Socket(
        application,
        "/ws/play/",
        headers=[
            (b"origin", origin),
            (b"host", host),
            (b"cookie", cookie_for(players[0])),
            *headers,
        ],
    )
    connected, _ = await socket.connect()
    if connected:
        await socket.disconnect()
    return connected


async def test_the_sites_own_origin_is_let_in():
    assert await opens(b"http://127.0.0.1:8000")


@pytest.mark.parametrize(
    "origin",
    [
        b"http://localhost:1",  # another port on this computer: another program's page
        b"https://127.0.0.1",  # another scheme, another port
        b"http://127.0.0.1",  # port 80, not 8000
        b"http://127.0.0.1:8001",
        b"http://localhost:8000",  # another host name
        b"null",  # a sandboxed frame or a file
        b"ws://127.0.0.1:8000",
        b"http://127.0.0.1:8000/elsewhere",  # not an origin as browsers send one
        b"http://someone@127.0.0.1:8000",
    ],
)
async def test_an_origin_that_differs_in_scheme_host_or_port_is_refused(origin):
    assert not await opens(origin)


async def test_a_socket_without_an_origin_is_refused():
    socket = Socket(application, "/ws/play/", headers=[(b"host", SERVER)])
    connected, _ = await socket.connect()
    assert not connected


async def test_a_host_outside_allowed_hosts_is_not_its_own_origin():
    """A rebound DNS name: the page and the socket agree, but the name is not ours."""
    assert not await opens(b"http://evil.example:8000", host=b"evil.example:8000")


async def test_public_url_is_let_in_whatever_the_host_header(settings):
    settings.PUBLIC_URL = "https://kwartet.example.org"
    assert await opens(b"https://kwartet.example.org", host=b"10.0.0.5:8000")
    assert await opens(b"https://kwartet.example.org:443", host=b"10.0.0.5:8000")
    assert not await opens(b"http://kwartet.example.org", host=b"10.0.0.5:8000")


async def test_behind_the_tls_proxy_the_forwarded_scheme_counts(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    forwarded = [(b"x-forwarded-proto", b"https")]
    assert await opens(b"https://127.0.0.1:8000", headers=forwarded)
    assert not await opens(b"http://127.0.0.1:8000", headers=forwarded)
