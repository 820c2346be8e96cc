"""One example per rule in RULES.md, on small hand-made tables."""

import pytest

from game.engine import (
    Ask,
    Deck,
    GameOver,
    IllegalAction,
    InvalidSetup,
    QuartetLaid,
    Settings,
    Theme,
    TurnPassed,
    apply,
    is_over,
    legal_actions,
    new_game,
    scores,
    synthetic_deck,
    winners,
)
from game.engine.errors import ILLEGAL_ACTIONS
from tests.engine.builders import deck_of, table, types

# The deck


def test_a_theme_without_four_cards_cannot_be_played_and_is_named():
    deck = Deck(
        themes=(
            Theme(key="netwerk", name="Netwerk", cards=("n1", "n2", "n3", "n4")),
            Theme(key="geld", name="Geld", cards=("g1", "g2", "g3")),
        )
    )
    with pytest.raises(InvalidSetup) as refusal:
        new_game(deck, seats=3, seed=1)
    assert refusal.value.code == "incomplete_deck"
    assert refusal.value.params["theme_key"] == "geld"
    assert refusal.value.params["theme"] == "Geld"  # its message names the theme


def test_a_theme_with_five_cards_cannot_be_played_either():
    deck = Deck(themes=(Theme(key="t", name="T", cards=("1", "2", "3", "4", "5")),))
    with pytest.raises(InvalidSetup) as refusal:
        new_game(deck, seats=2, seed=1)
    assert refusal.value.code == "incomplete_deck"


def test_a_card_twice_in_the_deck_cannot_be_played():
    deck = Deck(
        themes=(
            Theme(key="a", name="A", cards=("a1", "a2", "a3", "a4")),
            Theme(key="b", name="B", cards=("b1", "b2", "b3", "a4")),
        )
    )
    with pytest.raises(InvalidSetup) as refusal:
        new_game(deck, seats=2, seed=1)
    assert refusal.value.code == "duplicate_card"


def test_a_deck_without_themes_cannot_be_played():
    with pytest.raises(InvalidSetup) as refusal:
        new_game(Deck(themes=()), seats=2, seed=1)
    assert refusal.value.code == "empty_deck"


# Players and dealing


@pytest.mark.parametrize("seats", [0, 1, 7, 12])
def test_a_table_seats_two_to_six_players(seats):
    with pytest.raises(InvalidSetup) as refusal:
        new_game(synthetic_deck(5), seats=seats, seed=1)
    assert refusal.value.code == "bad_seat_count"


def test_the_deal_is_round_robin_so_hands_differ_by_at_most_one_card():
    state, events = new_game(synthetic_deck(5), seats=3, seed=7)
    dealt = events[0].hand_sizes
    assert dealt == (7, 7, 6)
    held = [card for hand in state.hands for card in hand]
    down = [
        card
        for theme in state.deck.themes
        for keys in state.laid
        if theme.key in keys
        for card in theme.cards
    ]
    assert sorted(held + down) == sorted(state.deck.cards)


def test_the_shuffle_comes_from_the_seed():
    deck = synthetic_deck(5)
    assert new_game(deck, 4, seed=3) == new_game(deck, 4, seed=3)
    hands = {new_game(deck, 4, seed=seed)[0].hands for seed in range(20)}
    assert len(hands) == 20


def test_a_dealt_quartet_is_laid_at_once():
    # Two seats and two themes: 4 cards each. Find a seed that deals a theme whole.
    deck = deck_of("A", "B")
    for seed in range(200):
        state, events = new_game(deck, seats=2, seed=seed)
        if any(state.laid):
            break
    else:
        pytest.fail("no seed dealt a quartet")
    dealt = [event for event in events if isinstance(event, QuartetLaid)]
    assert dealt and all(event.dealt for event in dealt)
    # Whoever got A whole got B whole too: both lay at once and the game is over
    # before a single ask.
    assert state.laid in ((("A",), ("B",)), (("B",), ("A",)))
    assert is_over(state)
    assert types(events)[-1] == "game_over"


def test_a_dealt_quartet_is_laid_before_the_first_turn():
    deck = synthetic_deck(3)
    for seed in range(500):
        state, events = new_game(deck, seats=2, seed=seed)
        if any(state.laid) and not is_over(state):
            break
    else:
        pytest.fail("no seed dealt a quartet")
    kinds = types(events)
    assert kinds.index("quartet_laid") < kinds.index("turn_passed")
    for hand in state.hands:
        themes = [state.deck.theme_of[card] for card in hand]
        assert all(themes.count(theme) < 4 for theme in themes)


def test_the_first_player_is_drawn_from_the_seed():
    deck = synthetic_deck(5)
    firsts = {new_game(deck, 4, seed=seed)[0].turn for seed in range(40)}
    assert firsts == {0, 1, 2, 3}


def test_the_facilitator_may_pick_the_first_player():
    state, _ = new_game(synthetic_deck(5), 4, seed=1, settings=Settings(first_player=2))
    assert state.turn == 2


# A turn


