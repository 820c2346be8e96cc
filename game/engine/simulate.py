"""Bots playing whole games, for the simulate command, the tests and the benchmark."""

from __future__ import annotations

import random
from dataclasses import dataclass

from game.engine.bots import BOTS
from game.engine.deck import Deck
from game.engine.rules import apply, new_game
from game.engine.state import Ask, Event, GameState, Settings
from game.engine.views import seat_view

# A guard against an engine bug, not a rule: bot games end far sooner (see
# tests/engine/test_properties.py for the measured lengths).
MAX_MOVES = 100_000

_DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True, slots=True)
class GameRecord:
    """One finished game: its seed, the bot of each seat, the actions and the end state."""

    seed: int
    levels: tuple[str, ...]
    actions: tuple[Ask, ...]
    state: GameState

    @property
    def events(self) -> tuple[Event, ...]:
        return self.state.log


def game_seed(base: int, index: int) -> int:
    """The seed of game `index` (from 0) of a series started with seed `base`. Simply
    base + index, so any game of a series replays alone with --seed base+index."""
    return base + index


def bot_rng(seed: int, seat: int) -> random.Random:
    """Each seat's bot gets its own generator, derived from the game seed (string seeds
    are hashed with SHA-512 by `random`, the same on every run and platform)."""
    return random.Random(f"bot:{seed}:{seat}")


def play_game(
    deck: Deck,
    levels: tuple[str, ...] | list[str],
    seed: int,
    settings: Settings = _DEFAULT_SETTINGS,
    max_moves: int = MAX_MOVES,
) -> GameRecord:
    """Play one game with a bot of `levels[seat]` in every seat."""
    levels = tuple(levels)
    bots = [BOTS[level] for level in levels]
    rngs = [bot_rng(seed, seat) for seat in range(len(levels))]
    state, _ = new_game(deck, len(levels), seed, settings)
    actions: list[Ask] = []
    while state.turn is not None:
        if len(actions) >= max_moves:
            raise RuntimeError(f"game with seed {seed} did not end within {max_moves} moves")
        seat = state.turn
        action = bots[seat](seat_view(state, seat), rngs[seat])
        actions.append(action)
        state, _ = apply(state, action)
    return GameRecord(seed=seed, levels=levels, actions=tuple(actions), state=state)
