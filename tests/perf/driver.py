"""The workload: phones and dashboards on real sockets, asks at a target rate.

Every phone keeps its seat's state from `view` and `events` (both servers send the
seat's state with each batch). A scheduler sends one `ask` every 1/rate seconds from
the seat on turn of the next table that is ready: its last move acknowledged and seen by
the seat now on turn. The seat asks a legal question (a card it lacks of a theme it
holds, from a player with cards); the harness sees every hand of the table, so it can
choose a hit with probability `hit_share` and a miss otherwise, which keeps games long
enough to measure without changing what a move costs.

Latency of a move: from the ask's send to the arrival of the message carrying its
`asked` event, at every phone of the table and at every dashboard. A delivery that never
arrives is lost; an event that arrives out of order or twice is a gap or a repeat.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

ASK_TIMEOUT = 5.0  # default: an ask without its ack this long is counted, the table moves on
CONNECT_CONCURRENCY = 100


@dataclass
class Tally:
    """Everything the sockets saw, for one measured run."""

    sent: dict[tuple[int, int], float] = field(default_factory=dict)  # (table, seq) -> t
    expected: dict[tuple[int, int], int] = field(default_factory=dict)  # recipients
    got: Counter = field(default_factory=Counter)  # (table, seq) -> deliveries
    phones: list[float] = field(default_factory=list)  # latencies, s
    dashboards: list[float] = field(default_factory=list)
    acked: list[float] = field(default_factory=list)  # send -> ack, s
    applied: int = 0
    gaps: int = 0
    repeats: int = 0
    views: int = 0  # fresh views after the first: the server healed a gap
    timeouts: int = 0
    errors: Counter = field(default_factory=Counter)
    closed: int = 0  # sockets the server closed during the run

    @property
    def lost(self) -> int:
        return sum(max(0, n - self.got[key]) for key, n in self.expected.items())

    def delivered(self, table: int, events: list[dict[str, Any]], now: float, into) -> None:
        for event in events:
            if event["type"] == "asked":
                key = (table, event["seq"])
                sent = self.sent.get(key)
                if sent is not None:
                    self.got[key] += 1
                    into.append(now - sent)


class Socket:
    """A connection that reads in its own task and hands each message to ``take``."""

    ws = None
    task: asyncio.Task | None = None

    def __init__(self, driver: Driver, path: str, cookie: str) -> None:
        self.driver, self.path, self.cookie = driver, path, cookie

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        origin = f"http://{self.driver.host}:{self.driver.port}"
        self.ws = await connect(
            f"ws://{self.driver.host}:{self.driver.port}{self.path}",
            origin=origin,
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            proxy=None,
            compression=None,
            open_timeout=30,
            close_timeout=2,
            max_queue=None,
        )
        self.task = asyncio.create_task(self.read())

    async def read(self) -> None:
        tally = self.driver.tally
        try:
            async for raw in self.ws:
                now = time.perf_counter()
                self.take(json.loads(raw), now)
        except Exception:  # closed by the server or the network: counted below
            pass
        if not self.driver.closing:
            tally.closed += 1

    def take(self, message: dict[str, Any], now: float) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            await asyncio.wait([self.task], timeout=5)


class Phone(Socket):
    """A player's page: its seat's state, kept from the server's messages."""

    table: Table | None = None
    seat: int | None = None
    seq = 0
    state: dict[str, Any] | None = None
    viewed = False

    def take(self, message: dict[str, Any], now: float) -> None:
        kind = message["type"]
        if kind == "view":
            self.take_view(message)
        elif kind == "events":
            self.take_events(message, now)
        elif kind == "ack":
            self.driver.acked(self, message, now)
        elif kind == "error":
            self.driver.tally.errors[message["code"]] += 1
            if self.table is not None:
                self.table.outstanding = None

    def take_view(self, message: dict[str, Any]) -> None:
        if self.viewed:
            self.driver.tally.views += 1
        self.viewed = True
        self.seat, self.seq, self.state = message["you"]["seat"], message["seq"], message["state"]
        self.table = self.driver.seat(self, message)
        self.table.seq = max(self.table.seq, self.seq)
        self.table.wake()

    def take_events(self, message: dict[str, Any], now: float) -> None:
        events = message["events"]
        if events[0]["seq"] <= self.seq:
            self.driver.tally.repeats += 1
            events = [event for event in events if event["seq"] > self.seq]
        if events and events[0]["seq"] != self.seq + 1:
            self.driver.tally.gaps += 1
        self.driver.tally.delivered(self.table.id, events, now, self.driver.tally.phones)
        self.seq, self.state = message["seq"], message["state"]
        self.table.wake()


