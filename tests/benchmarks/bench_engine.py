"""How fast the engine plays, on one core. Not a test: run it and read the table.

    .venv/bin/python tests/benchmarks/bench_engine.py [--seconds 1.0]

Every row plays bot games (seeds 0, 1, 2, ...) for about --seconds. Two baselines are
measured in the same run, so the figures can be compared across machines: new_game
alone, and a minimal reference game: the same rules on mutable lists and sets with
random asks, no events, no views, no immutability. "x ref" is time per game relative
to that reference on the same deck size.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from game.engine import new_game, play_game, synthetic_deck


def reference_game(themes: int, seats: int, seed: int) -> int:
    """Random asks under the same rules, as plainly as Python allows. Returns the asks."""
    rng = random.Random(seed)
    cards = [(t, n) for t in range(themes) for n in range(4)]
    rng.shuffle(cards)
    hands = [set(cards[s::seats]) for s in range(seats)]
    laid = 0

    def lay(seat: int) -> int:
        count = 0
        for t in {t for t, _ in hands[seat]}:
            if sum(1 for c in hands[seat] if c[0] == t) == 4:
                hands[seat] -= {(t, n) for n in range(4)}
                count += 1
        return count

    for seat in range(seats):
        laid += lay(seat)
    turn = rng.randrange(seats)
    asks = 0
    while laid < themes:
        while not hands[turn]:
            turn = (turn + 1) % seats
        targets = [p for p in range(seats) if p != turn and hands[p]]
        mine = {t for t, _ in hands[turn]}
        wanted = [(t, n) for t in sorted(mine) for n in range(4) if (t, n) not in hands[turn]]
        target, card = rng.choice(targets), rng.choice(wanted)
        asks += 1
        if card in hands[target]:
            hands[target].remove(card)
            hands[turn].add(card)
            laid += lay(turn)
        else:
            turn = target
    return asks


def measure(play, budget: float) -> tuple[int, float, int]:
    """Call play(seed) for seeds 0, 1, ... until `budget` seconds pass: (games, seconds,
    total asks)."""
    games, asks = 0, 0
    started = time.perf_counter()
    while True:
        asks += play(games)
        games += 1
        elapsed = time.perf_counter() - started
        if elapsed >= budget:
            return games, elapsed, asks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per row")
    budget = parser.parse_args().seconds
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    rows: list[tuple[str, int, float, int, float | None]] = []
    reference: dict[int, float] = {}

    def row(label: str, themes: int, play, ref: bool = False) -> None:
        games, seconds, asks = measure(play, budget)
        per_game = seconds / games
        if ref:
            reference[themes] = per_game
        ratio = per_game / reference[themes] if themes in reference and not ref else None
        rows.append((label, games, seconds, asks, ratio))

    deck5 = synthetic_deck(5)
    row("baseline: new_game only", 5, lambda seed: (new_game(deck5, 4, seed), 0)[1])
    for themes in (5, 10, 20):
        deck = synthetic_deck(themes)
        row(
            f"baseline: reference game, {themes} themes",
            themes,
            lambda seed, t=themes: reference_game(t, 4, seed),
            ref=True,
        )
        for level in ("easy", "smart"):
            row(
                f"4 {level}, {themes} themes",
                themes,
                lambda seed, d=deck, lv=level: play_game(d, (lv,) * 4, seed).state.moves,
            )

    print(f"Python {sys.version.split()[0]}, one core, ~{budget:g} s per row")
    header = f"{'case':<38}{'games/s':>10}{'ms/game':>10}{'asks/game':>11}{'us/ask':>9}{'x ref':>7}"
    print(header)
    print("-" * len(header))
    for label, games, seconds, asks, ratio in rows:
        per_ask = f"{seconds / asks * 1e6:.0f}" if asks else "-"
        print(
            f"{label:<38}{games / seconds:>10.0f}{seconds / games * 1e3:>10.3f}"
            f"{asks / games:>11.1f}{per_ask:>9}{(f'{ratio:.1f}' if ratio else '-'):>7}"
        )


if __name__ == "__main__":
    main()
