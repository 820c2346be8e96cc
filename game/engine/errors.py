"""Refusals of the rules: a stable machine code and its parameters, nothing more.

What people read is not the engine's business: game/errors.py holds a translated
message for every code, and the page or socket that shows a refusal renders it in its
reader's language.
"""

from __future__ import annotations

from typing import Any

# The codes are an API (game/PROTOCOL.md): clients switch on them, so they never change.
# Refused actions (IllegalAction), with their parameters.
ILLEGAL_ACTIONS = frozenset(
    {
        "game_over",
        "bad_action",
        "unknown_player",  # player: the seat
        "not_your_turn",
        "cannot_ask_yourself",
        "target_has_no_cards",
        "unknown_card",  # card: its key
        "theme_already_laid",  # theme: its name
        "card_already_held",
        "theme_not_held",  # theme: its name
    }
)
# A game that cannot be set up (InvalidSetup).
INVALID_SETUPS = frozenset(
    {
        "empty_deck",
        "incomplete_deck",  # theme, count
        "duplicate_theme",  # theme, theme_key
        "duplicate_card",  # card
        "bad_seat_count",  # seats
        "bad_seed",  # seed
        "bad_setting",  # setting, value
    }
)
CODES = ILLEGAL_ACTIONS | INVALID_SETUPS


class EngineError(Exception):
    """Base of the engine's refusals: ``.code`` for machines, ``.params`` to fill in
    the message shown for it (game.errors.Refused.from_engine)."""

    codes: frozenset[str] = CODES

    def __init__(self, code: str, /, **params: Any) -> None:
        if code not in self.codes:
            raise KeyError(code)
        self.code = code
        self.params = params
        super().__init__(code, params)

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code


class IllegalAction(EngineError):
    """The rules refuse this action. Nothing changed: states are immutable."""

    codes = ILLEGAL_ACTIONS


class InvalidSetup(EngineError, ValueError):
    """A deck, seat count, seed or table setting the engine cannot play with."""

    codes = INVALID_SETUPS
