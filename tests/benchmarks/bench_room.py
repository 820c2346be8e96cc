"""How many players the embedded default carries in a real room. Not a test: run it and
read the table.

    .venv/bin/python tests/benchmarks/bench_room.py [--phones 60 100 200] [--seconds 60]
        [--think-min 0.5] [--think-max 2.0] [--seed 1] [--budget 235]
    make bench-room

For each room size it serves what `make run` / `make venue` serve: a fresh SQLite file
(migrated, the deck imported, a facilitator created), one daphne process on 127.0.0.1
with the in-memory channel layer and the default settings. Then, over loopback only and
all from the one address 127.0.0.1 (a room behind one Wi-Fi address):

1. the facilitator logs in (/login/) and creates a session (POST /host/, tables of 5);
2. N phones join over HTTP, 10 at a time: GET /join/ (CSRF), POST /join/, GET /play/;
3. the facilitator seats everyone and starts all tables (POST /host/<code>/do/);
4. every phone opens /ws/play/ with its cookie; the dashboard opens /ws/host/<code>/ and,
   as host.js does, re-reads /host/<code>/panel/ at most once a second after updates;
5. each phone plays: on its turn, after a think time (uniform in --think-min..--think-max,
   fixed seed), it asks a legal question (a card it lacks of a theme it holds, from a
   player with cards), until --seconds have passed or every game is over; then for
   DRAIN seconds it only listens, so the last moves can arrive.

Measured: joins/s and join latency; moves applied per second; the time from an ask's send
to its ack, to the `events` message with its `asked` event at every phone of the table
(and at the last phone of the table) and to the dashboard's `update`; deliveries that
never came, sequence gaps and repeats at the phones and the dashboard; fresh views the
server sent to heal a gap; errors by code; server CPU per move and RSS; games finished;
the stored events checked in the database afterwards; and the server's log grepped for
errors. The load generator shares the machine: its own CPU use is shown too.

The whole run keeps within --budget seconds: the play time is shared out over the rooms
when the budget is short, and a last-resort alarm stops the server and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.processes import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
DAPHNE = Path(sys.executable).with_name("daphne")
DECK = ROOT / "fixtures" / "innovation-on-track.json"
FACILITATOR = "bench-facilitator"
TABLE_SIZE = 5
JOIN_CONCURRENCY = 10  # phones joining at the same moment
CONNECT_CONCURRENCY = 50  # sockets opening at the same moment
HTTP_TIMEOUT = 15.0
COMMAND_TIMEOUT = 60.0
START_TIMEOUT = 20.0
JOIN_TIMEOUT = 60.0  # no phone starts joining after this
CONNECT_TIMEOUT = 20.0
ASK_TIMEOUT = 10.0  # an ask without its ack and events this long: counted, then `sync`
PING_EVERY = 20.0  # as the pages do
DRAIN = 3.0  # listening after the last ask
PANEL_EVERY = 1.0  # the dashboard re-reads its panel at most this often
MIN_PLAY = 10.0  # a room with less play time left in the budget is skipped
# Server settings that would change the embedded default: never inherited.
NOT_INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "BOT_DELAY_MS",
    "GAME_TICKER",
    "GAME_TICK_MS",
    "CHANNEL_CAPACITY",
    "WS_RATE_PER_SECOND",
    "WS_RATE_BURST",
    "WS_PER_ADDRESS",
    "WS_PER_SEAT",
    "LOG_LEVEL",
    "VENUE",
    "PUBLIC_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
)
RUNNING: list[subprocess.Popen] = []  # for the last-resort alarm


class BenchError(Exception):
    """A step of the set-up failed: the room is reported as broken there."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)


# --- figures ---------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def spread(values: list[float]) -> str:
    """'p50 / p95 / p99 / max' in ms (nearest rank), or '-' when there are none."""
    if not values:
        return "-"
    ordered = sorted(values)

    def rank(q: float) -> float:
        return ordered[max(0, min(len(ordered) - 1, int(q * len(ordered) + 0.999999) - 1))]

    return " / ".join(ms(v) for v in (rank(0.50), rank(0.95), rank(0.99), ordered[-1]))


def busiest(times: list[float], window: float = 10.0) -> float:
    """The most events per second within any `window` seconds."""
    ordered, first, most = sorted(times), 0, 0
    for last, stamp in enumerate(ordered):
        while stamp - ordered[first] > window:
            first += 1
        most = max(most, last - first + 1)
    return most / window


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def machine_cpu() -> float:
    """CPU seconds every process on the machine has used (/proc/stat: all but idle and
    iowait), to see whether other work shared the cores during the run."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


# --- the server ------------------------------------------------------------------------------


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        """utime + stime of the daphne process (/proc/<pid>/stat fields 14 and 15)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> tuple[float, float]:
        """VmRSS now and VmHWM (the peak RSS), in MB."""
        values = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
        return values["VmRSS"], values["VmHWM"]


