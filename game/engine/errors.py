"""Refusals with a stable machine code and a human message in Dutch and English."""

from __future__ import annotations

from typing import Any

# code -> (English, Dutch). The codes are an API: clients switch on them, so they never
# change; the texts may. Placeholders are filled from the error's params.
MESSAGES: dict[str, tuple[str, str]] = {
    # Refused actions (IllegalAction).
    "game_over": (
        "The game is over.",
        "Het spel is afgelopen.",
    ),
    "bad_action": (
        "That is not a valid request.",
        "Dat is geen geldig verzoek.",
    ),
    "unknown_player": (
        "There is no seat {player} at this table.",
        "Er is geen stoel {player} aan deze tafel.",
    ),
    "not_your_turn": (
        "It is not your turn.",
        "Je bent niet aan de beurt.",
    ),
    "cannot_ask_yourself": (
        "You cannot ask yourself for a card; ask another player.",
        "Je kunt jezelf geen kaart vragen; vraag het een andere speler.",
    ),
    "target_has_no_cards": (
        "That player has no cards left; ask someone who still holds cards.",
        "Die speler heeft geen kaarten meer; vraag het iemand die nog kaarten heeft.",
    ),
    "unknown_card": (
        "There is no card {card} in this deck.",
        "De kaart {card} zit niet in dit spel.",
    ),
    "theme_already_laid": (
        "The quartet {theme} has already been laid down.",
        "Het kwartet {theme} ligt al op tafel.",
    ),
    "card_already_held": (
        "You hold that card yourself.",
        "Die kaart heb je zelf al.",
    ),
    "theme_not_held": (
        "You may only ask from a quartet you hold a card of, and you hold none of {theme}.",
        "Je mag alleen vragen uit een kwartet waarvan je zelf een kaart hebt, "
        "en je hebt geen kaart uit {theme}.",
    ),
    # A game that cannot be set up (InvalidSetup).
    "empty_deck": (
        "The deck has no themes, so it cannot be played.",
        "Het spel heeft geen kwartetten, dus er kan niet mee gespeeld worden.",
    ),
    "incomplete_deck": (
        "The theme {theme} has {count} cards instead of 4, so the deck cannot be played.",
        "Het kwartet {theme} heeft {count} kaarten in plaats van 4, "
        "dus er kan niet met dit spel gespeeld worden.",
    ),
    "duplicate_theme": (
        "The theme {theme} appears more than once in the deck.",
        "Het kwartet {theme} komt meer dan eens voor in het spel.",
    ),
    "duplicate_card": (
        "The card {card} appears more than once in the deck.",
        "De kaart {card} komt meer dan eens voor in het spel.",
    ),
    "bad_seat_count": (
        "A table seats 2 to 6 players, not {seats}.",
        "Aan een tafel zitten 2 tot 6 spelers, niet {seats}.",
    ),
    "bad_seed": (
        "The seed must be a whole number, not {seed!r}.",
        "De seed moet een geheel getal zijn, niet {seed!r}.",
    ),
    "bad_setting": (
        "The table setting {setting} cannot be {value!r}.",
        "De tafelinstelling {setting} kan niet {value!r} zijn.",
    ),
}


class EngineError(Exception):
    """Base of the engine's refusals: `.code` for machines, `.message_nl`/`.message_en`.
    A subclass may look its texts up in a larger `messages` table."""

    messages: dict[str, tuple[str, str]] = MESSAGES

    def __init__(self, code: str, /, **params: Any) -> None:
        english, dutch = self.messages[code]
        self.code = code
        self.params = params
        self.message_en = english.format(**params)
        self.message_nl = dutch.format(**params)
        super().__init__(f"{code}: {self.message_en}")


class IllegalAction(EngineError):
    """The rules refuse this action. Nothing changed: states are immutable."""


class InvalidSetup(EngineError, ValueError):
    """A deck, seat count, seed or table setting the engine cannot play with."""
