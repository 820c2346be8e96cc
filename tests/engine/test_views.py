"""Projections: a seat sees its own hand and public facts; the projector sees no hand."""

import json

import pytest

from game.engine import Ask, apply, public_view, seat_view, view_to_json
from tests.engine.builders import table


def test_a_seat_sees_its_own_hand_and_only_the_size_of_the_others():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    view = seat_view(state, 1)
    assert view.hand == ("A2", "B2", "B3")
    assert view.hand_sizes == (2, 3, 3)
    text = json.dumps(view_to_json(view)["hand_sizes"]) + json.dumps(view_to_json(view)["hand"])
    assert "A1" not in text and "A3" not in text


def test_the_projector_sees_no_hand():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    data = view_to_json(public_view(state))
    assert data["kind"] == "public"
    assert "hand" not in data
    assert not set(state.deck.cards) & set(json.dumps(data["hand_sizes"]).split('"'))


def test_every_view_carries_the_public_log_and_the_score():
    state = table("A1 A2 A3 B1", "A4 B2", "B3 B4")
    state, events = apply(state, Ask(0, 1, "A4"))
    for view in (public_view(state), seat_view(state, 2)):
        assert view.log == events
        assert view.laid == (("A",), (), ())
        assert view.scores == (1, 0, 0)
        assert view.turn == 0
        assert not view.over and view.winners == ()


def test_a_finished_game_shows_its_winners():
    state = table("A1 A2 A3", "A4", laid={1: "B"})
    state, _ = apply(state, Ask(0, 1, "A4"))
    assert public_view(state).over
    assert seat_view(state, 0).winners == (0, 1)


def test_no_view_for_a_seat_that_is_not_at_the_table():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    with pytest.raises(ValueError):
        seat_view(state, 3)