def server_env(tmp: Path, static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "innovation_track.settings",
            "SQLITE_PATH": str(tmp / "db.sqlite3"),
            "STATIC_ROOT": str(static_root),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "PYTHONUNBUFFERED": "1",
            # Every simulated phone comes from 127.0.0.1, where a real room's are spread
            # over the venue's and the carriers' addresses: the per-address cap on open
            # sockets (WS_PER_ADDRESS) would stop a storm of 1,000 phones from one.
            "WS_PER_ADDRESS": "100000",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    expect(done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare_database(env: dict[str, str]) -> str:
    """Migrate the fresh SQLite file, load the deck, create the facilitator: its password."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "import_deck", str(DECK.relative_to(ROOT)), "--skip-existing")
    printed = manage(env, "create_facilitator", FACILITATOR)
    match = re.search(r"^Password: (\S+)$", printed, re.MULTILINE)
    expect(match is not None, f"create_facilitator printed no password:\n{printed}")
    return match.group(1)


def start_server(env: dict[str, str], log: Path) -> Server:
    port = free_port(HOST)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(DAPHNE), "-b", HOST, "-p", str(port), "innovation_track.asgi:application"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    RUNNING.append(proc)
    server = Server(proc, port, log)
    wait_ready(server)
    return server


def wait_ready(server: Server) -> None:
    """Until GET /login/ answers 200 from our process."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        expect(server.proc.poll() is None, f"daphne exited early:\n{log_tail(server.log)}")
        try:
            status, _, _ = Browser(server.port).request("GET", "/login/")
        except OSError:
            time.sleep(0.1)
            continue
        expect(status == 200, f"GET /login/ answered {status}:\n{log_tail(server.log)}")
        return
    raise BenchError(f"daphne did not come up in {START_TIMEOUT:.0f} s:\n{log_tail(server.log)}")


def log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def log_problems(log: Path) -> list[str]:
    """The server log's lines that speak of an error, a traceback, a warning, a refused
    socket or an HTTP status of 400 and up (daphne's access log)."""
    pattern = re.compile(
        r"Traceback|ERROR|Error|Exception|WARNING|Warning|CRITICAL|WSREJECT|\" [45]\d\d "
    )
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if pattern.search(line)]


def stored_events(db: Path) -> tuple[int, int, int]:
    """From the database afterwards: asked events, tables with events, and tables whose
    events are numbered 1..N without gaps."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT table_id, seq, json_extract(data, '$.type') FROM game_tableevent"
            " ORDER BY table_id, seq"
        ).fetchall()
    seqs: dict[int, list[int]] = defaultdict(list)
    for table_id, seq, _kind in rows:
        seqs[table_id].append(seq)
    gapless = sum(1 for s in seqs.values() if s == list(range(1, len(s) + 1)))
    asked = sum(1 for row in rows if row[2] == "asked")
    return asked, len(seqs), gapless


# --- HTTP, as a browser does it ---------------------------------------------------------------


class Browser:
    """One phone's or laptop's plain HTTP/1.1 to the server, with its cookie jar."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, method: str, path: str, fields: dict | None = None, accept: str = "text/html"
    ) -> tuple[int, str, str]:
        """One request on a fresh connection: (status, Location, body)."""
        origin = f"http://{HOST}:{self.port}"
        headers = {"Host": f"{HOST}:{self.port}", "Accept": accept}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
        conn = http.client.HTTPConnection(HOST, self.port, timeout=HTTP_TIMEOUT)
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.getheader("Location", ""), text
        finally:
            conn.close()

    def form_token(self, path: str) -> tuple[str, str]:
        """GET a page with a form: (its CSRF token, the page)."""
        status, _, html = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        expect(status == 200 and match is not None, f"GET {path}: {status}, no CSRF token")
        return match.group(1), html