def test_a_hit_moves_the_card_to_the_asker():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    after, events = apply(state, Ask(seat=0, target=1, card="A2"))
    assert after.hands == (("A1", "A2", "B1"), ("B2", "B3"), ("A3", "A4", "B4"))
    assert types(events) == ["asked", "hit"]


def test_a_hit_asks_again():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    after, _ = apply(state, Ask(seat=0, target=1, card="A2"))
    assert after.turn == 0
    assert after.turn_number == state.turn_number
    assert legal_actions(after, 0)


def test_a_miss_passes_the_turn_to_the_asked_player():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    after, events = apply(state, Ask(seat=0, target=1, card="A3"))
    assert after.hands == state.hands
    assert types(events) == ["asked", "miss", "turn_passed"]
    assert after.turn == 1
    assert events[-1] == TurnPassed(events[-1].seq, seat=1, from_seat=0, reason="miss")


def test_a_miss_passes_to_the_next_player_when_the_table_says_so():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4", settings=Settings(miss_passes_to="next"))
    after, _ = apply(state, Ask(seat=0, target=2, card="A2"))
    assert after.turn == 1


def test_a_hit_that_completes_a_theme_lays_the_quartet_at_once():
    state = table("A1 A2 A3 B1", "A4 B2", "B3 B4")
    after, events = apply(state, Ask(seat=0, target=1, card="A4"))
    assert after.hands[0] == ("B1",)
    assert after.laid == (("A",), (), ())
    laid = events[2]
    assert isinstance(laid, QuartetLaid)
    assert (laid.seat, laid.theme, laid.cards, laid.dealt) == (
        0,
        "A",
        ("A1", "A2", "A3", "A4"),
        False,
    )
    assert after.turn == 0  # still a hit: ask again


# The conditions of an ask, each refused with its code and nothing changed


def refusal(state, action):
    with pytest.raises(IllegalAction) as raised:
        apply(state, action)
    assert raised.value.code in ILLEGAL_ACTIONS
    return raised.value.code


def test_you_may_only_ask_on_your_turn():
    state = table("A1 B1", "A2 B2 B3", "A3 A4 B4")
    assert refusal(state, Ask(seat=1, target=0, card="A1")) == "not_your_turn"


def test_you_may_not_ask_once_the_game_is_over():
    state = table("", "", laid={0: "A", 1: "B"}, turn=None)
    assert refusal(state, Ask(seat=0, target=1, card="B1")) == "game_over"


def test_you_may_only_ask_from_a_theme_you_hold():
    state = table("A1 A2", "A3 B1 B2", "A4 B3 B4")
    assert refusal(state, Ask(seat=0, target=1, card="B1")) == "theme_not_held"


def test_you_cannot_ask_for_a_card_you_hold():
    state = table("A1 A2", "A3 B1 B2", "A4 B3 B4")
    assert refusal(state, Ask(seat=0, target=1, card="A2")) == "card_already_held"


def test_you_cannot_ask_yourself():
    state = table("A1 A2", "A3 B1 B2", "A4 B3 B4")
    assert refusal(state, Ask(seat=0, target=0, card="A3")) == "cannot_ask_yourself"


def test_you_cannot_ask_a_player_without_cards():
    state = table("A1 A2", "", "A3 A4 B1", "B2 B3 B4")
    assert refusal(state, Ask(seat=0, target=1, card="A3")) == "target_has_no_cards"


def test_you_cannot_ask_a_player_who_is_not_at_the_table():
    state = table("A1 A2", "A3 B1 B2", "A4 B3 B4")
    assert refusal(state, Ask(seat=0, target=3, card="A3")) == "unknown_player"
    assert refusal(state, Ask(seat=0, target=-1, card="A3")) == "unknown_player"
    assert refusal(state, Ask(seat=5, target=1, card="A3")) == "unknown_player"


def test_you_cannot_ask_for_a_card_that_is_not_in_the_deck():
    state = table("A1 A2", "A3 B1 B2", "A4 B3 B4")
    assert refusal(state, Ask(seat=0, target=1, card="A5")) == "unknown_card"


def test_you_cannot_ask_from_a_quartet_already_laid():
    state = table("B1 C1", "B2 B3 C2", "B4 C3 C4", laid={1: "A"})
    assert refusal(state, Ask(seat=0, target=1, card="A1")) == "theme_already_laid"


def test_a_malformed_action_is_refused():
    state = table("A1 A2", "A3 B1 B2", "A4 B3 B4")
    assert refusal(state, Ask(seat=0, target="1", card="A3")) == "bad_action"
    assert refusal(state, "ask seat 1 for A3") == "bad_action"


def test_a_refused_ask_changes_nothing():
    state = table("A1 A2", "A3 B1 B2", "A4 B3 B4")
    before = repr(state), state.hands, state.log
    for action in (Ask(1, 0, "A1"), Ask(0, 1, "B1"), Ask(0, 1, "A2"), Ask(0, 0, "A3")):
        with pytest.raises(IllegalAction):
            apply(state, action)
    assert (repr(state), state.hands, state.log) == before


# Running out of cards


