"""The rules of "Mag ik van u ...": pure functions over plain, serialisable state.

Standard library only: no Django, no I/O, no clock, no global random.

    state, events = new_game(deck, seats=4, seed=42)
    legal_actions(state, seat)          # [Ask(seat, target, card), ...]
    state, events = apply(state, Ask(seat=0, target=2, card="netwerk-3"))
    seat_view(state, seat)              # what that player may see; public_view(state)
    is_over(state), scores(state), winners(state)
    stored_state_to_json(state)         # what a table row keeps: no log, fixed size
"""

from game.engine.bots import BOTS, LEVELS, Knowledge, bot_choose, bot_needs_log, deduce
from game.engine.deck import CARDS_PER_THEME, Deck, Theme, synthetic_deck
from game.engine.errors import EngineError, IllegalAction, InvalidSetup
from game.engine.rules import (
    apply,
    is_over,
    legal_actions,
    new_game,
    scores,
    why_illegal,
    winners,
)
from game.engine.serial import (
    action_from_json,
    action_to_json,
    event_from_json,
    event_to_json,
    state_from_json,
    state_to_json,
    stored_state_from_json,
    stored_state_to_json,
    view_from_json,
    view_to_json,
)
from game.engine.simulate import GameRecord, game_seed, play_game
from game.engine.state import (
    EVENT_TYPES,
    MAX_SEATS,
    MIN_SEATS,
    Ask,
    Asked,
    Event,
    GameOver,
    GameStarted,
    GameState,
    Hit,
    Miss,
    PauseDue,
    PlayerOut,
    QuartetLaid,
    Settings,
    TurnPassed,
)
from game.engine.views import PublicView, SeatView, public_view, seat_view

__all__ = [
    "BOTS",
    "CARDS_PER_THEME",
    "EVENT_TYPES",
    "LEVELS",
    "MAX_SEATS",
    "MIN_SEATS",
    "Ask",
    "Asked",
    "Deck",
    "EngineError",
    "Event",
    "GameOver",
    "GameRecord",
    "GameStarted",
    "GameState",
    "Hit",
    "IllegalAction",
    "InvalidSetup",
    "Knowledge",
    "Miss",
    "PauseDue",
    "PlayerOut",
    "PublicView",
    "QuartetLaid",
    "SeatView",
    "Settings",
    "Theme",
    "TurnPassed",
    "action_from_json",
    "action_to_json",
    "apply",
    "bot_choose",
    "bot_needs_log",
    "deduce",
    "event_from_json",
    "event_to_json",
    "game_seed",
    "is_over",
    "legal_actions",
    "new_game",
    "play_game",
    "public_view",
    "scores",
    "seat_view",
    "state_from_json",
    "state_to_json",
    "stored_state_from_json",
    "stored_state_to_json",
    "synthetic_deck",
    "view_from_json",
    "view_to_json",
    "why_illegal",
    "winners",
]