def open_session(port: int, password: str) -> tuple[Browser, str]:
    """The facilitator logs in and creates a session: (the browser, the join code)."""
    host = Browser(port)
    token, _ = host.form_token("/login/")
    fields = {"csrfmiddlewaretoken": token, "username": FACILITATOR, "password": password}
    status, _, _ = host.request("POST", "/login/", fields)
    expect(status == 302 and "sessionid" in host.cookies, f"login answered {status}")
    token, html = host.form_token("/host/")
    deck = re.search(r'name="deck"[^>]*>\s*<option value="(\d+)"', html)
    expect(deck is not None, "the session form offers no deck")
    fields = {
        "csrfmiddlewaretoken": token,
        "name": "Benchmark room",
        "deck": deck.group(1),
        "table_size": str(TABLE_SIZE),
        "miss_passes_to": "asked",
        "pause_on_quartet": "0",
    }
    status, location, _ = host.request("POST", "/host/", fields)
    code = re.fullmatch(r"/host/([A-Z0-9]+)/", location)
    expect(status == 302 and code is not None, f"creating the session answered {status}")
    return host, code.group(1)


def seat_and_start(host: Browser, code: str) -> None:
    """The dashboard's buttons "Seat everyone" and "Start all tables", as host.js posts them."""
    token, _ = host.form_token(f"/host/{code}/")
    for action in ("arrange", "start_all"):
        fields = {"csrfmiddlewaretoken": token, "action": action}
        status, _, text = host.request("POST", f"/host/{code}/do/", fields, "application/json")
        expect(status == 200, f"action {action} answered {status}: {text[:200]}")


# --- joining -----------------------------------------------------------------------------------


@dataclass
class Joined:
    name: str
    cookies: str = ""  # the phone's Cookie header; empty when refused
    post_seconds: float = 0.0  # POST /join/ alone
    flow_seconds: float = 0.0  # GET /join/, POST /join/, GET /play/
    refusal: str = ""


def join_phone(port: int, code: str, name: str, deadline: float) -> Joined:
    """One phone joins: the join form with its CSRF token, then the game page."""
    if time.monotonic() > deadline:
        return Joined(name, refusal="not tried: the join phase ran out of time")
    phone, start = Browser(port), time.monotonic()
    try:
        token, _ = phone.form_token("/join/")
        posted = time.monotonic()
        fields = {"csrfmiddlewaretoken": token, "code": code, "name": name}
        status, location, html = phone.request("POST", "/join/", fields)
        post_seconds = time.monotonic() - posted
        if status != 302 or "player" not in phone.cookies:
            error = re.search(r'class="errors?[^"]*"[^>]*>(.*?)<', html, re.DOTALL)
            reason = error.group(1).strip() if error else ""
            return Joined(name, post_seconds=post_seconds, refusal=f"{status} {reason}")
        status, _, _ = phone.request("GET", location or "/play/")
    except (OSError, BenchError) as exc:
        return Joined(name, refusal=f"{type(exc).__name__}: {exc}")
    flow = time.monotonic() - start
    refusal = "" if status == 200 else f"GET /play/ answered {status}"
    return Joined(name, phone.cookie_header, post_seconds, flow, refusal)


def join_all(port: int, code: str, count: int) -> tuple[list[Joined], float]:
    """Every phone joins, JOIN_CONCURRENCY at a time: (the results, the seconds it took)."""
    names = [f"Speler {n:03d}" for n in range(1, count + 1)]
    start = time.monotonic()
    deadline = start + JOIN_TIMEOUT
    with ThreadPoolExecutor(JOIN_CONCURRENCY) as pool:
        joined = list(pool.map(lambda name: join_phone(port, code, name, deadline), names))
    return joined, time.monotonic() - start


# --- the sockets -----------------------------------------------------------------------------


@dataclass
class Tally:
    """What every phone and the dashboard saw, added up."""

    moves: int = 0  # asks acknowledged as applied
    gaps: int = 0  # an events message that did not continue at the last seq + 1
    repeats: int = 0  # events seen a second time
    reviews: int = 0  # a fresh view after the first: the server healed a gap
    ask_timeouts: int = 0
    errors: Counter = field(default_factory=Counter)
    closed: Counter = field(default_factory=Counter)
    dashboard_gaps: int = 0
    dashboard_repeats: int = 0
    panel: list[float] = field(default_factory=list)
    panel_failures: Counter = field(default_factory=Counter)
    sent: dict[tuple[int, int], float] = field(default_factory=dict)  # (table, seq): send time
    at_phones: dict[tuple[int, int], list[float]] = field(default_factory=lambda: defaultdict(list))
    at_dashboard: dict[tuple[int, int], float] = field(default_factory=dict)
    acks: list[float] = field(default_factory=list)  # ask -> ack, s
    applied_at: list[float] = field(default_factory=list)  # when each applied move was acked
    table_sizes: dict[int, int] = field(default_factory=dict)
    over: set[int] = field(default_factory=set)  # tables whose game ended


