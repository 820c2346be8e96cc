"""The deck as the engine sees it: themes of four card keys. No texts, no Django."""

from __future__ import annotations

from dataclasses import dataclass

CARDS_PER_THEME = 4


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    name: str
    cards: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Deck:
    themes: tuple[Theme, ...]
