"""A table's row keeps the game without its log: a move writes the same few kilobytes
from the first move to the last, and the smart bot still reads the whole log."""

import json
import random

import pytest

from game import engine
from game.models import Player, Table
from game.room import seating
from game.table import play, record, seats
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


def through_json(data):
    return json.loads(json.dumps(data))


def bot_table(levels, *, anna=None, themes=8, seed=21, **options):
    """A table of bots of ``levels`` and Anna, who plays herself or (anna="smart") left
    before the start for a bot; started with ``seed``."""
    workshop, table, _ = session_with_table(("Anna",), start=False, themes=themes, **options)
    for level in levels:
        seating.bot_add(table=table, level=level, by=workshop.facilitator)
    if anna:
        Player.objects.filter(pk=table.players.get(name="Anna").pk).update(bot_level=anna)
    play.table_start(table=table, by=workshop.facilitator, seed=seed)
    table.refresh_from_db()
    return table, Player.objects.get(table=table, name="Anna")


def engine_game(table) -> engine.GameState:
    """The table's deal, by the engine alone."""
    workshop = table.workshop
    seats = table.players.filter(removed=False).count()
    deck, settings = workshop.deck.to_engine(), play._engine_settings(workshop)
    return engine.new_game(deck, seats, table.seed, settings)[0]


def move(table, anna, step: int) -> record.Change:
    """One move: Anna's own (some legal ask) when it is her turn, else a bot's."""
    state = play.table_state(table)
    if state.turn == anna.seat and not anna.is_bot:
        asks = engine.legal_actions(state, state.turn)
        ask = asks[step % len(asks)]
        return play.table_ask(player=anna, target=ask.target, card=ask.card, action_id=f"{step}")
    return play.bot_move(table_id=table.pk)


def asked(change: record.Change) -> engine.Ask:
    event = next(e for e in change.events if e["type"] == "asked")
    return engine.Ask(seat=event["seat"], target=event["target"], card=event["card"])


def without_seq(events):
    return [{k: v for k, v in event.items() if k != "seq"} for event in events]


def play_along(table, anna, *, stop=None):
    """Play the table to the end (or ``stop`` moves), the engine alone applying the same
    asks beside it; pause and resume once, and let a bot take over from Anna, so that
    the table's own events sit between the engine's. Returns the engine's state and,
    per smart bot move, the ask the bot made and the one the full state gives."""
    full = engine_game(table)
    smart_moves = []
    for step in range(stop or 10_000):
        table.refresh_from_db()
        if table.status == Table.Status.OVER:
            break
        if step in (3, 40):
            host = table.workshop.facilitator
            play.table_pause(table=table, by=host)
            play.table_pause(table=table, by=host, paused=False)
        if step == 30 and not anna.is_bot:
            play.player_replace_with_bot(player=anna, by=table.workshop.facilitator)
            anna.refresh_from_db()
        level = table.players.get(seat=full.turn).bot_level
        rng = random.Random(f"{table.seed}:{table.seq}")
        if level == "smart":
            expected = engine.bot_choose(level, engine.seat_view(full, full.turn), rng)
        change = move(table, anna, step)
        full, events = engine.apply(full, asked(change))
        assert without_seq(change.events) == [play._event_data(e) for e in events]
        if level == "smart":
            smart_moves.append((asked(change), expected))
    table.refresh_from_db()
    return full, smart_moves


def test_a_game_through_the_services_ends_as_the_engine_alone_plays_it():
    table, anna = bot_table(("smart", "easy", "smart"), miss_passes_to="next")
    full, _ = play_along(table, anna)
    assert table.status == Table.Status.OVER
    assert "log" not in table.state
    assert table.state == through_json(engine.stored_state_to_json(full))
    assert play.table_state(table, with_log=True) == full


def test_the_smart_bot_asks_what_it_would_ask_from_the_whole_state():
    table, anna = bot_table(("smart", "smart", "easy"), themes=10, seed=4)
    _full, smart_moves = play_along(table, anna)
    assert len(smart_moves) > 40
    assert all(made == expected for made, expected in smart_moves)


def test_a_tables_row_does_not_grow_with_the_game():
    table, _ = bot_table(("smart", "easy", "smart"), anna="easy", themes=13, seed=5)
    sizes = {}
    while play.bot_move(table_id=table.pk) is not None:
        table.refresh_from_db()
        sizes[len(sizes) + 1] = len(json.dumps(table.state))
    assert table.status == Table.Status.OVER and len(sizes) > 60
    assert "log" not in table.state and table.state["log_start"] == table.events.count()
    # Cards only move between hands or leave them in quartets; only counters grow.
    assert sizes[60] <= sizes[5] + 8
    assert max(sizes.values()) <= sizes[1] + 8


def test_a_row_written_before_the_log_moved_out_still_plays():
    table, anna = bot_table(("smart", "easy"), seed=8)
    full, _ = play_along(table, anna, stop=10)
    old = through_json(engine.state_to_json(play.table_state(table, with_log=True)))
    del old["log_start"]  # the form rows had before
    Table.objects.filter(pk=table.pk).update(state=old)
    table.refresh_from_db()
    assert play.table_state(table) == full
    assert seats.state_block(table, anna.seat)["hand"] == list(full.hands[anna.seat])

    change = play.bot_move(table_id=table.pk) or move(table, anna, 10)
    full, _ = engine.apply(full, asked(change))
    table.refresh_from_db()
    assert table.state == through_json(engine.stored_state_to_json(full))


def test_the_log_is_read_back_in_one_query(django_assert_num_queries):
    table, anna = bot_table(("smart", "smart"), seed=3)
    full, _ = play_along(table, anna, stop=35)
    with django_assert_num_queries(1):
        state = play.table_state(table, with_log=True)
    assert state == full


def test_an_easy_bot_moves_without_reading_the_log(monkeypatch):
    table, _ = bot_table(("easy", "easy"), anna="easy", seed=6)

    def no_log(table):
        raise AssertionError("the easy bot read the log")

    monkeypatch.setattr(play, "_engine_log", no_log)
    for _ in range(20):
        assert play.bot_move(table_id=table.pk) is not None