def test_a_player_without_cards_takes_no_turns_and_cannot_be_asked():
    state = table("A1 A2", "", "A3 A4 B1", "B2 B3 B4")
    assert legal_actions(state, 1) == []
    assert {action.target for action in legal_actions(state, 0)} == {2, 3}


def test_an_empty_hand_is_skipped():
    state = table("A1 B1", "", "A2 B2", "A3 A4 B3 B4", settings=Settings(miss_passes_to="next"))
    after, _ = apply(state, Ask(seat=0, target=3, card="A2"))
    assert after.turn == 2


def test_a_first_player_without_cards_is_skipped():
    # One theme at six seats: seats 4 and 5 are dealt nothing.
    state, events = new_game(synthetic_deck(1), seats=6, seed=1, settings=Settings(first_player=4))
    assert state.hands[4] == state.hands[5] == ()
    assert state.turn == 0
    assert [event.seat for event in events if event.type == "player_out"] == [4, 5]


def test_losing_your_last_card_puts_you_out():
    state = table("A1 B1", "A2", "A3 A4 B2 B3 B4")
    after, events = apply(state, Ask(seat=0, target=1, card="A2"))
    assert types(events) == ["asked", "hit", "player_out"]
    assert events[-1].seat == 1
    assert after.turn == 0


def test_laying_your_last_cards_passes_the_turn_to_the_next_player_with_cards():
    state = table("A1 A2 A3", "", "A4 B1", "B2 B3 B4")
    after, events = apply(state, Ask(seat=0, target=2, card="A4"))
    assert types(events) == ["asked", "hit", "quartet_laid", "player_out", "turn_passed"]
    assert after.turn == 2
    assert events[-1].reason == "out"


# The end


def test_the_game_ends_when_every_quartet_is_laid():
    state = table("A1 A2 A3", "A4", laid={1: "B"})
    after, events = apply(state, Ask(seat=0, target=1, card="A4"))
    assert is_over(after)
    assert after.turn is None
    assert types(events)[-1] == "game_over"
    assert legal_actions(after, 0) == legal_actions(after, 1) == []


def test_the_most_quartets_wins():
    state = table("A1 A2 A3", "A4", laid={0: "B", 1: "CD"})
    after, events = apply(state, Ask(seat=0, target=1, card="A4"))
    assert scores(after) == (2, 2)
    state = table("A1 A2 A3", "A4", laid={0: "BE", 1: "CD"})
    after, events = apply(state, Ask(seat=0, target=1, card="A4"))
    assert scores(after) == (3, 2)
    assert winners(after) == (0,)
    assert events[-1] == GameOver(events[-1].seq, winners=(0,), scores=(3, 2))


def test_ties_share_first_place():
    state = table("A1 A2 A3", "A4", "", laid={0: "B", 1: "CD", 2: "E"})
    after, events = apply(state, Ask(seat=0, target=1, card="A4"))
    assert winners(after) == (0, 1)
    assert events[-1].winners == (0, 1)


def test_nobody_has_won_while_the_game_runs():
    state = table("A1 A2", "A3 A4", laid={0: "B"})
    assert winners(state) == ()


# Discussion moments


def test_a_laid_quartet_makes_a_pause_due_when_the_table_says_so():
    settings = Settings(pause_on_quartet=30)
    state = table("A1 A2 A3 B1", "A4 B2", "B3 B4", settings=settings)
    after, events = apply(state, Ask(seat=0, target=1, card="A4"))
    assert types(events) == ["asked", "hit", "quartet_laid", "pause_due"]
    assert (events[-1].seconds, events[-1].theme) == (30, "A")
    assert after.pause_due == 30
    again, _ = apply(after, Ask(seat=0, target=1, card="B2"))
    assert again.pause_due == 0


def test_no_pause_is_due_by_default():
    state = table("A1 A2 A3 B1", "A4 B2", "B3 B4")
    after, events = apply(state, Ask(seat=0, target=1, card="A4"))
    assert "pause_due" not in types(events)
    assert after.pause_due == 0


@pytest.mark.parametrize(
    "values",
    [
        {"miss_passes_to": "left"},
        {"pause_on_quartet": -1},
        {"pause_on_quartet": 1.5},
        {"first_player": 6},
        {"first_player": True},
    ],
)
def test_a_setting_outside_the_rules_is_refused(values):
    with pytest.raises(InvalidSetup) as refusal:
        Settings(**values)
    assert refusal.value.code == "bad_setting"


def test_a_first_player_beyond_the_table_is_refused():
    with pytest.raises(InvalidSetup) as refusal:
        new_game(synthetic_deck(3), seats=3, seed=1, settings=Settings(first_player=4))
    assert refusal.value.code == "bad_setting"


# Bookkeeping


def test_every_event_is_numbered_in_order():
    state, events = new_game(synthetic_deck(5), seats=4, seed=1)
    action = legal_actions(state, state.turn)[0]
    after, more = apply(state, action)
    assert [event.seq for event in after.log] == list(range(len(after.log)))
    assert after.log == events + more
    assert after.moves == 1
