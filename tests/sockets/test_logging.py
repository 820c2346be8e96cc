"""What the live layer logs: one line per event worth knowing, at INFO for refused
handshakes, and never a player's name or a cookie's value."""

import logging

import pytest
from channels.db import database_sync_to_async as db

from innovation_track.asgi import application
from tests.tables import Socket, cookie_for, host_socket, player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def info(caplog):
    caplog.set_level(logging.INFO, logger="game")
    return caplog


async def test_a_foreign_origin_is_refused_and_logged_without_the_cookie(info):
    _, _table, players = await db(session_with_table)()
    cookie = cookie_for(players[0])
    socket = Socket(
        application,
        "/ws/play/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)],
    )
    connected, _ = await socket.connect()
    assert not connected
    lines = [r for r in info.records if "origin_not_allowed" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO
    assert "https://evil.example" in lines[0].getMessage()
    assert cookie.decode().split("=", 1)[1] not in info.text


async def test_refused_sockets_are_logged_with_their_reason(info):
    workshop, _table, _players = await db(session_with_table)()
    stranger = player_socket(None)
    await stranger.connect()
    await stranger.receive_json_from()
    dashboard = host_socket(workshop.code)
    await dashboard.connect()
    await dashboard.receive_json_from()
    messages = [r.getMessage() for r in info.records if r.name == "game.sockets.consumers"]
    assert messages == [
        "websocket refused: not_a_player (close 4003)",
        f"websocket refused: forbidden, session '{workshop.code}' (close 4003)",
    ]


def test_sessions_and_arrivals_are_logged_by_code_not_by_name(info):
    workshop, _table, _players = session_with_table(("Annemarie", "Bob"))
    lines = [r.getMessage() for r in info.records if r.name == "game.realtime.live"]
    assert lines[0] == f"session {workshop.code} created (tables of 5)"
    assert lines[1:] == [f"a player joined session {workshop.code}"] * 2
    assert "Annemarie" not in info.text
