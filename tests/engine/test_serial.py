"""JSON: states, events, actions and views come back exactly as they went in."""

import json

import pytest

from game.engine import (
    Ask,
    Hit,
    IllegalAction,
    Settings,
    action_from_json,
    action_to_json,
    event_from_json,
    event_to_json,
    new_game,
    public_view,
    seat_view,
    state_from_json,
    state_to_json,
    synthetic_deck,
    view_from_json,
    view_to_json,
)


def through_json(data):
    return json.loads(json.dumps(data))


def test_a_new_game_round_trips_through_json():
    state, _ = new_game(synthetic_deck(5), 4, seed=2**80, settings=Settings(pause_on_quartet=9))
    assert state_from_json(through_json(state_to_json(state))) == state


def test_an_event_is_serialised_with_its_type():
    event = Hit(7, seat=1, target=2, card="netwerk-3")
    data = through_json(event_to_json(event))
    assert data == {"type": "hit", "seq": 7, "seat": 1, "target": 2, "card": "netwerk-3"}
    assert event_from_json(data) == event


def test_an_action_round_trips_through_json():
    action = Ask(seat=0, target=3, card="geld-2")
    assert action_to_json(action) == {"type": "ask", "seat": 0, "target": 3, "card": "geld-2"}
    assert action_from_json(through_json(action_to_json(action))) == action


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"type": "ask", "seat": 0, "target": 1},
        {"type": "ask", "seat": "0", "target": 1, "card": "x"},
        {"type": "ask", "seat": 0, "target": True, "card": "x"},
        {"type": "ask", "seat": 0, "target": 1, "card": 3},
        {"type": "pass", "seat": 0},
    ],
)
def test_a_malformed_action_is_refused(data):
    with pytest.raises(IllegalAction) as refusal:
        action_from_json(data)
    assert refusal.value.code == "bad_action"


def test_views_round_trip_through_json():
    state, _ = new_game(synthetic_deck(3), 3, seed=5)
    for view in (public_view(state), seat_view(state, 2)):
        assert view_from_json(through_json(view_to_json(view))) == view


def test_a_state_of_an_unknown_version_is_refused():
    state, _ = new_game(synthetic_deck(3), 3, seed=5)
    data = state_to_json(state) | {"version": 99}
    with pytest.raises(ValueError, match="version"):
        state_from_json(data)