async def open_socket(port: int, path: str, cookies: str):
    from websockets.asyncio.client import connect

    return await connect(
        f"ws://{HOST}:{port}{path}",
        origin=f"http://{HOST}:{port}",
        additional_headers={"Cookie": cookies},
        proxy=None,
        compression=None,
        open_timeout=CONNECT_TIMEOUT,
        close_timeout=2,
    )


class Phone:
    """One player's game page: keeps its seat's view from `view` and `events`, and asks on
    its turn after a think time."""

    def __init__(self, joined: Joined, rng: random.Random, tally: Tally, think) -> None:
        self.joined, self.rng, self.tally, self.think = joined, rng, tally, think
        self.ws = None
        self.table_id: int | None = None
        self.seat: int | None = None
        self.seq, self.wait_seq, self.views = 0, 0, 0
        self.state: dict[str, Any] | None = None
        self.themes: dict[str, list[str]] = {}
        self.ask_at: float | None = None
        self.pending: tuple[str, float] | None = None  # (action id, send time) until the ack
        self.inflight: tuple[float, int, str] | None = None  # (send time, target, card)
        self.next_ping = 0.0

    async def connect(self, port: int) -> None:
        self.ws = await open_socket(port, "/ws/play/", self.joined.cookies)
        message = json.loads(await asyncio.wait_for(self.ws.recv(), CONNECT_TIMEOUT))
        self.absorb(message, time.monotonic())
        expect(self.table_id is not None, f"{self.joined.name} is not at a table")

    @property
    def over(self) -> bool:
        return self.state is not None and self.state["status"] == "over"

    # what arrives ------------------------------------------------------------------------

    def absorb(self, message: dict[str, Any], now: float) -> None:
        kind = message.get("type")
        if kind == "view":
            self.take_view(message)
        elif kind == "events":
            self.take_events(message, now)
        elif kind == "ack":
            self.take_ack(message, now)
        elif kind == "error":
            self.take_error(message, now)
        if self.over and self.table_id is not None:
            self.tally.over.add(self.table_id)

    def take_view(self, view: dict[str, Any]) -> None:
        self.tally.reviews += self.views > 0
        self.views += 1
        self.table_id = view["table"]["id"] if view["table"] else None
        self.seat = view["you"]["seat"]
        self.themes = {t["key"]: [c["key"] for c in t["cards"]] for t in view["deck"]["themes"]}
        self.seq, self.state = view["seq"], view["state"]
        if self.table_id is not None:
            self.tally.table_sizes[self.table_id] = len(view["players"])

    def take_events(self, message: dict[str, Any], now: float) -> None:
        seqs = [event["seq"] for event in message["events"]]
        new = [seq for seq in seqs if seq > self.seq]
        self.tally.repeats += len(seqs) - len(new)
        if new != list(range(self.seq + 1, message["seq"] + 1)):
            self.tally.gaps += 1
        for event in message["events"]:
            if event["type"] == "asked" and event["seq"] > self.seq:
                self.arrived(event, now)
        self.seq, self.state = max(self.seq, message["seq"]), message["state"]

    def arrived(self, event: dict[str, Any], now: float) -> None:
        """An `asked` event: when it reached this phone; if it is our ask, when we sent it."""
        key = (self.table_id, event["seq"])
        self.tally.at_phones[key].append(now)
        mine = self.inflight is not None and event["seat"] == self.seat
        if mine and (event["target"], event["card"]) == self.inflight[1:]:
            self.tally.sent[key] = self.inflight[0]
            self.inflight = None

    def take_ack(self, message: dict[str, Any], now: float) -> None:
        if self.pending is None or message["id"] != self.pending[0]:
            return
        self.tally.acks.append(now - self.pending[1])
        if not message["duplicate"]:
            self.tally.moves += 1
            self.tally.applied_at.append(now)
        self.wait_seq, self.pending = message["seq"], None

    def take_error(self, message: dict[str, Any], now: float) -> None:
        self.tally.errors[message.get("code", "?")] += 1
        if self.pending is not None and message.get("id") == self.pending[0]:
            self.pending = self.inflight = None
            self.ask_at = now + 0.3  # as a page retries after `conflict` or `rate_limited`

    # what we do ---------------------------------------------------------------------------

    def my_turn(self) -> bool:
        state = self.state
        return bool(
            state
            and state["status"] == "playing"
            and not state["paused"]
            and state["turn"] == self.seat
        )

    def plan(self, now: float) -> None:
        """On our turn, once our last move's events are in: decide when to ask."""
        busy = self.ask_at is not None or self.pending is not None or self.inflight is not None
        if not busy and self.seq >= self.wait_seq and self.my_turn():
            self.ask_at = now + self.rng.uniform(*self.think)

    def choose(self) -> tuple[int, str] | None:
        """A legal ask from our own view: (target seat, card), or None if there is none."""
        hand = set(self.state["hand"])
        held = [cards for cards in self.themes.values() if hand & set(cards)]
        cards = sorted(card for theme in held for card in theme if card not in hand)
        counts = self.state["counts"]
        targets = [seat for seat, count in enumerate(counts) if count and seat != self.seat]
        if not cards or not targets:
            return None
        return self.rng.choice(targets), self.rng.choice(cards)

    async def ask(self, now: float) -> None:
        self.ask_at = None
        choice = self.choose() if self.my_turn() else None
        if choice is None:
            return
        action_id = uuid.uuid4().hex
        self.pending, self.inflight = (action_id, now), (now, *choice)
        message = {"type": "ask", "id": action_id, "target": choice[0], "card": choice[1]}
        await self.ws.send(json.dumps(message))

    async def keep_alive(self, now: float) -> None:
        """A ping every PING_EVERY s; an ask unanswered for ASK_TIMEOUT s is given up."""
        if now >= self.next_ping:
            self.next_ping = now + PING_EVERY
            await self.ws.send('{"type": "ping"}')
        started = self.pending[1] if self.pending else self.inflight and self.inflight[0]
        if started and now - started > ASK_TIMEOUT:
            self.tally.ask_timeouts += 1
            self.pending = self.inflight = None
            await self.ws.send(json.dumps({"type": "sync", "since": self.seq}))

    async def run(self, ask_until: float, listen_until: float) -> None:
        """Play until the game is over or ask_until; then only listen until listen_until."""
        from websockets.exceptions import ConnectionClosed

        self.next_ping = time.monotonic() + self.rng.uniform(0, PING_EVERY)
        try:
            while not self.over and (now := time.monotonic()) < listen_until:
                if now < ask_until:
                    self.plan(now)
                    if self.ask_at is not None and now >= self.ask_at:
                        await self.ask(now)
                        continue
                await self.keep_alive(now)
                asking = self.ask_at if self.ask_at and now < ask_until else listen_until
                wake = min(asking, listen_until, self.next_ping, now + 1.0)
                try:
                    raw = await asyncio.wait_for(self.ws.recv(), max(0.001, wake - now))
                except TimeoutError:
                    continue
                self.absorb(json.loads(raw), time.monotonic())
        except ConnectionClosed as closed:
            self.tally.closed[closed.rcvd.code if closed.rcvd else "no close frame"] += 1


