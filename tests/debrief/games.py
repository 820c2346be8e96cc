"""What the debrief's tests share: public events written down by hand, and a table of
bots played to the end through the services, with what really happened noted down
from the game's state before every move (so the tests do not read back the events
they check)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.test import Client
from django.utils import timezone

from game.models import Player, Table, TableEvent, Workshop
from game.room import seating, sessions
from game.table import play
from tests.factories import facilitator, playable_deck
from tests.tables import game_state, session_with_table

T0 = datetime(2025, 5, 20, 13, 30, tzinfo=timezone.get_fixed_timezone(0))


def record(table: Table, *events: dict, at: datetime | None = None) -> None:
    """Append ``events`` to the table's TableEvent rows, numbered on, all at ``at``."""
    seq = table.events.count()
    rows = [TableEvent(table=table, seq=seq + n, data=data) for n, data in enumerate(events, 1)]
    TableEvent.objects.bulk_create(rows)
    if at is not None:
        TableEvent.objects.filter(table=table, seq__gt=seq).update(created=at)


def asked(seat: int, target: int, card: str, hit: bool) -> list[dict]:
    """An ask and its answer, as the engine records them."""
    theme = card.rsplit("-", 1)[0]
    answer = {"type": "hit" if hit else "miss", "seat": seat, "target": target, "card": card}
    events = [{"type": "asked", "seat": seat, "target": target, "card": card, "theme": theme}]
    if not hit:
        return [
            *events,
            answer,
            {"type": "turn_passed", "seat": target, "from_seat": seat, "reason": "miss"},
        ]
    return [*events, answer]


def started(seats: int, sizes: list[int]) -> list[dict]:
    return [
        {"type": "game_started", "seats": seats, "hand_sizes": sizes, "first_player": 0},
        {"type": "turn_passed", "seat": 0, "from_seat": None, "reason": "start"},
    ]


def laid(seat: int, theme: str, name: str, *, dealt: bool = False) -> dict:
    cards = [f"{theme}-{n}" for n in range(1, 5)]
    return {
        "type": "quartet_laid",
        "seat": seat,
        "theme": theme,
        "name": name,
        "cards": cards,
        "dealt": dealt,
    }


def written_table(names=("Anna", "Bert", "Cees")) -> tuple[Workshop, Table]:
    """A session of one table of ``names`` whose game is written down by hand (the
    events only: there is no game state at all)."""
    workshop, table, _ = session_with_table(names, themes=3, start=False)
    Table.objects.filter(pk=table.pk).update(status=Table.Status.OVER)
    table.refresh_from_db()
    return workshop, table


@dataclass
class Played:
    """What happened at a table, noted from the state before each move."""

    asks: Counter = field(default_factory=Counter)  # (asker, asked) -> asks
    hits: Counter = field(default_factory=Counter)  # (asker, asked) -> hits
    theme_asks: Counter = field(default_factory=Counter)
    theme_hits: Counter = field(default_factory=Counter)
    moves: list = field(default_factory=list)  # (Ask, seq before the move)


def bot_table(*, seed: int = 11, themes: int = 4, bots: int = 3, moves: int | None = None):
    """A session with a table of bots started with ``seed`` and played through the
    services (``play.bot_move``) to the end, or for ``moves`` moves."""
    workshop = sessions.workshop_create(
        facilitator=facilitator(), name="Regio Twente", deck=playable_deck(themes=themes)
    )
    table = seating.table_add(workshop=workshop, by=workshop.facilitator)
    for n in range(bots):
        seating.bot_add(table=table, level="smart" if n % 2 else "easy", by=workshop.facilitator)
    play.table_start(table=table, by=workshop.facilitator, seed=seed)
    played = Played()
    for _ in range(moves if moves is not None else 1000):
        state = game_state(table)
        if state.turn is None:
            break
        change = play.bot_move(table_id=table.pk)
        ask = next(e for e in change.events if e["type"] == "asked")
        hit = ask["card"] in state.hands[ask["target"]]
        pair = (ask["seat"], ask["target"])
        played.asks[pair] += 1
        played.hits[pair] += hit
        played.theme_asks[ask["theme"]] += 1
        played.theme_hits[ask["theme"]] += hit
        played.moves.append(ask)
    table.refresh_from_db()
    return workshop, table, played


def bot_names(table: Table) -> list[str]:
    return [p.name for p in Player.objects.filter(table=table).order_by("seat")]


def host(workshop: Workshop) -> Client:
    client = Client()
    client.force_login(workshop.facilitator)
    return client


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
