"""A deck knows whether it can be played, and says why not."""

import pytest
from django.utils import translation

from game import engine
from tests.factories import CardFactory, DeckFactory, ThemeFactory, playable_deck

pytestmark = pytest.mark.django_db


def test_a_complete_deck_is_playable():
    deck = playable_deck(themes=5)
    assert deck.problems() == []
    assert deck.is_playable


def test_a_deck_without_themes_is_not_playable():
    deck = DeckFactory()
    with translation.override("en"):
        assert deck.problems() == ["The deck has no themes."]
    assert not deck.is_playable


def test_a_theme_with_three_cards_is_named():
    deck = playable_deck(themes=2)
    geld = ThemeFactory(deck=deck, order=3, name="Geld", slug="geld")
    for number in (1, 2, 3):
        CardFactory(theme=geld, number=number)
    with translation.override("en"):
        assert deck.problems() == ["Geld has 3 cards instead of 4."]
    with translation.override("nl"):
        assert deck.problems() == ["Geld heeft 3 kaarten in plaats van 4."]
    assert not deck.is_playable


def test_every_incomplete_theme_is_named():
    deck = DeckFactory()
    ThemeFactory(deck=deck, order=1, name="Leeg", slug="leeg")
    beleid = ThemeFactory(deck=deck, order=2, name="Beleid", slug="beleid")
    CardFactory(theme=beleid, number=1)
    with translation.override("en"):
        assert deck.problems() == [
            "Leeg has 0 cards instead of 4.",
            "Beleid has 1 card instead of 4.",
        ]


def test_a_deck_becomes_the_engines_deck_with_stable_card_keys():
    deck = playable_deck(themes=2)
    engine_deck = deck.to_engine()
    assert engine_deck == engine.Deck(
        themes=(
            engine.Theme(
                key="thema-1",
                name="Thema 1",
                cards=("thema-1-1", "thema-1-2", "thema-1-3", "thema-1-4"),
            ),
            engine.Theme(
                key="thema-2",
                name="Thema 2",
                cards=("thema-2-1", "thema-2-2", "thema-2-3", "thema-2-4"),
            ),
        )
    )
