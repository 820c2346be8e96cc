"""The deck as the engine sees it: themes of four card keys. No texts, no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from game.engine.errors import InvalidSetup

CARDS_PER_THEME = 4


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    name: str
    cards: tuple[str, ...]


# Not slotted, so that the card indexes below can be cached on the instance: a state
# carries its deck, and apply() looks a card's theme up on every move.
@dataclass(frozen=True)
class Deck:
    themes: tuple[Theme, ...]

    def validate(self) -> None:
        """Raise InvalidSetup naming the first theme or card that makes the deck unplayable."""
        if not self.themes:
            raise InvalidSetup("empty_deck")
        seen_themes: set[str] = set()
        seen_cards: set[str] = set()
        for theme in self.themes:
            if len(theme.cards) != CARDS_PER_THEME:
                raise InvalidSetup(
                    "incomplete_deck", theme=theme.name, theme_key=theme.key, count=len(theme.cards)
                )
            if theme.key in seen_themes:
                raise InvalidSetup("duplicate_theme", theme=theme.name, theme_key=theme.key)
            seen_themes.add(theme.key)
            for card in theme.cards:
                if card in seen_cards:
                    raise InvalidSetup("duplicate_card", card=card)
                seen_cards.add(card)

    @cached_property
    def cards(self) -> tuple[str, ...]:
        """Every card, in deck order (theme by theme)."""
        return tuple(card for theme in self.themes for card in theme.cards)

    @cached_property
    def theme_of(self) -> Mapping[str, int]:
        """Card key -> index of its theme in `themes`."""
        return MappingProxyType(
            {card: i for i, theme in enumerate(self.themes) for card in theme.cards}
        )

    @cached_property
    def order(self) -> Mapping[str, int]:
        """Card key -> position in deck order; hands are kept sorted by it."""
        return MappingProxyType({card: i for i, card in enumerate(self.cards)})

    @cached_property
    def theme_index(self) -> Mapping[str, int]:
        """Theme key -> index in `themes`."""
        return MappingProxyType({theme.key: i for i, theme in enumerate(self.themes)})


def synthetic_deck(themes: int) -> Deck:
    """A playable deck of `themes` made-up themes, for simulations and tests."""
    if themes < 1:
        raise InvalidSetup("empty_deck")
    return Deck(
        themes=tuple(
            Theme(
                key=f"theme-{t}",
                name=f"Theme {t}",
                cards=tuple(f"theme-{t}-{n}" for n in range(1, CARDS_PER_THEME + 1)),
            )
            for t in range(1, themes + 1)
        )
    )