class Dashboard:
    """The facilitator's dashboard: its socket, and the panel re-read after updates."""

    def __init__(self, host: Browser, code: str, tally: Tally, panel: bool = True) -> None:
        self.host, self.code, self.tally, self.panel = host, code, tally, panel
        self.ws = None
        self.seqs: dict[int, int] = {}
        self.dirty = False

    async def connect(self) -> None:
        self.ws = await open_socket(
            self.host.port, f"/ws/host/{self.code}/", self.host.cookie_header
        )
        hello = json.loads(await asyncio.wait_for(self.ws.recv(), CONNECT_TIMEOUT))
        expect(hello.get("type") == "hello", f"the dashboard socket said {hello}")
        self.seqs = {int(table): seq for table, seq in hello["tables"].items()}

    def take(self, message: dict[str, Any], now: float) -> None:
        self.dirty = True
        if message.get("type") == "update":
            for batch in message.get("tables", []):
                self.take_batch(batch, now)

    def take_batch(self, batch: dict[str, Any], now: float) -> None:
        table = batch["table"]
        last = self.seqs.get(table, 0)
        seqs = [event["seq"] for event in batch["events"]]
        new = [seq for seq in seqs if seq > last]
        self.tally.dashboard_repeats += len(seqs) - len(new)
        if new != list(range(last + 1, batch["seq"] + 1)):
            self.tally.dashboard_gaps += 1
        for event in batch["events"]:
            if event["type"] == "asked" and event["seq"] > last:
                self.tally.at_dashboard[(table, event["seq"])] = now
        self.seqs[table] = max(last, batch["seq"])

    async def listen(self, until: float) -> None:
        from websockets.exceptions import ConnectionClosed

        next_ping = time.monotonic() + PING_EVERY
        with contextlib.suppress(ConnectionClosed):
            while (now := time.monotonic()) < until:
                if now >= next_ping:
                    next_ping = now + PING_EVERY
                    await self.ws.send('{"type": "ping"}')
                try:
                    wait = max(0.001, min(until, next_ping) - now)
                    raw = await asyncio.wait_for(self.ws.recv(), wait)
                except TimeoutError:
                    continue
                self.take(json.loads(raw), time.monotonic())

    async def refresh_panel(self, until: float) -> None:
        """As host.js: after updates, GET the panel, at most once every PANEL_EVERY s."""
        while self.panel and time.monotonic() + PANEL_EVERY < until:
            await asyncio.sleep(PANEL_EVERY)
            if not self.dirty:
                continue
            self.dirty, start = False, time.monotonic()
            try:
                path = f"/host/{self.code}/panel/"
                status, _, _ = await asyncio.to_thread(self.host.request, "GET", path)
            except OSError as exc:
                self.tally.panel_failures[type(exc).__name__] += 1
                continue
            self.tally.panel.append(time.monotonic() - start)
            if status != 200:
                self.tally.panel_failures[str(status)] += 1


