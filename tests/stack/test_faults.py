"""Faults the hosted game survives, on the real stack (nginx, two daphne workers,
PostgreSQL, a redis-server of the module's own), on loopback.

Each test plays a table of three phones spread over both workers, breaks something
mid-game, and plays on to the end. Then: the events every phone received are
gap-free, in order and the stored ones; the final state agrees with the database;
every move the server acknowledged is stored; phones that lost their socket were
back within 10 s.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from deploy.stack import Stack
from game.models import Player, Table, TableEvent
from game.room import seating
from game.table import play
from tests.live.servers import Replay, assert_state_matches, replay
from tests.stack.phones import (
    RECONNECT_WITHIN,
    Phone,
    connect_spread,
    play_for,
    play_through,
)
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_FAULT = 6  # acknowledged moves before something breaks
GAME_TIMEOUT = 120.0
ASLEEP_SECONDS = 120


def table_of_phones(seed: int) -> tuple[Table, list[Phone]]:
    _workshop, table, players = session_with_table(("Anna", "Bob", "Cees"), themes=5, seed=seed)
    return table, [Phone(player, seed=seed) for player in players]


def move_ends(replayed: Replay) -> dict[int, set[int]]:
    """Per seat, the seq at which each of its moves ended (what an ack carries)."""
    ends: dict[int, set[int]] = {}
    events = replayed.events
    for index, event in enumerate(events):
        if event["type"] != "asked":
            continue
        following = [e for e in events[index + 1 :] if e["type"] == "asked"]
        end = following[0]["seq"] - 1 if following else events[-1]["seq"]
        ends.setdefault(event["seat"], set()).add(end)
    return ends


def assert_survived(table: Table, phones: list[Phone]) -> None:
    table.refresh_from_db()
    assert table.status == Table.Status.OVER
    replayed = replay(table)
    assert_state_matches(table, replayed)
    ends = move_ends(replayed)
    for phone in phones:
        phone.assert_consistent(replayed)  # every event once, in order, as stored
        assert set(phone.acked) <= ends.get(phone.seat, set()), f"{phone.name} lost a move"
        assert all(away < RECONNECT_WITHIN for away in phone.away), (phone.name, phone.away)


def game_over(phones: list[Phone]):
    return lambda: all(phone.over for phone in phones)


def some_moves(phones: list[Phone]):
    return lambda: sum(len(p.acked) for p in phones) >= BEFORE_FAULT


async def play_with_a_fault(phones: list[Phone], stack: Stack, fault) -> list[int]:
    """Spread the phones, play a little, call ``fault(homes)``, play to the end."""
    try:
        homes = await connect_spread(phones, stack)
        await play_through(phones, stack, some_moves(phones), GAME_TIMEOUT)
        assert not any(p.over for p in phones), "pick a seed whose game lasts longer"
        await fault(homes)
        await play_through(phones, stack, game_over(phones), GAME_TIMEOUT)
        return homes
    finally:
        for phone in phones:
            await phone.close()


def restart_stopped_workers(stack: Stack) -> None:
    """Leave the stack whole for the next test."""
    for number in (1, 2):
        if stack.worker(number).poll() is not None:
            stack.restart_worker(number)


def test_a_worker_killed_mid_game(stack: Stack):
    table, phones = table_of_phones(seed=41)

    async def kill(homes: list[int]) -> None:
        stack.worker(homes[0] + 1).kill()  # SIGKILL: no goodbye to anyone

    try:
        homes = asyncio.run(play_with_a_fault(phones, stack, kill))
    finally:
        restart_stopped_workers(stack)
    assert_survived(table, phones)
    victims = [p for p, home in zip(phones, homes, strict=True) if home == homes[0]]
    assert all(p.away for p in victims), "the phones on the killed worker never reconnected"


def test_a_worker_stopped_gracefully_mid_game(stack: Stack):
    table, phones = table_of_phones(seed=43)
    stopped = {}

    async def terminate(homes: list[int]) -> None:
        worker = stack.worker(homes[0] + 1)
        worker.terminate()  # SIGTERM, as systemd stops a worker
        stopped["worker"], stopped["at"] = worker, time.monotonic()

    try:
        homes = asyncio.run(play_with_a_fault(phones, stack, terminate))
        stopped["worker"].wait(timeout=30)
    finally:
        restart_stopped_workers(stack)
    assert_survived(table, phones)
    victims = [p for p, home in zip(phones, homes, strict=True) if home == homes[0]]
    assert all(4012 in p.closes for p in victims), [p.closes for p in victims]
    assert all(p.away for p in victims)


def test_redis_restarted_mid_game(stack: Stack, redis_server):
    table, phones = table_of_phones(seed=47)

    async def restart_redis(homes: list[int]) -> None:
        redis_server.stop()
        await until_unhealthy(stack)
        # Play on meanwhile: moves still apply; their pushes may be lost.
        await play_for(phones, stack, 3)
        redis_server.start()
        await asyncio.to_thread(stack.wait_healthy, 30)

    asyncio.run(play_with_a_fault(phones, stack, restart_redis))
    assert stack.worker(1).poll() is None and stack.worker(2).poll() is None
    assert_survived(table, phones)


async def until_unhealthy(stack: Stack, timeout: float = 10.0) -> None:
    """/healthz says the channel layer is down (a bounded poll: it may take a check)."""
    deadline = time.monotonic() + timeout
    while await asyncio.to_thread(stack.healthy):
        if time.monotonic() > deadline:
            pytest.fail(f"/healthz still said healthy {timeout} s after Redis stopped")
        await asyncio.sleep(0.1)


def test_a_phone_asleep_for_two_minutes_catches_up_in_one_message(stack: Stack):
    """Anna's phone sleeps while two bots play on, up to her turn, where the workers flag
    her away; on waking it reconnects as the page does and gets everything it missed in
    one message. Her two minutes asleep are two minutes as the server sees them: her last
    sign of life (``Player.seen``) is moved back instead of waited for."""
    workshop, table, (anna,) = session_with_table(("Anna",), themes=5, seed=3, start=False)
    for level in ("smart", "easy"):
        seating.bot_add(table=table, level=level, by=workshop.facilitator)
    play.table_start(table=table, by=workshop.facilitator, seed=3)
    phone = Phone(anna, seed=3)

    def asleep_until_flagged_away(since: datetime) -> None:
        # The worker writes ``seen`` once more as the socket closes: moved back again.
        deadline = time.monotonic() + GAME_TIMEOUT
        while not TableEvent.objects.filter(
            table=table, data__type="player_away", data__seat=anna.seat
        ).exists():
            Player.objects.filter(pk=anna.pk, seen__gt=since).update(seen=since)
            if time.monotonic() > deadline:
                pytest.fail(f"Anna was not flagged away in {GAME_TIMEOUT:.0f} s")
            time.sleep(0.05)

    async def sleep_and_wake() -> dict:
        await phone.connect(stack)
        assert (await phone.receive())["type"] == "view"
        seen = phone.seq
        await phone.close()  # the phone sleeps: its socket is gone
        since = timezone.now() - timedelta(seconds=ASLEEP_SECONDS)
        await asyncio.to_thread(asleep_until_flagged_away, since)
        stored = await asyncio.to_thread(lambda: Table.objects.get(pk=table.pk).seq)
        assert stored > seen + 1, "the bots did not play on while the phone slept"
        woke = await phone.reconnect(stack)
        await phone.close()
        return woke

    woke = asyncio.run(sleep_and_wake())
    table.refresh_from_db()
    assert woke["type"] == "events" and woke["seq"] == table.seq
    assert phone.seq == table.seq and not phone.problems
    replayed = replay(table)
    assert phone.events == replayed.events[: len(phone.events)]
