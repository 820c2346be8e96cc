"""Integration tests of the live game against real server processes, and their helpers.

Helpers: daphne processes started for a test (``Servers``), a WebSocket player
driven by the test (``Client``), and a replay of a table from its stored events
(``replay``) to check the server's state and what each player was shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from game import engine
from game.models import Table, TableEvent
from game.table.play import _engine_settings
from tests.processes import free_port, listens, stop
from tests.tables import cookie_for

ROOT = Path(__file__).resolve().parents[2]
DAPHNE = Path(sys.executable).with_name("daphne")
HOST = "127.0.0.1"
REDIS_DB = 9  # the servers' channel layer and cache; pub/sub itself ignores the number
START_TIMEOUT = 20.0


# --- requirements ------------------------------------------------------------------------


def require_postgresql() -> None:
    """Several processes share one database: the in-memory SQLite test database cannot."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the PostgreSQL run covers it")


def database_url() -> str:
    """The URL of the test database pytest-django created, for the server processes."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or HOST}{port}/{quote(db['NAME'], safe='')}"


def redis_db_url(redis_url: str, number: int = REDIS_DB) -> str:
    parts = urlsplit(redis_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, parts.fragment))


# --- server processes ----------------------------------------------------------------------


class Server:
    """One daphne process serving the project on ``port``."""

    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port, self.env, self.log = port, env, log
        self.proc: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> Server:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    str(DAPHNE),
                    "-b",
                    HOST,
                    "-p",
                    str(self.port),
                    "innovation_track.asgi:application",
                ],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def output(self, *, whole: bool = False) -> str:
        """The server's log (its last 4000 characters unless ``whole``)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text if whole else text[-4000:]

    def wait_ready(self, timeout: float = START_TIMEOUT) -> Server:
        """Until this daphne process listens on its port (its own socket, not another
        program's that took the port); fails with the server's output if not."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"daphne on port {self.port} exited early:\n{self.output()}")
            if listens(self.proc, HOST, self.port):
                return self
            time.sleep(0.05)
        pytest.fail(f"daphne on port {self.port} did not come up in {timeout} s:\n{self.output()}")

    def wait_logged(self, text: str, timeout: float = START_TIMEOUT) -> None:
        """Until the server's log holds ``text`` (what the server says it did)."""
        deadline = time.monotonic() + timeout
        while text not in self.output(whole=True):
            if self.proc is not None and self.proc.poll() is not None:
                pytest.fail(f"daphne on port {self.port} exited:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"daphne never logged {text!r} in {timeout} s:\n{self.output()}")
            time.sleep(0.05)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        stop(proc)

    def health(self) -> dict[str, Any]:
        """GET /healthz: what the worker says of itself (its status code aside)."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            conn.request("GET", "/healthz", headers={"Host": f"{HOST}:{self.port}"})
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def until_health(self, until, what: str, timeout: float = START_TIMEOUT) -> dict[str, Any]:
        """Ask /healthz until ``until(body)``; fails with ``what`` if it never does."""
        deadline = time.monotonic() + timeout
        while not until(body := self.health()):
            if time.monotonic() > deadline:
                pytest.fail(f"not within {timeout} s: {what} (last /healthz: {body})")
            time.sleep(0.02)
        return body

    def get(self, path: str) -> int:
        """One plain HTTP GET (no proxy); returns the status."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            conn.request("GET", path, headers={"Host": f"{HOST}:{self.port}"})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()


class Servers(contextlib.AbstractContextManager):
    """Starts daphne processes that share the test database and a Redis; stops them all
    on exit, whatever happened."""

    def __init__(self, tmp_path: Path, redis_url: str, **env: str) -> None:
        self.tmp_path, self.servers = tmp_path, []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "innovation_track.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_db_url(redis_url),
            "GAME_TICKER": "true",
            "GAME_TICK_MS": "50",
            "BOT_DELAY_MS": "0",
            # The player cookie is signed: the servers must use the test's key.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **env,
        }

    def start(self, port: int | None = None, **env: str) -> Server:
        """Start a process (without waiting for it: see ``ready``)."""
        port = port or free_port()
        log = self.tmp_path / f"daphne-{port}-{len(self.servers)}.log"
        server = Server(port, {**self.env, **env}, log).start()
        self.servers.append(server)
        return server

    def ready(self, *servers: Server) -> None:
        for server in servers:
            server.wait_ready()

    def __exit__(self, *exc_info: Any) -> None:
        for server in self.servers:
            server.stop()


# --- the stored game, replayed ------------------------------------------------------------


@dataclass
class Replay:
    state: engine.GameState
    hands_at: dict[int, tuple[tuple[str, ...], ...]]  # table seq -> every seat's hand
    events: list[dict[str, Any]]  # the stored events, in order