async def connect_all(phones: list[Phone], port: int) -> tuple[list[Phone], Counter]:
    """Open every phone's socket, CONNECT_CONCURRENCY at a time: (connected, failures)."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    failures: Counter = Counter()

    async def one(phone: Phone) -> bool:
        async with gate:
            try:
                await asyncio.wait_for(phone.connect(port), CONNECT_TIMEOUT + 5)
            except Exception as exc:  # any failure to connect is a figure, not a crash
                failures[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1
                return False
            return True

    connected = await asyncio.gather(*(one(phone) for phone in phones))
    return [phone for phone, ok in zip(phones, connected, strict=True) if ok], failures


async def close_all(phones: list[Phone], dashboard: Dashboard) -> None:
    sockets = [p.ws for p in phones if p.ws is not None] + [dashboard.ws] * bool(dashboard.ws)
    closing = [asyncio.wait_for(ws.close(), 5) for ws in sockets]
    await asyncio.gather(*closing, return_exceptions=True)


# --- one room ------------------------------------------------------------------------------


@dataclass
class Room:
    """One room size's figures, filled in as the run goes; `broke` names where it failed."""

    phones: int
    play_seconds: float
    figures: dict[str, str] = field(default_factory=dict)
    broke: str = ""
    log_lines: list[str] = field(default_factory=list)


def record_joins(room: Room, joined: list[Joined], seconds: float, cpu: float) -> None:
    ok = [j for j in joined if not j.refusal]
    refusals = Counter(j.refusal for j in joined if j.refusal)
    room.figures.update(
        {
            "joined / refused": f"{len(ok)} / {len(joined) - len(ok)}",
            "joins/s (10 at a time)": f"{len(ok) / seconds:.1f}" if seconds else "-",
            "POST /join/ ms p50/p95/p99/max": spread([j.post_seconds for j in ok]),
            "join+page ms p50/p95/p99/max": spread([j.flow_seconds for j in ok]),
            "server CPU ms per join": ms(cpu / len(ok)) if ok else "-",
        }
    )
    if refusals:
        room.figures["refusals"] = "; ".join(f"{r} x{n}" for r, n in refusals.most_common(3))


async def play_room(room: Room, server: Server, host: Browser, code: str, joined, args) -> None:
    """Open the sockets, play for the room's play time, and record what was seen."""
    tally = Tally()
    phones = [
        Phone(j, random.Random(f"{args.seed}:{j.name}"), tally, (args.think_min, args.think_max))
        for j in joined
        if not j.refusal
    ]
    dashboard = Dashboard(host, code, tally, panel=not args.no_panel)
    start = time.monotonic()
    await dashboard.connect()
    phones, failures = await connect_all(phones, server.port)
    expect(bool(phones), f"no phone's socket opened: {failures.most_common(3)}")
    room.figures["sockets open, s / failed"] = (
        f"{time.monotonic() - start:.1f} / {sum(failures.values())}"
    )
    if failures:
        room.figures["socket failures"] = "; ".join(f"{f} x{n}" for f, n in failures.most_common(3))
    try:
        await play_and_measure(room, server, phones, dashboard, tally)
    finally:
        await close_all(phones, dashboard)
    record_deliveries(room, tally)