class Dashboard(Socket):
    """The facilitator's dashboard: every table's events, gap-free per table."""

    def __init__(self, driver: Driver, path: str, cookie: str) -> None:
        super().__init__(driver, path, cookie)
        self.seqs: dict[int, int] = {}
        self.greeted = False  # its hello came: the tables' seqs it starts from

    def take(self, message: dict[str, Any], now: float) -> None:
        if message["type"] == "hello":
            self.seqs.update({int(k): v for k, v in message["tables"].items()})
            self.greeted = True
        elif message["type"] == "update":
            for batch in message.get("tables", []):  # table events, batched per table
                self.take_batch(batch, now)

    def take_batch(self, batch: dict[str, Any], now: float) -> None:
        table, events = batch["table"], batch["events"]
        last = self.seqs.get(table, 0)
        if events[0]["seq"] <= last:
            self.driver.tally.repeats += 1
            events = [event for event in events if event["seq"] > last]
        if events and events[0]["seq"] != last + 1:
            self.driver.tally.gaps += 1
        self.driver.tally.delivered(table, events, now, self.driver.tally.dashboards)
        self.seqs[table] = max(last, batch["seq"])


class Table:
    """One table as the harness sees it through its phones."""

    def __init__(self, table_id: int, deck: dict[str, Any]) -> None:
        self.id = table_id
        self.phones: dict[int, Phone] = {}
        self.seq = 0  # the last seq acknowledged or seen
        self.outstanding: tuple[str, float] | None = None  # (action id, sent)
        self.theme_of = {c["key"]: t["key"] for t in deck["themes"] for c in t["cards"]}
        self.cards_of = defaultdict(list)
        for card, theme in self.theme_of.items():
            self.cards_of[theme].append(card)
        self.ready = False

    def mover(self) -> Phone | None:
        """The phone on turn, if it has seen the table's last move and nothing is asked."""
        if self.outstanding is not None:
            return None
        for seat, phone in self.phones.items():
            state = phone.state
            if state and state.get("turn") == seat and phone.seq >= self.seq:
                playing = state.get("status") == "playing" and not state.get("paused")
                return phone if playing else None
        return None

    def wake(self) -> None:
        self.ready = self.mover() is not None

    def choose(self, phone: Phone, rng: random.Random, hit_share: float) -> tuple[int, str] | None:
        """A legal ask for ``phone``: a hit with probability ``hit_share`` if one exists."""
        hand = set(phone.state["hand"])
        counts = phone.state["counts"]
        lacking = [
            card
            for theme in sorted({self.theme_of[card] for card in hand})
            for card in self.cards_of[theme]
            if card not in hand
        ]
        targets = [seat for seat, n in enumerate(counts) if n > 0 and seat != phone.seat]
        if not lacking or not targets:
            return None
        hands = {seat: set(p.state["hand"]) for seat, p in self.phones.items() if p.state}
        asks = [(t, c) for t in targets for c in lacking]
        hits = [(t, c) for t, c in asks if c in hands.get(t, ())]
        misses = [(t, c) for t, c in asks if t in hands and c not in hands[t]]
        pool = (hits if rng.random() < hit_share else misses) or hits or misses or asks
        return rng.choice(pool)


