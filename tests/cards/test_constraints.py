"""The database refuses a deck that breaks the quartet's shape."""

import pytest
from django.db import IntegrityError, transaction

from tests.factories import CardFactory, DeckFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [0, 5])
def test_a_card_number_outside_1_to_4_is_refused(number):
    theme = ThemeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CardFactory(theme=theme, number=number)


def test_a_card_number_is_unique_within_its_theme():
    theme = ThemeFactory()
    CardFactory(theme=theme, number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        CardFactory(theme=theme, number=2)


def test_the_same_card_number_is_fine_in_another_theme():
    CardFactory(theme=ThemeFactory(), number=2)
    CardFactory(theme=ThemeFactory(), number=2)


def test_a_theme_order_is_unique_within_its_deck():
    deck = DeckFactory()
    ThemeFactory(deck=deck, order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeFactory(deck=deck, order=1)


def test_a_theme_slug_is_unique_within_its_deck():
    deck = DeckFactory()
    ThemeFactory(deck=deck, slug="geld")
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeFactory(deck=deck, slug="geld")
    ThemeFactory(deck=DeckFactory(), slug="geld")


def test_a_theme_colour_must_be_hex():
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeFactory(colour="red")