async def play_and_measure(room: Room, server: Server, phones, dashboard, tally: Tally) -> None:
    start, cpu0, mine0, all0 = time.monotonic(), server.cpu_seconds(), own_cpu(), machine_cpu()
    ask_until = start + room.play_seconds
    listen_until = ask_until + DRAIN
    tasks = [asyncio.create_task(p.run(ask_until, listen_until)) for p in phones]
    side = [
        asyncio.create_task(dashboard.listen(listen_until)),
        asyncio.create_task(dashboard.refresh_panel(ask_until)),
    ]
    await asyncio.wait(tasks, timeout=max(0.0, ask_until - time.monotonic()))
    played = time.monotonic() - start  # shorter than the play time when every game ended
    cpu1, mine1, all1 = server.cpu_seconds(), own_cpu(), machine_cpu()
    if all(task.done() for task in tasks):
        listen_until = time.monotonic() + DRAIN  # only the dashboard is still listening
    await asyncio.wait(tasks + side, timeout=max(0.0, listen_until - time.monotonic()) + 5)
    for task in tasks + side:
        task.cancel()
    await asyncio.gather(*tasks, *side, return_exceptions=True)
    cpu2 = server.cpu_seconds()
    rss, peak = server.memory_mb()
    moves, played = tally.moves, max(played, 0.001)
    others = max(0.0, (all1 - all0) - (cpu1 - cpu0) - (mine1 - mine0))
    room.figures.update(
        {
            "played, s": f"{played:.1f}",
            "moves applied / per s": f"{moves} / {moves / played:.1f}",
            "moves/s in the busiest 10 s": f"{busiest(tally.applied_at):.1f}",
            "games finished / tables": f"{len(tally.over)} / {len(tally.table_sizes)}",
            "server CPU, % of a core": f"{100 * (cpu1 - cpu0) / played:.0f}",
            "server CPU ms per move (all work)": ms((cpu2 - cpu0) / moves) if moves else "-",
            "server RSS end / peak MB": f"{rss:.0f} / {peak:.0f}",
            "load generator CPU, % of a core": f"{100 * (mine1 - mine0) / played:.0f}",
            "other processes CPU, % of a core": f"{100 * others / played:.0f}",
        }
    )


def delivery_latencies(tally: Tally) -> tuple[list[float], list[float], list[float], int, int]:
    """From the send and arrival times: every phone's latency, the last phone's per move,
    the dashboard's; and how many deliveries to phones and to the dashboard never came."""
    each, last, dash, missing, dash_missing = [], [], [], 0, 0
    for (table, seq), sent in tally.sent.items():
        arrivals = tally.at_phones.get((table, seq), [])
        each.extend(t - sent for t in arrivals)
        missing += tally.table_sizes.get(table, 0) - len(arrivals)
        if arrivals and len(arrivals) >= tally.table_sizes.get(table, 0):
            last.append(max(arrivals) - sent)
        if (table, seq) in tally.at_dashboard:
            dash.append(tally.at_dashboard[(table, seq)] - sent)
        else:
            dash_missing += 1
    return each, last, dash, missing, dash_missing


def record_deliveries(room: Room, tally: Tally) -> None:
    each, last, dash, missing, dash_missing = delivery_latencies(tally)
    errors = ", ".join(f"{code} x{n}" for code, n in tally.errors.most_common()) or "0"
    closed = ", ".join(f"{code} x{n}" for code, n in tally.closed.most_common()) or "0"
    panel_failures = sum(tally.panel_failures.values())
    room.figures.update(
        {
            "ask -> ack ms p50/p95/p99/max": spread(tally.acks),
            "ask -> each phone ms p50/p95/p99/max": spread(each),
            "ask -> last phone of table ms": spread(last),
            "ask -> dashboard ms p50/p95/p99/max": spread(dash),
            "deliveries to phones / never came": f"{len(each)} / {missing}",
            "phone seq gaps / repeats / re-views": f"{tally.gaps} / {tally.repeats} / {tally.reviews}",
            "dashboard gaps / repeats / missing": f"{tally.dashboard_gaps} / {tally.dashboard_repeats} / {dash_missing}",
            "asks unanswered > 10 s": str(tally.ask_timeouts),
            "errors received (code x count)": errors,
            "sockets closed by server": closed,
            "panel GETs, ms p50/p95/p99/max": f"{len(tally.panel)}: {spread(tally.panel)}",
            "panel GET failures": str(panel_failures),
        }
    )


def run_room(phones: int, play_seconds: float, static_root: Path, args) -> Room:
    """Set up, serve, join, seat, play and tear down one room; never raises."""
    room = Room(phones, play_seconds)
    if play_seconds < MIN_PLAY:
        room.broke = f"skipped: {play_seconds:.0f} s of play left in the --budget"
        return room
    with tempfile.TemporaryDirectory(prefix="bench-room-") as tmp:
        env = server_env(Path(tmp), static_root)
        server = None
        try:
            password = prepare_database(env)
            server = start_server(env, Path(tmp) / "daphne.log")
            host, code = open_session(server.port, password)
            cpu0 = server.cpu_seconds()
            joined, seconds = join_all(server.port, code, phones)
            record_joins(room, joined, seconds, server.cpu_seconds() - cpu0)
            seat_and_start(host, code)
            asyncio.run(play_room(room, server, host, code, joined, args))
        except Exception as exc:  # the room broke: report where, carry on with the next
            room.broke = f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            if server is not None:
                stop(server.proc)
                room.log_lines = log_problems(server.log)
                keep_log(server.log, phones, args)
        finish_room(room, Path(env["SQLITE_PATH"]))
    return room


