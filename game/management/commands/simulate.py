"""Bots play the quartet game, to check the rules and compare bot levels.

The engine does the playing (game.engine.play_game); this command only picks the deck,
runs the games and reports.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)

from game import engine

HELP = """Let bots play the quartet game and report.

One game (--games 1, the default) prints its events and the result. Several games
print a summary: games per second, mean and max turns and asks, and wins per seat and
per bot level. A tie shares the win: each of w tied winners gets 1/w of a win, so the
credits of a series add up to the number of games.

Game i (from 0) of a series uses seed --seed + i, so any game replays alone with
--games 1 --seed <that seed>.

With --json the output is one JSON object. For one game: seed, players, bots, deck,
settings, quartets (seat -> list of theme names), scores, winners, turns, asks and
events (the public log). For several games, a summary: seed, players, bots, deck,
settings, games, seconds, games_per_second, turns and asks ({mean, max}),
wins_per_seat (credit per seat), wins_per_level (credit and share per level) and
results (per game: seed, winners, scores, turns, asks; no events).
"""


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the paragraphs of HELP apart."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--players", type=int, default=4, help="seats, 2 to 6 (default 4)")
        parser.add_argument("--seed", type=int, default=1, help="seed of the first game")
        parser.add_argument(
            "--bots",
            default="",
            help="bot level per seat, comma separated, e.g. easy,smart,easy (default all easy)",
        )
        parser.add_argument("--games", type=int, default=1, help="how many games (default 1)")
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--themes",
            type=int,
            help="play a made-up deck of this many themes (no database needed)",
        )
        source.add_argument(
            "--deck",
            default="innovation-on-track",
            help="slug of the deck in the database (default innovation-on-track)",
        )
        parser.add_argument(
            "--miss-passes-to",
            choices=engine.state.MISS_PASSES_TO,
            default="asked",
            help="after a miss the turn goes to the player asked (default) or the next",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        players: int = options["players"]
        if not engine.MIN_SEATS <= players <= engine.MAX_SEATS:
            raise CommandError(
                f"--players must be {engine.MIN_SEATS} to {engine.MAX_SEATS}, not {players}"
            )
        levels = self.levels(options["bots"], players)
        if options["games"] < 1:
            raise CommandError(f"--games must be at least 1, not {options['games']}")
        deck, deck_name = self.deck(options["themes"], options["deck"])
        settings = engine.Settings(miss_passes_to=options["miss_passes_to"])
        base = {
            "seed": options["seed"],
            "players": players,
            "bots": list(levels),
            "deck": deck_name,
            "settings": engine.serial.settings_to_json(settings),
        }
        if options["games"] == 1:
            record = engine.play_game(deck, levels, options["seed"], settings)
            self.report_game(record, base, as_json=options["json"])
        else:
            self.report_series(deck, levels, settings, options["games"], base, options["json"])

    def levels(self, bots: str, players: int) -> tuple[str, ...]:
        if not bots.strip():
            return ("easy",) * players
        levels = tuple(level.strip() for level in bots.split(","))
        unknown = sorted({level for level in levels if level not in engine.BOTS})
        if unknown:
            raise CommandError(
                f"unknown bot level {', '.join(unknown)}; choose from {', '.join(engine.LEVELS)}"
            )
        if len(levels) != players:
            raise CommandError(
                f"--bots names {len(levels)} bots for {players} players; give one per seat"
            )
        return levels

    def deck(self, themes: int | None, slug: str) -> tuple[engine.Deck, str]:
        if themes is not None:
            if themes < 1:
                raise CommandError(f"--themes must be at least 1, not {themes}")
            return engine.synthetic_deck(themes), f"{themes} made-up themes"
        from cards.models import Deck  # only here: --themes needs no database

        try:
            deck = Deck.objects.get(slug=slug)
        except Deck.DoesNotExist:
            raise CommandError(
                f"there is no deck {slug!r}; load one, or use --themes for a made-up deck"
            ) from None
        problems = deck.problems()
        if problems:
            raise CommandError(f"the deck {slug!r} cannot be played: {' '.join(problems)}")
        return deck.to_engine(), slug

    def report_game(self, record: engine.GameRecord, base: dict[str, Any], as_json: bool) -> None:
        state = record.state
        deck = state.deck
        names = {theme.key: theme.name for theme in deck.themes}
        quartets = {str(seat): [names[key] for key in keys] for seat, keys in enumerate(state.laid)}
        if as_json:
            result = {
                **base,
                "quartets": quartets,
                "scores": list(engine.scores(state)),
                "winners": list(engine.winners(state)),
                "turns": state.turn_number,
                "asks": state.moves,
                "events": [engine.event_to_json(event) for event in record.events],
            }
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            f"Seed {record.seed}: {len(record.levels)} players "
            f"({', '.join(record.levels)}), deck {base['deck']}"
        )
        for event in record.events:
            self.stdout.write(f"{event.seq:5}  {describe(event)}")
        self.stdout.write(f"Result after {state.turn_number} turns and {state.moves} asks:")
        for seat, keys in enumerate(state.laid):
            theme_names = ", ".join(names[key] for key in keys) or "-"
            self.stdout.write(f"  seat {seat} ({record.levels[seat]}): {len(keys)}  {theme_names}")
        won = engine.winners(state)
        label = "Winner" if len(won) == 1 else "Winners (shared first place)"
        self.stdout.write(f"{label}: {', '.join(f'seat {seat}' for seat in won)}")

    def report_series(
        self,
        deck: engine.Deck,
        levels: tuple[str, ...],
        settings: engine.Settings,
        games: int,
        base: dict[str, Any],
        as_json: bool,
    ) -> None:
        """Play `games` games from seed base["seed"] on and print their summary."""
        started = time.perf_counter()
        results = [
            game_result(deck, levels, engine.game_seed(base["seed"], index), settings)
            for index in range(games)
        ]
        seat_credit = win_credits(results, len(levels))
        seconds = time.perf_counter() - started
        summary = summarize(base, levels, results, seat_credit, seconds)
        if as_json:
            self.stdout.write(json.dumps(summary))
            return
        self.write_summary(summary, levels, seat_credit)

    def write_summary(
        self, summary: dict[str, Any], levels: tuple[str, ...], seat_credit: list[float]
    ) -> None:
        """The summary of a series as text; the seat credits unrounded, to one decimal."""
        games, first_seed = summary["games"], summary["seed"]
        self.stdout.write(
            f"{games} games, {len(levels)} players ({', '.join(levels)}), "
            f"deck {summary['deck']}, seeds {first_seed}..{first_seed + games - 1}"
        )
        self.stdout.write(
            f"{summary['games_per_second']} games per second ({summary['seconds']} s)"
        )
        self.stdout.write(
            f"turns per game: mean {summary['turns']['mean']}, max {summary['turns']['max']}; "
            f"asks per game: mean {summary['asks']['mean']}, max {summary['asks']['max']}"
        )
        self.stdout.write("wins (a tie of w winners gives each 1/w):")
        for seat, credit in enumerate(seat_credit):
            self.stdout.write(f"  seat {seat} ({levels[seat]}): {credit:.1f}")
        for level, row in summary["wins_per_level"].items():
            self.stdout.write(
                f"  {level} ({row['seats']} seats): {row['credit']:.1f} = "
                f"{row['share']:.1%} of the games"
            )


def game_result(
    deck: engine.Deck, levels: tuple[str, ...], seed: int, settings: engine.Settings
) -> dict[str, Any]:
    """Play one game of a series; its seed, winners, scores, turns and asks."""
    state = engine.play_game(deck, levels, seed, settings).state
    return {
        "seed": seed,
        "winners": list(engine.winners(state)),
        "scores": list(engine.scores(state)),
        "turns": state.turn_number,
        "asks": state.moves,
    }


def win_credits(results: list[dict[str, Any]], seats: int) -> list[float]:
    """The wins per seat over `results`; each of w tied winners gets 1/w of a win."""
    seat_credit = [0.0] * seats
    for result in results:
        won = result["winners"]
        for seat in won:
            seat_credit[seat] += 1 / len(won)
    return seat_credit


def summarize(
    base: dict[str, Any],
    levels: tuple[str, ...],
    results: list[dict[str, Any]],
    seat_credit: list[float],
    seconds: float,
) -> dict[str, Any]:
    """The JSON summary of a series (see HELP)."""
    games = len(results)
    return {
        **base,
        "games": games,
        "seconds": round(seconds, 3),
        "games_per_second": round(games / seconds, 1),
        "turns": mean_max([r["turns"] for r in results]),
        "asks": mean_max([r["asks"] for r in results]),
        "wins_per_seat": [round(credit, 3) for credit in seat_credit],
        "wins_per_level": wins_per_level(levels, seat_credit, games),
        "results": results,
    }


def mean_max(values: list[int]) -> dict[str, float | int]:
    """{mean (to 2 decimals), max} of per-game figures."""
    return {"mean": round(sum(values) / len(values), 2), "max": max(values)}


def wins_per_level(
    levels: tuple[str, ...], seat_credit: list[float], games: int
) -> dict[str, dict[str, float | int]]:
    """Per bot level, sorted: its seats, its win credit and its share of the games."""
    level_credit: Counter[str] = Counter()
    level_seats: Counter[str] = Counter(levels)
    for seat, credit in enumerate(seat_credit):
        level_credit[levels[seat]] += credit
    return {
        level: {
            "seats": level_seats[level],
            "credit": round(level_credit[level], 3),
            "share": round(level_credit[level] / games, 4),
        }
        for level in sorted(level_seats)
    }


def describe(event: engine.Event) -> str:
    """One event as a line of English, with theme and card keys."""
    if isinstance(event, engine.GameStarted):
        sizes = ", ".join(map(str, event.hand_sizes))
        return f"dealt {event.seats} hands of {sizes} cards; seat {event.first_player} drawn"
    if isinstance(event, engine.Asked):
        return f"seat {event.seat} asks seat {event.target} for {event.card} ({event.theme})"
    if isinstance(event, engine.Hit):
        return f"  hit: {event.card} goes to seat {event.seat}, who asks again"
    if isinstance(event, engine.Miss):
        return f"  miss: seat {event.target} does not hold {event.card}"
    if isinstance(event, engine.QuartetLaid):
        how = "was dealt and lays" if event.dealt else "lays"
        return f"  quartet: seat {event.seat} {how} {event.theme} ({', '.join(event.cards)})"
    if isinstance(event, engine.PauseDue):
        return f"  pause of {event.seconds} s to discuss {event.theme}"
    if isinstance(event, engine.PlayerOut):
        return f"  seat {event.seat} has no cards left"
    if isinstance(event, engine.TurnPassed):
        why = {"start": "to start", "miss": "after the miss", "out": "as the last was out"}
        return f"turn: seat {event.seat} ({why[event.reason]})"
    if isinstance(event, engine.GameOver):
        scores = ", ".join(f"seat {seat}: {score}" for seat, score in enumerate(event.scores))
        return f"game over; quartets {scores}"
    return event.type
