"""Many asks against one table at the same moment: exactly one applies per state.

The PostgreSQL tests run real threads, each with its own connection, released together
by a barrier: ``select_for_update`` makes them queue on the table's row, and each one
after the first sees the state the first left behind. The last test runs on both
databases (SQLite serialises writers with IMMEDIATE transactions and cannot run these
threads on pytest-django's in-memory database): a writer holding a stale copy of the
table is refused with ``conflict`` by the seq guard and changes nothing.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, transaction

from game import engine
from game.errors import Refused
from game.models import ActionReceipt, Player, TableEvent
from game.table import move_sql, play, record
from tests.live.servers import assert_state_matches, replay
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the PostgreSQL run covers it")


def race(calls: list) -> list[Any]:
    """Run the calls in threads at once; each returns its result or its exception."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            connection.ensure_connection()  # connect first, so they start together
            barrier.wait(timeout=10)
            return call()
        except Exception as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def asker(player: Player, ask: engine.Ask, action_id: str):
    return lambda: play.table_ask(
        player=player, target=ask.target, card=ask.card, action_id=action_id
    )


def contested(state: engine.GameState, round_number: int) -> list[engine.Ask]:
    """Asks by the seat to move, chosen so that once any one applies, the others are
    illegal: different asks that all miss (the turn passes), or one ask repeated (the
    seat then holds the card, or lost the turn)."""
    legal = engine.legal_actions(state, state.turn)
    misses = [a for a in legal if a.card not in state.hands[a.target]]
    if round_number % 2 == 0 and len(misses) >= 2:
        return misses[:THREADS]
    hits = [a for a in legal if a.card in state.hands[a.target]]
    return [(hits or legal)[0]] * THREADS


def test_simultaneous_asks_apply_once_per_turn():
    needs_postgresql()
    _workshop, table, players = session_with_table(seed=11)
    by_seat = {p.seat: p for p in players}
    rounds = 0
    while rounds < 8:
        before = game_state(table)
        if before.turn is None:
            break
        asks = contested(before, rounds)
        player = by_seat[before.turn]
        seq_before = table.seq
        results = race([asker(player, ask, f"r{rounds}-t{n}") for n, ask in enumerate(asks)])

        applied = [r for r in results if isinstance(r, record.Change)]
        refused = [(ask, r) for ask, r in zip(asks, results, strict=True) if isinstance(r, Refused)]
        others = [r for r in results if not isinstance(r, record.Change | Refused)]
        assert not others, others
        assert len(applied) == 1, f"round {rounds}: {len(applied)} asks applied"
        assert not applied[0].duplicate
        after = game_state(table)
        assert table.seq == seq_before + len(applied[0].events) == applied[0].seq
        assert after.moves == before.moves + 1
        # Every other ask was judged against the winner's state, and the rules say why.
        for ask, refusal in refused:
            assert refusal.code == engine.why_illegal(after, ask).code, (ask, refusal.code)
        assert ActionReceipt.objects.count() == rounds + 1
        rounds += 1

    assert rounds >= 4
    assert_state_matches(table, replay(table))


def test_the_same_action_id_from_many_threads_applies_once():
    needs_postgresql()
    _workshop, table, players = session_with_table(seed=5)
    state = game_state(table)
    player = next(p for p in players if p.seat == state.turn)
    ask = engine.legal_actions(state, state.turn)[0]
    seq_before = table.seq

    results = race([asker(player, ask, "retry-me")] * THREADS)

    assert all(isinstance(r, record.Change) for r in results), results
    fresh = [r for r in results if not r.duplicate]
    assert len(fresh) == 1
    assert all(r.seq == fresh[0].seq and r.events == () for r in results if r.duplicate)
    table.refresh_from_db()
    assert table.seq == fresh[0].seq == seq_before + len(fresh[0].events)
    assert game_state(table).moves == 1
    assert ActionReceipt.objects.filter(player=player, action_id="retry-me").count() == 1
    assert_state_matches(table, replay(table))


def test_a_stale_writer_gets_conflict_and_changes_nothing(monkeypatch):
    """On any database: the seq check catches a writer that read the table before
    another change landed (what the row lock or the IMMEDIATE transaction prevents)."""
    _workshop, table, players = session_with_table(seed=3)
    stale = move_sql.locked_table(table.pk)  # the row as the move's lock reads it
    state = game_state(table)
    mover = next(p for p in players if p.seat == state.turn)
    ask = engine.legal_actions(state, state.turn)[0]
    play.table_ask(player=mover, target=ask.target, card=ask.card, action_id="first")
    table.refresh_from_db()
    snapshot = (table.seq, table.state, TableEvent.objects.count(), ActionReceipt.objects.count())

    # Straight at the guard: recording on top of the old seq.
    with pytest.raises(Refused) as refused, transaction.atomic():
        record.record(stale, [{"type": "paused"}], paused=True)
    assert refused.value.code == "conflict"

    # Through the service, as if the lock had handed out the old row: an ask that is
    # legal in the stale state is refused, and neither its events nor its receipt stay.
    monkeypatch.setattr(move_sql, "locked_table", lambda table_id: stale)
    stale_state = engine.stored_state_from_json(stale.state)
    stale_mover = next(p for p in players if p.seat == stale_state.turn)
    stale_ask = engine.legal_actions(stale_state, stale_state.turn)[-1]
    with pytest.raises(Refused) as refused:
        play.table_ask(
            player=stale_mover, target=stale_ask.target, card=stale_ask.card, action_id="late"
        )
    assert refused.value.code == "conflict"

    table.refresh_from_db()
    assert not table.paused
    assert (
        table.seq,
        table.state,
        TableEvent.objects.count(),
        ActionReceipt.objects.count(),
    ) == snapshot
    assert not ActionReceipt.objects.filter(action_id="late").exists()
    assert_state_matches(table, replay(table))