def replay(table: Table) -> Replay:
    """Deal with the table's seed and apply the asks its events record, one by one.
    Checks on the way that the stored events are numbered 1..N without gaps and are
    exactly the engine's events; the caller compares the final state."""
    table.refresh_from_db()
    workshop = table.workshop
    stored = [e.data for e in TableEvent.objects.filter(table=table).order_by("seq")]
    assert [e["seq"] for e in stored] == list(range(1, table.seq + 1)), "events have gaps"
    seats = len(table.state["hands"])
    state, _events = engine.new_game(
        workshop.deck.to_engine(), seats, table.seed, _engine_settings(workshop)
    )
    hands_at = {len(state.log): state.hands}
    for event in stored:
        if event["type"] == "asked":
            ask = engine.Ask(seat=event["seat"], target=event["target"], card=event["card"])
            state, _events = engine.apply(state, ask)
            hands_at[len(state.log)] = state.hands
    engine_events = [engine.event_to_json(e) for e in state.log]
    # The table's own events (paused, player_away, seat_stood_in ...) are not the engine's.
    assert [{k: v for k, v in e.items() if k != "seq"} for e in engine_events] == [
        {k: v for k, v in e.items() if k != "seq"}
        for e in stored
        if e["type"] in engine.EVENT_TYPES
    ], "the stored events are not the engine's events for the stored asks"
    return Replay(state=state, hands_at=hands_at, events=stored)


def assert_state_matches(table: Table, replayed: Replay) -> None:
    table.refresh_from_db()
    assert json.loads(json.dumps(engine.stored_state_to_json(replayed.state))) == table.state


# --- a player's phone, driven by the test ---------------------------------------------------

# Refusals a correct client may still meet: it retries after them.
RETRY_CODES = {"rate_limited", "conflict"}