def keep_log(log: Path, phones: int, args) -> None:
    """Copy the server's log next to the temp dirs, so it can be read after the run."""
    if args.logs:
        target = Path(args.logs) / f"daphne-{phones}-phones.log"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(log.read_bytes())


def finish_room(room: Room, db: Path) -> None:
    if db.exists():
        with contextlib.suppress(sqlite3.Error):
            asked, tables, gapless = stored_events(db)
            room.figures["stored asks; tables gapless"] = f"{asked}; {gapless} of {tables}"
    room.figures["server log: error/warning lines"] = str(len(room.log_lines))


# --- the whole run ---------------------------------------------------------------------------


def reserve(phones: int) -> float:
    """Seconds a room needs besides its play time: set-up, joins, sockets, drain, stop."""
    return 8.0 + DRAIN + 0.03 * phones


def play_time(rooms_left: list[int], seconds: float, budget_left: float) -> float:
    """This room's play time: --seconds, or its share of what the budget still allows."""
    spare = budget_left - sum(reserve(phones) for phones in rooms_left)
    return max(0.0, min(seconds, spare / len(rooms_left)))


def print_report(rooms: list[Room], args) -> None:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    print(
        f"\nRoom benchmark: one daphne, SQLite, in-memory layer; tables of {TABLE_SIZE}; "
        f"think {args.think_min}-{args.think_max} s; seed {args.seed}; "
        f"dashboard panel re-read {'off' if args.no_panel else 'on'}"
    )
    cores = len(os.sched_getaffinity(0))  # what nproc prints
    print(f"Machine: {cores} cores (nproc), {cpu.group(1) if cpu else '?'}")
    labels = list(dict.fromkeys(label for room in rooms for label in room.figures))
    width = max([len(label) for label in labels] + [10])
    columns = [
        max([len(f"{r.phones} phones")] + [len(v) for v in r.figures.values()]) for r in rooms
    ]
    print(
        "  ".join(
            [
                " " * width,
                *(f"{r.phones} phones".rjust(c) for r, c in zip(rooms, columns, strict=True)),
            ]
        )
    )
    for label in labels:
        cells = [r.figures.get(label, "-").rjust(c) for r, c in zip(rooms, columns, strict=True)]
        print("  ".join([label.ljust(width), *cells]))
    for room in rooms:
        if room.broke:
            print(f"\n{room.phones} phones BROKE: {room.broke}")
        for line in list(dict.fromkeys(room.log_lines))[:5]:
            print(f"{room.phones} phones, server log: {line[:200]}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, nargs="+", default=[60, 100, 200])
    parser.add_argument("--seconds", type=float, default=60.0, help="play time per room")
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=235.0, help="seconds for the whole run")
    parser.add_argument(
        "--no-panel", action="store_true", help="the dashboard does not re-read its panel"
    )
    parser.add_argument("--logs", default="", help="a folder to keep each server's log in")
    args = parser.parse_args()
    if not 0 < args.think_min <= args.think_max or min(args.phones) < 3:
        parser.error("need 0 < --think-min <= --think-max and at least 3 phones a room")
    return args


def out_of_time(signum, frame) -> None:
    """The last resort: stop every server this run started, and exit."""
    for proc in RUNNING:
        stop(proc)
    print("bench_room: over the time budget; servers stopped.", file=sys.stderr)
    os._exit(3)


def main() -> None:
    args = arguments()
    start = time.monotonic()
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.budget) + 30)
    rooms = []
    with tempfile.TemporaryDirectory(prefix="bench-room-static-") as tmp:
        static_root = Path(tmp) / "static"  # collected once: the same for every room
        manage(server_env(Path(tmp), static_root), "collectstatic", "--noinput", "-v", "0")
        for n, phones in enumerate(args.phones):
            budget_left = args.budget - (time.monotonic() - start)
            seconds = play_time(args.phones[n:], args.seconds, budget_left)
            print(f"{phones} phones: playing {seconds:.0f} s ...", file=sys.stderr, flush=True)
            rooms.append(run_room(phones, seconds, static_root, args))
    signal.alarm(0)
    print_report(rooms, args)
    print(f"\nWhole run: {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
