"""Projections: what one seat, or the projector, may see of a game.

The server sends only these, never the GameState. A view holds the seat's own hand
and public facts (card counts, quartets, whose turn, the public event log, the deck's
make-up and the table settings); never another hand, the deck order or the seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.engine.deck import Deck
from game.engine.rules import asks_for, winners_of
from game.engine.state import Ask, Event, GameState, Settings


@dataclass(frozen=True, slots=True)
class PublicView:
    """What the projector and the facilitator see: no hand at all."""

    deck: Deck
    settings: Settings
    hand_sizes: tuple[int, ...]
    laid: tuple[tuple[str, ...], ...]
    turn: int | None
    over: bool
    winners: tuple[int, ...]
    scores: tuple[int, ...]
    moves: int
    turn_number: int
    pause_due: int
    # The public events from seq `log_start` on: all of them (0) unless the state was
    # loaded without its history.
    log: tuple[Event, ...] = field(repr=False)
    log_start: int

    @property
    def seats(self) -> int:
        return len(self.hand_sizes)

    @property
    def seq(self) -> int:
        return self.log_start + len(self.log)


@dataclass(frozen=True, slots=True)
class SeatView(PublicView):
    """What the player at `seat` sees: the public view plus their own hand."""

    seat: int
    hand: tuple[str, ...]

    @property
    def my_turn(self) -> bool:
        return self.turn == self.seat

    def legal_actions(self) -> list[Ask]:
        """The same list as rules.legal_actions(state, seat), from the view alone."""
        if not self.my_turn:
            return []
        return asks_for(self.deck, self.seat, self.hand, self.hand_sizes)


def _public_fields(state: GameState) -> dict:
    over = state.turn is None
    return {
        "deck": state.deck,
        "settings": state.settings,
        "hand_sizes": tuple(map(len, state.hands)),
        "laid": state.laid,
        "turn": state.turn,
        "over": over,
        "winners": winners_of(state.laid) if over else (),
        "scores": tuple(map(len, state.laid)),
        "moves": state.moves,
        "turn_number": state.turn_number,
        "pause_due": state.pause_due,
        "log": state.log,
        "log_start": state.log_start,
    }


def public_view(state: GameState) -> PublicView:
    return PublicView(**_public_fields(state))


def seat_view(state: GameState, seat: int) -> SeatView:
    if not 0 <= seat < len(state.hands):
        raise ValueError(f"no seat {seat} at a table of {len(state.hands)}")
    return SeatView(seat=seat, hand=state.hands[seat], **_public_fields(state))
