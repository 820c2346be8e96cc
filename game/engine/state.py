"""The plain data of a game: settings, the one action, the public events and the state.

Everything here is a frozen dataclass of ints, strings and tuples, so it compares by
value, hashes, and round-trips through JSON exactly (see `serial`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar, Literal

from game.engine.deck import Deck
from game.engine.errors import InvalidSetup

MIN_SEATS = 2
MAX_SEATS = 6
MISS_PASSES_TO = ("asked", "next")


@dataclass(frozen=True, slots=True)
class Settings:
    """The table settings (house rules) RULES.md allows; nothing else is configurable.

    miss_passes_to: after a miss the turn goes to the player asked ("asked", the Dutch
        custom) or to the next player clockwise who holds cards ("next").
    pause_on_quartet: seconds of discussion after a quartet is laid, 0 for none. The
        engine only records that a pause is due; the live layer keeps the clock.
    first_player: the seat that starts, or None to draw it from the seed.
    """

    miss_passes_to: Literal["asked", "next"] = "asked"
    pause_on_quartet: int = 0
    first_player: int | None = None

    def __post_init__(self) -> None:
        if self.miss_passes_to not in MISS_PASSES_TO:
            raise InvalidSetup("bad_setting", setting="miss_passes_to", value=self.miss_passes_to)
        if not _is_int(self.pause_on_quartet) or self.pause_on_quartet < 0:
            raise InvalidSetup(
                "bad_setting", setting="pause_on_quartet", value=self.pause_on_quartet
            )
        if self.first_player is not None and (
            not _is_int(self.first_player) or not 0 <= self.first_player < MAX_SEATS
        ):
            raise InvalidSetup("bad_setting", setting="first_player", value=self.first_player)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Ask:
    """The only action there is: `seat` asks `target` for `card` ("Mag ik van jou ...?")."""

    seat: int
    target: int
    card: str

    type: ClassVar[str] = "ask"


# Events: what happened, in order, numbered by `seq` from 0. All public: an event never
# carries a hand, the deck order or the seed, so the log can go to every seat as it is.


@dataclass(frozen=True, slots=True)
class Event:
    seq: int

    type: ClassVar[str] = ""


@dataclass(frozen=True, slots=True)
class GameStarted(Event):
    """The cards are dealt; `first_player` is the drawn or chosen seat, before any skip."""

    seats: int
    hand_sizes: tuple[int, ...]
    first_player: int

    type: ClassVar[str] = "game_started"


@dataclass(frozen=True, slots=True)
class Asked(Event):
    seat: int
    target: int
    card: str
    theme: str

    type: ClassVar[str] = "asked"


@dataclass(frozen=True, slots=True)
class Hit(Event):
    """The card moved from `target` to `seat`, who asks again."""

    seat: int
    target: int
    card: str

    type: ClassVar[str] = "hit"


@dataclass(frozen=True, slots=True)
class Miss(Event):
    """`target` does not hold `card` ("Nee, helaas"); the turn passes."""

    seat: int
    target: int
    card: str

    type: ClassVar[str] = "miss"


@dataclass(frozen=True, slots=True)
class QuartetLaid(Event):
    """`seat` lays the four `cards` of `theme`; `dealt` when it was complete in the deal."""

    seat: int
    theme: str
    name: str
    cards: tuple[str, ...]
    dealt: bool

    type: ClassVar[str] = "quartet_laid"


@dataclass(frozen=True, slots=True)
class PauseDue(Event):
    """The table pauses `seconds` to discuss `theme` (setting pause_on_quartet)."""

    seat: int
    theme: str
    seconds: int

    type: ClassVar[str] = "pause_due"


@dataclass(frozen=True, slots=True)
class PlayerOut(Event):
    """`seat` holds no cards any more: no more turns, and nobody may ask them."""

    seat: int

    type: ClassVar[str] = "player_out"


@dataclass(frozen=True, slots=True)
class TurnPassed(Event):
    """It is now `seat`'s turn. reason: "start", "miss", or "out" (the player before
    laid down their last cards)."""

    seat: int
    from_seat: int | None
    reason: Literal["start", "miss", "out"]

    type: ClassVar[str] = "turn_passed"


@dataclass(frozen=True, slots=True)
class GameOver(Event):
    """Every quartet is down. `scores` is quartets per seat; ties share first place."""

    winners: tuple[int, ...]
    scores: tuple[int, ...]

    type: ClassVar[str] = "game_over"


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        GameStarted,
        Asked,
        Hit,
        Miss,
        QuartetLaid,
        PauseDue,
        PlayerOut,
        TurnPassed,
        GameOver,
    )
}


@dataclass(frozen=True, slots=True)
class GameState:
    """The whole game, secrets included. Never sent to a client: send a view instead.

    hands: per seat, card keys in deck order.
    laid: per seat, the theme keys of its quartets, in the order laid.
    turn: the seat to ask, or None once the game is over.
    moves: actions applied; turn_number: turns started (the first is 1).
    pause_due: seconds of pause the last step asked for (0: none); the next action clears it.
    log: the events from seq `log_start` on; log[i].seq == log_start + i. A new game has
        them all (log_start 0). A state loaded without its history (a table keeps its
        events elsewhere) has an empty log and log_start == seq: the rules never read
        the log, they only go on numbering it.
    """

    deck: Deck
    settings: Settings
    seed: int
    hands: tuple[tuple[str, ...], ...]
    laid: tuple[tuple[str, ...], ...]
    turn: int | None
    moves: int = 0
    turn_number: int = 0
    pause_due: int = 0
    log: tuple[Event, ...] = field(default=(), repr=False)
    log_start: int = 0

    @property
    def seats(self) -> int:
        return len(self.hands)

    @property
    def seq(self) -> int:
        """The seq the next event will get."""
        return self.log_start + len(self.log)

    def with_log(self, log: tuple[Event, ...]) -> GameState:
        """This state with its whole log, seq 0 on. Raises ValueError when `log` is not
        this state's history: not numbered 0, 1, 2 ... up to seq, or not ending in the
        events the state holds."""
        log = tuple(log)
        if len(log) != self.seq or any(event.seq != n for n, event in enumerate(log)):
            raise ValueError(f"a log of {len(log)} events is not the history of seq {self.seq}")
        if log[self.log_start :] != self.log:
            raise ValueError("the log does not end in the events this state holds")
        return replace(self, log=log, log_start=0)

    @property
    def over(self) -> bool:
        return self.turn is None
