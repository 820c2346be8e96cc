"""Helpers for tests of the live game: a session with seated players, a started
table, and WebSocket communicators (``Socket``) that carry a player's cookie."""

from __future__ import annotations

from channels.testing import WebsocketCommunicator

from game import engine
from game.models import Player, Table, Workshop
from game.room import seating, sessions
from game.room.accounts import PLAYER_COOKIE, sign_player_token
from game.table import play
from innovation_track.asgi import application
from tests.factories import facilitator, playable_deck

ORIGIN = (b"origin", b"http://127.0.0.1")
HOST = (b"host", b"127.0.0.1")  # the same origin as ORIGIN

# How long a test socket waits for an answer before the test fails. Channels' default is
# 1 s, and every wait covers a database transaction: a commit stall or a garbage
# collection on a loaded machine is longer than that. Only a hang takes 10 s.
WAIT = 10.0


class Socket(WebsocketCommunicator):
    """Channels' test WebSocket, waiting up to ``WAIT`` seconds for what the server
    sends. The tests do not wait a while to show that nothing came: they ask for something
    and check what comes first, or check the queue once the consumer has ended."""

    async def connect(self, timeout: float = WAIT):
        return await super().connect(timeout)

    async def receive_output(self, timeout: float = WAIT):
        return await super().receive_output(timeout)

    async def receive_from(self, timeout: float = WAIT):
        return await super().receive_from(timeout)

    async def receive_json_from(self, timeout: float = WAIT):
        return await super().receive_json_from(timeout)

    async def wait(self, timeout: float = WAIT):
        return await super().wait(timeout)

    async def disconnect(self, code: int = 1000, timeout: float = WAIT):
        return await super().disconnect(code, timeout)


def session_with_table(
    names=("Anna", "Bob", "Cees"), *, themes: int = 3, seed: int = 7, start: bool = True, **options
) -> tuple[Workshop, Table, list[Player]]:
    """A session whose players all sit at one table (started with a fixed seed)."""
    host = facilitator()
    workshop = sessions.workshop_create(
        facilitator=host, name="Regio Twente", deck=playable_deck(themes=themes), **options
    )
    players = [sessions.player_join(code=workshop.code, name=name) for name in names]
    table = seating.tables_arrange(workshop=workshop, by=host)[0]
    if start:
        play.table_start(table=table, by=host, seed=seed)
    table.refresh_from_db()
    return workshop, table, [Player.objects.get(pk=p.pk) for p in players]


def game_state(table: Table) -> engine.GameState:
    """The table's game as stored, with its whole log (rebuilt from the table's events)."""
    table.refresh_from_db()
    return play.table_state(table, with_log=True)


def cookie_for(player: Player) -> bytes:
    return f"{PLAYER_COOKIE}={sign_player_token(player.token)}".encode()


def player_socket(player: Player | None, query: str = "", *, language: str | None = None) -> Socket:
    headers = [ORIGIN, HOST]
    cookies = [cookie_for(player)] if player is not None else []
    if language:
        cookies.append(f"django_language={language}".encode())
    if cookies:
        headers.append((b"cookie", b"; ".join(cookies)))
    path = "/ws/play/" + (f"?{query}" if query else "")
    return Socket(application, path, headers=headers)


def host_socket(code: str, user=None, *, headers=(ORIGIN, HOST)) -> Socket:
    """The dashboard's socket of session ``code``, opened by ``user`` (as Channels'
    AuthMiddleware would set it from the session)."""
    socket = Socket(application, f"/ws/host/{code}/", headers=list(headers))
    if user is not None:
        socket.scope["user"] = user
    return socket
