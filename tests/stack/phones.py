"""Phones that come back, for the fault tests on the stack.

A ``Phone`` is the tests' WebSocket player (tests/live/servers.Client) that behaves as
static/game/socket.js does when its socket drops: it reconnects through nginx with the
table and the last event it saw (``?table=&since=``), at once after close code 4012
and after a short wait otherwise, and records how long it was away. It remembers the
event number of every ask the server acknowledged, so a test can check that no
acknowledged move is lost.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from deploy.stack import Stack
from tests.live.servers import Client
from tests.stack.running import play_sockets

RECONNECT_WITHIN = 10.0  # seconds: the bar for a phone to be back
RETRY_GAP = 0.25
TRIES = 8  # openings of one socket before giving up on spreading a table


class Phone(Client):
    def __init__(self, player, *, seed: int = 0) -> None:
        super().__init__(player, seed=seed)
        self.acked: list[int] = []  # the seq of every acknowledged ask
        self.closes: list[int | None] = []  # close codes the server sent
        self.away: list[float] = []  # seconds from a drop to the fresh view
        self.pending: str | None = None
        self.wait_seq = 0
        self.calm_until = 0.0  # after a "try again" error: wait a moment, as a person does

    def absorb(self, message: dict[str, Any]) -> None:
        super().absorb(message)
        if message.get("type") == "ack" and not message["duplicate"]:
            self.acked.append(message["seq"])

    async def come_back(self, stack: Stack, stop_at: float | None = None) -> None:
        """Reconnect through nginx until a view or catch-up arrives (bounded); gives up
        quietly at ``stop_at`` (the caller's own deadline), with the socket still gone."""
        started = time.monotonic()
        deadline = started + 3 * RECONNECT_WITHIN
        while time.monotonic() < deadline:
            if stop_at is not None and time.monotonic() > stop_at:
                return
            try:
                await self.reconnect(stack)
            except (OSError, ConnectionClosed, InvalidHandshake, InvalidStatus, TimeoutError):
                await self.close()
                await asyncio.sleep(RETRY_GAP)
                continue
            self.away.append(time.monotonic() - started)
            self.pending = None  # an ask lost with the socket is asked again, freshly
            return
        raise AssertionError(f"{self.name} could not reconnect in {3 * RECONNECT_WITHIN} s")

    async def step(self, stack: Stack, stop_at: float | None = None) -> None:
        """One round of play: ask on our turn, take one message, come back after a drop."""
        if self.ws is None:
            await self.come_back(stack, stop_at)
            if self.ws is None:
                return None
        ready = self.seq >= self.wait_seq and time.monotonic() >= self.calm_until
        if self.pending is None and ready and self.my_turn():
            ask = self.choose()
            self.pending, self.asks = ask["id"], self.asks + 1
            try:
                await self.send(ask)
            except ConnectionClosed as closed:
                return self.dropped(closed)
        try:
            message = await self.receive(timeout=0.25)
        except TimeoutError:
            return None
        except ConnectionClosed as closed:
            return self.dropped(closed)
        self.answered(message)
        return None

    def dropped(self, closed: ConnectionClosed) -> None:
        self.closes.append(closed.rcvd.code if closed.rcvd else None)
        self.ws = None

    def answered(self, message: dict[str, Any]) -> None:
        if message["type"] == "ack" and message["id"] == self.pending:
            self.pending, self.wait_seq = None, message["seq"]
        elif message["type"] == "error":
            self.errors.append(message)
            if message.get("id") == self.pending:
                self.pending = None
            self.calm_until = time.monotonic() + 0.5


async def keep_playing(phone: Phone, stack: Stack, until, deadline: float) -> None:
    """One phone plays (and comes back after drops) until ``until()``; after 5 s
    without a message it syncs, as the pages' heartbeat does."""
    quiet = time.monotonic()
    while not until():
        if time.monotonic() > deadline:
            return
        before = len(phone.messages)
        await phone.step(stack, deadline)
        if len(phone.messages) > before:
            quiet = time.monotonic()
        elif time.monotonic() - quiet > 5 and phone.ws is not None:
            quiet, phone.pending = time.monotonic(), None
            try:
                await phone.send({"type": "sync", "since": phone.seq})
            except ConnectionClosed as closed:
                phone.dropped(closed)


async def play_through(phones: list[Phone], stack: Stack, until, timeout: float) -> None:
    """Every phone plays until ``until()``; fails with where each one was on a timeout."""
    deadline = time.monotonic() + timeout
    await asyncio.gather(*(keep_playing(phone, stack, until, deadline) for phone in phones))
    if not until():
        states = {p.name: (p.seq, p.state and p.state["turn"]) for p in phones}
        raise AssertionError(f"not done in {timeout} s: {states}")


# --- spreading a table over both workers -------------------------------------------------


async def connect(client: Client, stack: Stack) -> int:
    """Open the player's socket through nginx; returns the index of the worker that took it."""
    before = play_sockets(stack)
    if client.seq:
        view = await client.reconnect(stack)
    else:
        await client.connect(stack)
        view = await client.receive()
    if view["type"] == "view":
        assert view["you"]["seat"] == client.seat, view
    else:  # a reopened socket with since= catches up instead
        assert view["type"] == "events" and view["seq"] == client.seq, view
    after = play_sockets(stack)
    took = [n for n, (a, b) in enumerate(zip(before, after, strict=True)) if b > a]
    assert len(took) == 1, f"no single worker logged the socket: {before} -> {after}"
    return took[0]


async def connect_spread(clients: list[Client], stack: Stack) -> list[int]:
    """Connect every client; the last one is opened again until both workers have one."""
    homes = [await connect(client, stack) for client in clients]
    for _ in range(TRIES):
        if len(set(homes)) > 1:
            return homes
        await clients[-1].close()
        await asyncio.sleep(0.5)  # round robin: the next opening goes elsewhere
        homes[-1] = await connect(clients[-1], stack)
    pytest.fail(f"every socket went to one worker in {TRIES} tries: {homes}")


async def play_for(phones: list[Phone], stack: Stack, seconds: float) -> None:
    """Every phone plays on for ``seconds``, whatever happens meanwhile."""
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(keep_playing(p, stack, lambda: False, deadline) for p in phones))