class Driver:
    """Connects the sockets and drives the asks; everything it sees goes into ``tally``."""

    def __init__(
        self,
        host: str,
        port: int,
        seed: int = 1,
        hit_share: float = 0.2,
        ask_timeout: float = ASK_TIMEOUT,
    ) -> None:
        self.host, self.port = host, port
        self.ask_timeout = ask_timeout
        self.rng = random.Random(seed)
        self.hit_share = hit_share
        self.tally = Tally()
        self.tables: dict[int, Table] = {}
        self.phones: list[Phone] = []
        self.dashboards: list[Dashboard] = []
        self.ids = itertools.count(1)
        self.closing = False
        self.sending: set[asyncio.Future] = set()

    def seat(self, phone: Phone, view: dict[str, Any]) -> Table:
        table_id = view["table"]["id"]
        table = self.tables.get(table_id)
        if table is None:
            table = self.tables[table_id] = Table(table_id, view["deck"])
        table.phones[phone.seat] = phone
        return table

    async def connect(self, phones: list[tuple[str, str]], dashboards: list[tuple[str, str]]):
        """Open every phone's socket (CONNECT_CONCURRENCY at a time), then the dashboards;
        returns when every phone has its view and every dashboard its hello. (A hello
        that came after the first ask would start past it: its delivery would count as
        lost and its update as a repeat, though the dashboard missed nothing.)"""
        self.phones = [Phone(self, path, cookie) for path, cookie in phones]
        self.dashboards = [Dashboard(self, path, cookie) for path, cookie in dashboards]
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(socket: Socket) -> None:
            async with gate:
                await socket.connect()

        await asyncio.gather(*(one(s) for s in [*self.phones, *self.dashboards]))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
            all(p.viewed for p in self.phones) and all(d.greeted for d in self.dashboards)
        ):
            await asyncio.sleep(0.05)
        missing = sum(not p.viewed for p in self.phones)
        if missing:
            raise RuntimeError(f"{missing} phones got no view within 30 s")
        unheard = sum(not d.greeted for d in self.dashboards)
        if unheard:
            raise RuntimeError(f"{unheard} dashboards got no hello within 30 s")

    def acked(self, phone: Phone, message: dict[str, Any], now: float) -> None:
        table = phone.table
        if table.outstanding is None or table.outstanding[0] != message["id"]:
            return
        self.tally.acked.append(now - table.outstanding[1])
        self.tally.applied += 1
        table.outstanding = None
        table.seq = max(table.seq, message["seq"])
        table.wake()

    def ask(self, table: Table, phone: Phone) -> bool:
        choice = table.choose(phone, self.rng, self.hit_share)
        if choice is None:
            return False
        target, card = choice
        action_id = f"a{next(self.ids)}"
        now = time.perf_counter()
        table.outstanding = (action_id, now)
        table.ready = False
        key = (table.id, phone.seq + 1)  # the move's `asked` event
        self.tally.sent[key] = now
        self.tally.expected[key] = len(table.phones) + len(self.dashboards)
        message = {"type": "ask", "id": action_id, "target": target, "card": card}
        task = asyncio.ensure_future(phone.ws.send(json.dumps(message)))
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)
        return True

    def expire(self, now: float) -> None:
        for table in self.tables.values():
            if table.outstanding is not None and now - table.outstanding[1] > self.ask_timeout:
                self.tally.timeouts += 1
                table.outstanding = None
                table.wake()

    async def drive(self, rate: float, seconds: float) -> float:
        """Ask at ``rate`` moves a second for ``seconds``; returns the seconds it took
        until the last ask. Round robin over the tables that are ready."""
        order = list(self.tables.values())
        self.rng.shuffle(order)
        ring = itertools.cycle(order)
        start = time.perf_counter()
        count = int(rate * seconds)
        for n in range(count):
            due = start + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if n % 50 == 0:
                self.expire(time.perf_counter())
            # The next ready table asks; with none ready this tick asks nothing, and the
            # rate achieved falls below the rate asked.
            for table in itertools.islice(ring, len(order)):
                if table.ready and (phone := table.mover()) and self.ask(table, phone):
                    break
        return time.perf_counter() - start

    async def drain(self, seconds: float) -> None:
        """Wait until every expected delivery arrived, or ``seconds``."""
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            if not self.tally.lost and all(t.outstanding is None for t in self.tables.values()):
                return
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        self.closing = True
        sockets = [*self.phones, *self.dashboards]
        for start in range(0, len(sockets), 200):
            await asyncio.gather(*(s.close() for s in sockets[start : start + 200]))
