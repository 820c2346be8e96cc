"""The bots: easy asks at random, smart reasons from the public log. Both see a SeatView only."""

import inspect
import random
from collections import Counter

import pytest

from game.engine import (
    BOTS,
    Ask,
    SeatView,
    apply,
    bot_choose,
    deduce,
    legal_actions,
    play_game,
    seat_view,
    synthetic_deck,
    winners,
)
from tests.engine.builders import table


def play(state, *actions):
    for action in actions:
        state, _ = apply(state, action)
    return state


def test_a_bot_decides_from_a_seat_view_only():
    for bot in BOTS.values():
        view_parameter = next(iter(inspect.signature(bot).parameters.values()))
        assert view_parameter.annotation in (SeatView, "SeatView")
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    for level in BOTS:
        with pytest.raises(TypeError):
            bot_choose(level, state, random.Random(1))


def test_a_bot_refuses_to_move_off_turn():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    with pytest.raises(ValueError):
        bot_choose("easy", seat_view(state, 1), random.Random(1))


def test_an_unknown_bot_level_is_refused():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    with pytest.raises(ValueError, match="genius"):
        bot_choose("genius", seat_view(state, 0), random.Random(1))


def test_the_easy_bot_asks_a_random_legal_card_of_a_random_legal_player():
    state = table("A1 B1", "", "A2 B2 B3", "A3 A4 B4")
    view = seat_view(state, 0)
    asked = Counter(bot_choose("easy", view, random.Random(seed)) for seed in range(600))
    assert set(asked) == set(legal_actions(state, 0))  # every legal ask, and only those
    assert min(asked.values()) > 600 / len(asked) / 3  # none of them rare


def test_the_smart_bot_asks_first_for_a_card_it_knows_a_player_holds():
    state = table("A1 C1", "A3 B1", "A2 B2 B3 C2", "A4 B4 C3 C4", turn=1)
    # Seat 1 takes A2 from seat 2 (public), then misses and the turn comes to seat 0.
    state = play(state, Ask(1, 2, "A2"), Ask(1, 0, "B2"))
    assert state.turn == 0
    view = seat_view(state, 0)
    for seed in range(20):
        assert bot_choose("smart", view, random.Random(seed)) == Ask(0, 1, "A2")


def test_the_smart_bot_learns_from_misses_who_must_hold_a_card():
    state = table("A1 C1", "A2 C3", "A3 B1 B2", "A4 B3 B4 C2 C4", turn=1)
    # Seat 1 misses C2 at seat 2, seat 2 misses B3 at seat 1, seat 1 misses A3 at seat 0.
    state = play(state, Ask(1, 2, "C2"), Ask(2, 1, "B3"), Ask(1, 0, "A3"))
    assert state.turn == 0
    # C2: not seat 0's, seat 1 asked for it, seat 2 was asked in vain: seat 3 has it.
    view = seat_view(state, 0)
    assert "C2" in deduce(view).holds[3]
    assert bot_choose("smart", view, random.Random(1)) == Ask(0, 3, "C2")


def test_the_smart_bot_knows_who_asked_from_a_theme():
    state = table("A1 C1", "A2 C3", "A3 B1 B2", "A4 B3 B4 C2 C4", turn=1)
    state = play(state, Ask(1, 2, "C2"))
    knowledge = deduce(seat_view(state, 0))
    assert state.deck.theme_index["C"] in knowledge.claims[1]
    assert "C2" in knowledge.lacks[1] and "C2" in knowledge.lacks[2]


def test_the_smart_bot_forgets_cards_once_their_quartet_is_down():
    state = table("A1 A2 B1", "A3 B2", "A4 B3 B4", turn=0)
    state = play(state, Ask(0, 1, "A3"), Ask(0, 2, "A4"))
    assert state.laid[0] == ("A",)
    knowledge = deduce(seat_view(state, 1))
    assert not any({"A1", "A2", "A3", "A4"} & held for held in knowledge.holds)


def test_smart_bots_beat_easy_bots():
    # Measured over 2,000 games (simulate --themes 5 --bots smart,easy,smart,easy):
    # the smart seats take ~88% of the win credit. 400 games and a floor of 70% leave
    # a margin of more than ten standard deviations.
    levels = ("smart", "easy", "smart", "easy")
    deck = synthetic_deck(5)
    credit = 0.0
    games = 400
    for seed in range(games):
        won = winners(play_game(deck, levels, seed).state)
        credit += sum(levels[seat] == "smart" for seat in won) / len(won)
    assert credit / games > 0.7
