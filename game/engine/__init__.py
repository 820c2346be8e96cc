"""The rules of "Mag ik van u ...": pure functions over plain, serialisable state.

Standard library only: no Django, no I/O, no clock, no global random.
"""

from game.engine.deck import CARDS_PER_THEME, Deck, Theme

__all__ = ["CARDS_PER_THEME", "Deck", "Theme"]
