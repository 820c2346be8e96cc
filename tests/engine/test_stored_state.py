"""The stored form of a state: everything but the log, so a table's row keeps its size."""

import json
import random
from dataclasses import replace

import pytest

from game.engine import (
    GameState,
    apply,
    bot_choose,
    bot_needs_log,
    deduce,
    new_game,
    play_game,
    public_view,
    seat_view,
    state_from_json,
    state_to_json,
    stored_state_from_json,
    stored_state_to_json,
    synthetic_deck,
)

DECK = synthetic_deck(13)
LEVELS = ("smart", "smart", "easy", "smart")


def through_json(data):
    return json.loads(json.dumps(data))


def reload(state: GameState) -> GameState:
    """The state as a table loads it from its row: without its history."""
    return stored_state_from_json(through_json(stored_state_to_json(state)))


def states_of_a_game(seed: int = 11) -> list[GameState]:
    """Every state of one bot game, the deal first."""
    state, _ = new_game(DECK, len(LEVELS), seed)
    states = [state]
    for action in play_game(DECK, LEVELS, seed).actions:
        state, _ = apply(state, action)
        states.append(state)
    return states


def test_the_stored_form_leaves_out_the_log_but_counts_it():
    state = states_of_a_game()[30]
    data = through_json(stored_state_to_json(state))
    assert "log" not in data
    assert data["log_start"] == state.seq == len(state.log)
    assert reload(state) == replace(state, log=(), log_start=state.seq)


def test_the_stored_form_does_not_grow_with_the_game():
    states = states_of_a_game()
    assert len(states) > 60
    sizes = [len(json.dumps(stored_state_to_json(state))) for state in states]
    # Cards only move between hands or leave them in quartets; only the counters grow.
    assert max(sizes) <= sizes[0] + 8
    assert abs(sizes[60] - sizes[5]) < sizes[5] / 4
    full = [len(json.dumps(state_to_json(state))) for state in states]
    assert full[60] > 4 * sizes[60]


def test_a_state_loaded_without_its_log_plays_on_exactly_like_the_full_one():
    record = play_game(DECK, LEVELS, seed=12)
    full, _ = new_game(DECK, len(LEVELS), 12)
    for action in record.actions:
        loaded = reload(full)
        assert public_view(loaded).hand_sizes == public_view(full).hand_sizes
        assert seat_view(loaded, action.seat).legal_actions() == (
            seat_view(full, action.seat).legal_actions()
        )
        full, events = apply(full, action)
        loaded, loaded_events = apply(loaded, action)
        assert loaded_events == events  # numbered on from log_start
        assert loaded.log == events and loaded.seq == full.seq
        assert stored_state_to_json(loaded) == stored_state_to_json(full)
    assert full == record.state
    assert reload(full).turn is None and public_view(reload(full)).winners == (
        public_view(full).winners
    )


def test_a_state_without_its_whole_log_round_trips_through_json():
    record = play_game(DECK, LEVELS, seed=11)
    partial, _ = new_game(DECK, len(LEVELS), 11)
    for action in record.actions[:20]:
        partial, _ = apply(partial, action)
    partial, _ = apply(reload(partial), record.actions[20])
    assert partial.log and partial.log_start > 0
    assert state_from_json(through_json(state_to_json(partial))) == partial


def test_the_log_given_back_restores_the_full_state():
    state = states_of_a_game()[40]
    data = through_json(stored_state_to_json(state))
    assert stored_state_from_json(data, log=state.log) == state


@pytest.mark.parametrize(
    "log",
    [
        lambda log: log[:-1],
        lambda log: log[1:],
        lambda log: (*log[:-1], replace(log[-1], seq=log[-1].seq + 1)),
    ],
    ids=["one short", "first missing", "misnumbered"],
)
def test_a_log_that_is_not_the_states_history_is_refused(log):
    state = states_of_a_game()[40]
    with pytest.raises(ValueError):
        stored_state_from_json(stored_state_to_json(state), log=log(state.log))


def test_a_state_written_before_the_log_moved_out_still_loads_with_its_log():
    state = states_of_a_game()[25]
    old = through_json(state_to_json(state))
    del old["log_start"]  # rows written before this change have no log_start
    assert stored_state_from_json(old) == state
    assert stored_state_from_json(old, log=state.log) == state


def test_the_smart_bot_refuses_a_view_without_the_whole_log():
    state = states_of_a_game()[30]
    view = seat_view(reload(state), state.turn)
    assert bot_needs_log("smart") and not bot_needs_log("easy")
    with pytest.raises(ValueError, match="whole public log"):
        deduce(view)
    bot_choose("easy", view, random.Random(1))  # the easy bot needs no log