class Client:
    """A player's page over a real WebSocket. It records every message, keeps the
    events it was shown in order, and plays legal asks computed from its own view only
    (a theme it holds, a card of it it lacks, a target with cards)."""

    def __init__(self, player, *, seed: int = 0) -> None:
        self.name, self.seat, self.table_id = player.name, player.seat, player.table_id
        self.cookie = cookie_for(player).decode()
        self.rng = random.Random(f"{seed}:{player.name}")
        self.ws = None
        self.messages: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []  # every event seen, in the order seen
        self.hands: list[tuple[int, list[str]]] = []  # (seq, hand) of every state block
        self.problems: list[str] = []
        self.errors: list[dict[str, Any]] = []
        self.seq = 0
        self.state: dict[str, Any] | None = None
        self.themes: dict[str, list[str]] = {}  # theme key -> its card keys
        self.asks = 0
        self.acks = 0  # asks the server applied
        self.syncs = 0
        self.asked_since: int | None = None  # the since of a sync not answered yet

    # connection ------------------------------------------------------------------------

    async def connect(self, server: Server, query: str = "") -> None:
        from websockets.asyncio.client import connect

        url = f"ws://{HOST}:{server.port}/ws/play/" + (f"?{query}" if query else "")
        self.ws = await connect(
            url,
            origin=server.origin,
            additional_headers={"Cookie": self.cookie},
            proxy=None,
            compression=None,
            open_timeout=10,
            close_timeout=2,
        )

    async def reconnect(self, server: Server) -> dict[str, Any]:
        """Reopen as a page does after a drop: with the table and the last seq seen."""
        await self.connect(server, f"table={self.table_id}&since={self.seq}")
        return await self.receive()

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
            self.ws = None

    async def send(self, message: dict[str, Any]) -> None:
        if message.get("type") == "sync" and isinstance(message.get("since"), int):
            self.asked_since = message["since"]
        await self.ws.send(json.dumps(message))

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.absorb(message)
        return message

    # bookkeeping ----------------------------------------------------------------------

    def absorb(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self.check_private(message)
        kind = message.get("type")
        if kind == "ack" and not message["duplicate"]:
            self.acks += 1
        if kind == "view":
            if message["deck"]:
                self.themes = {
                    t["key"]: [c["key"] for c in t["cards"]] for t in message["deck"]["themes"]
                }
            new = [e for e in message["log"] if e["seq"] > self.seq]
            self.take(new, message["seq"], "view")
        elif kind == "events":
            events = message["events"]
            if self.asked_since is not None and events and events[0]["seq"] == self.asked_since + 1:
                # The answer to a sync sent at ``since``: pushes that came meanwhile on this
                # socket are in it again; a page keeps only what it has not seen (play.js).
                events = [e for e in events if e["seq"] > self.seq]
                self.asked_since = None
            self.take(events, message["seq"], "events")
        else:
            return
        self.state = message["state"]
        if self.state is not None:
            self.hands.append((message["seq"], list(self.state["hand"])))

    def take(self, events: list[dict[str, Any]], seq: int, kind: str) -> None:
        """Events must continue exactly where the last message left off."""
        if seq < self.seq:
            self.problems.append(f"{self.name}: {kind} went back from {self.seq} to {seq}")
        expected = list(range(self.seq + 1, seq + 1))
        if [e["seq"] for e in events] != expected:
            self.problems.append(
                f"{self.name}: {kind} up to {seq} after {self.seq} carried "
                f"{[e['seq'] for e in events]}"
            )
        self.events.extend(events)
        self.seq = max(self.seq, seq)

    def check_private(self, message: dict[str, Any]) -> None:
        """A hand may only appear as the message's own state block."""

        def walk(value: Any, path: tuple[str, ...]) -> None:
            if isinstance(value, dict):
                for key, item in value.items():
                    here = (*path, str(key))
                    if key in ("hands", "seed") or (key == "hand" and here != ("state", "hand")):
                        self.problems.append(f"{self.name}: {'.'.join(here)} in {message['type']}")
                    walk(item, here)
            elif isinstance(value, list):
                for item in value:
                    walk(item, path)

        walk(message, ())

    # playing ------------------------------------------------------------------------------

    @property
    def over(self) -> bool:
        return self.state is not None and self.state["status"] == "over"

    def my_turn(self) -> bool:
        state = self.state
        return bool(
            state
            and state["status"] == "playing"
            and not state["paused"]
            and state["turn"] == self.seat
        )

    def choose(self) -> dict[str, Any]:
        hand = set(self.state["hand"])
        held = [key for key, cards in self.themes.items() if hand & set(cards)]
        cards = [c for key in held for c in self.themes[key] if c not in hand]
        targets = [
            seat for seat, count in enumerate(self.state["counts"]) if count and seat != self.seat
        ]
        return {
            "type": "ask",
            "id": uuid.uuid4().hex,
            "target": self.rng.choice(targets),
            "card": self.rng.choice(cards),
        }

    async def play(self, until=None, idle: float = 5.0) -> None:
        """Answer messages and ask on our turn until ``until(self)`` (default: game over).
        After ``idle`` seconds without a message, catch up with ``sync``."""
        until = until or (lambda client: client.over)
        pending: str | None = None
        wait_seq = 0  # after an ack: the seq its events end at
        quiet_since = time.monotonic()
        while not until(self):
            if pending is None and self.seq >= wait_seq and self.my_turn():
                ask = self.choose()
                pending = ask["id"]
                self.asks += 1
                await self.send(ask)
            try:
                message = await self.receive(timeout=0.25)
            except TimeoutError:
                if time.monotonic() - quiet_since > idle:
                    pending, quiet_since = None, time.monotonic()
                    self.syncs += 1
                    await self.send({"type": "sync", "since": self.seq})
                continue
            quiet_since = time.monotonic()
            if message["type"] == "ack" and message["id"] == pending:
                pending, wait_seq = None, message["seq"]
            elif message["type"] == "error":
                self.errors.append(message)
                if message.get("id") == pending:
                    pending = None
                if message["code"] in RETRY_CODES:
                    await asyncio.sleep(0.3)
                else:
                    self.problems.append(f"{self.name}: unexpected error {message}")

    # checks ----------------------------------------------------------------------------

    def assert_consistent(self, replayed: Replay) -> None:
        """Every event once, in order, as stored; every hand shown was this seat's own."""
        assert not self.problems, "\n".join(self.problems)
        seqs = [e["seq"] for e in self.events]
        assert seqs == list(range(1, len(replayed.events) + 1)), f"{self.name} saw {seqs}"
        assert self.events == replayed.events, f"{self.name} saw other events than stored"
        for seq, hand in self.hands:
            own = replayed.hands_at[seq][self.seat]
            assert sorted(hand) == sorted(own), f"{self.name} at {seq} shown {hand}, holds {own}"


async def play_all(clients: list[Client], timeout: float, until=None) -> None:
    """Every client plays until ``until`` (default: the game is over), within ``timeout``."""
    try:
        await asyncio.wait_for(asyncio.gather(*(client.play(until) for client in clients)), timeout)
    except TimeoutError:
        states = {c.name: (c.seq, c.state and c.state["turn"]) for c in clients}
        pytest.fail(f"the game did not finish in {timeout} s: {states}")


def assert_whole_game(table, clients: list[Client]) -> None:
    """The table's game is over, stored as the engine plays it; every client saw every
    event once and in order, and every ask stored was acknowledged to its sender."""
    table.refresh_from_db()
    assert table.status == Table.Status.OVER
    replayed = replay(table)
    assert_state_matches(table, replayed)
    assert replayed.events[-1]["type"] == "game_over"
    for client in clients:
        client.assert_consistent(replayed)
        assert client.events[-1]["type"] == "game_over"
        assert client.state["status"] == "over"
    asked = [e["seat"] for e in replayed.events if e["type"] == "asked"]
    assert [asked.count(c.seat) for c in clients] == [c.acks for c in clients]
