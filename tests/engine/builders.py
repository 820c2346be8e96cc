"""Small hand-made decks and tables for the rule examples.

Cards are named by theme letter and number: "A1" is card 1 of theme "A". A table is
written hand by hand: table("A1 A2 B1", "A3 A4 B2 B3 B4") seats two players.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from game.engine import CARDS_PER_THEME, Deck, GameState, Settings, Theme


def deck_of(*letters: str) -> Deck:
    """deck_of("A", "B"): themes A and B, cards A1..A4 and B1..B4."""
    return Deck(
        themes=tuple(
            Theme(
                key=letter,
                name=f"Theme {letter}",
                cards=tuple(f"{letter}{n}" for n in range(1, CARDS_PER_THEME + 1)),
            )
            for letter in letters
        )
    )


def table(
    *hands: str,
    turn: int | None = 0,
    laid: Mapping[int, Iterable[str]] | None = None,
    settings: Settings | None = None,
) -> GameState:
    """A running game with exactly these hands. `laid` maps seats to the theme letters
    they have laid already. Every card of every theme mentioned must be in exactly one
    hand or a laid quartet, and no hand may hold a complete theme (it would be down)."""
    split = [hand.split() for hand in hands]
    laid_themes = {seat: list(letters) for seat, letters in (laid or {}).items()}
    letters = sorted(
        {card[:-1] for hand in split for card in hand}
        | {letter for themes in laid_themes.values() for letter in themes}
    )
    deck = deck_of(*letters)
    placed = [card for hand in split for card in hand]
    placed += [f"{t}{n}" for ts in laid_themes.values() for t in ts for n in range(1, 5)]
    assert sorted(placed) == sorted(deck.cards), "every card in exactly one place"
    for hand in split:
        for letter in letters:
            assert sum(card[:-1] == letter for card in hand) < CARDS_PER_THEME, hand
    if turn is not None:
        assert split[turn], "the player to move holds cards"
    return GameState(
        deck=deck,
        settings=settings or Settings(),
        seed=0,
        hands=tuple(tuple(sorted(hand, key=deck.order.__getitem__)) for hand in split),
        laid=tuple(tuple(laid_themes.get(seat, ())) for seat in range(len(hands))),
        turn=turn,
        turn_number=0 if turn is None else 1,
    )


def types(events: Iterable[object]) -> list[str]:
    return [event.type for event in events]
