"""The debrief: what the room did, for the talk after the game.

Selectors only, read from the tables' public events (TableEvent rows) and the players'
display names: never a table's state or a hand, so nothing here shows more than a
player at that table saw. "Wie vroeg wie" (``ask_network``): who asked whom and how
often it was a hit. "Welke thema's gingen rond" (``theme_rounds``): per theme, how
often its cards were asked for and changed hands; and the quartets laid, in order
(``quartet_moments``).

Names: a seat shows its player's name; a seat without one (the people were forgotten,
``game.room.privacy``) shows "Player 1", "Player 2" ... by seat. Bots keep their names
("Bot 1") and are marked as bots.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext

from game.models import Player, Table, TableEvent, Workshop


@dataclass(frozen=True)
class Seat:
    """A player as the debrief names them: by table number and seat."""

    table: int
    seat: int
    name: str
    bot: bool = False

    @property
    def key(self) -> tuple[int, int]:
        return (self.table, self.seat)


@dataclass(frozen=True)
class Edge:
    """``asker`` asked ``asked`` (at the same table) ``asks`` times; ``hits`` were a "Ja!"."""

    asker: Seat
    asked: Seat
    asks: int
    hits: int

    @property
    def misses(self) -> int:
        return self.asks - self.hits


@dataclass(frozen=True)
class Network:
    """The room's asks as a network: a node per seat, an edge per ordered pair."""

    nodes: list[Seat]
    edges: list[Edge]

    @property
    def tables(self) -> list[int]:
        return sorted({node.table for node in self.nodes})

    @property
    def most(self) -> int:
        """The most asks along one edge (0 without asks)."""
        return max((edge.asks for edge in self.edges), default=0)

    def at(self, table: int) -> tuple[list[Seat], list[Edge]]:
        """The nodes and edges of one table."""
        nodes = [node for node in self.nodes if node.table == table]
        return nodes, [edge for edge in self.edges if edge.asker.table == table]


@dataclass(frozen=True)
class ThemeRound:
    """How a theme went round the room: its cards asked for, and hits (changed hands)."""

    key: str
    name: str
    colour: str
    asked: int
    hits: int


@dataclass(frozen=True)
class Moment:
    """A quartet laid: where, by whom, which theme, and when."""

    seat: Seat
    theme: str  # the theme's name
    colour: str
    dealt: bool  # complete in the deal, laid before the first turn
    at: datetime
    after: timedelta  # since the room's first game started

    @property
    def clock(self) -> str:
        """``after`` as m:ss (h:mm:ss from an hour on)."""
        seconds = max(0, int(self.after.total_seconds()))
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


# --- reading ---------------------------------------------------------------------------------


def seat_label(player: Player | None, seat: int) -> str:
    """The player's display name, or "Player <n>" once the names are gone."""
    if player is None:
        return gettext("Player %(number)s") % {"number": seat + 1}
    return player.name


def table_seats(table: Table, seats: int) -> list[Seat]:
    """The ``seats`` seats of ``table`` with their names (see ``seat_label``)."""
    players = {
        p.seat: p for p in Player.objects.filter(table=table, removed=False, seat__isnull=False)
    }
    return [_seat(table.number, seat, players.get(seat)) for seat in range(seats)]


def _seat(number: int, seat: int, player: Player | None) -> Seat:
    bot = player is not None and player.is_bot and not player.replaced
    return Seat(number, seat, seat_label(player, seat), bot)


def _public(workshop: Workshop, types: Iterable[str]) -> Iterator[tuple[int, dict, datetime]]:
    """(table number, event, when) of the session's events of ``types``, in time order."""
    rows = (
        TableEvent.objects.filter(table__workshop=workshop, data__type__in=list(types))
        .order_by("created", "table__number", "seq")
        .values_list("table__number", "data", "created")
    )
    yield from rows.iterator()


def room_seats(workshop: Workshop) -> dict[tuple[int, int], Seat]:
    """Every seat of every table that started a game, by (table number, seat)."""
    seats = {number: data["seats"] for number, data, _ in _public(workshop, ["game_started"])}
    players = Player.objects.filter(
        workshop=workshop, removed=False, table__isnull=False, seat__isnull=False
    ).select_related("table")
    by_seat = {(p.table.number, p.seat): p for p in players}
    return {
        (number, seat): _seat(number, seat, by_seat.get((number, seat)))
        for number in sorted(seats)
        for seat in range(seats[number])
    }


def _seat_of(seats: dict[tuple[int, int], Seat], table: int, seat: int) -> Seat:
    return seats.get((table, seat)) or _seat(table, seat, None)


# --- the three views -------------------------------------------------------------------------


def ask_network(workshop: Workshop) -> Network:
    """Who asked whom, how often, and how many of those asks were hits."""
    seats = room_seats(workshop)
    asks: Counter[tuple[int, int, int]] = Counter()
    hits: Counter[tuple[int, int, int]] = Counter()
    for number, data, _ in _public(workshop, ["asked", "hit"]):
        pair = (number, data["seat"], data["target"])
        (asks if data["type"] == "asked" else hits)[pair] += 1
    edges = [
        Edge(_seat_of(seats, t, a), _seat_of(seats, t, b), count, hits[(t, a, b)])
        for (t, a, b), count in sorted(asks.items())
    ]
    return Network(nodes=list(seats.values()), edges=edges)


def theme_rounds(workshop: Workshop) -> list[ThemeRound]:
    """Per theme of the deck, in deck order: asks for its cards, and hits."""
    themes = list(workshop.deck.themes.prefetch_related("cards"))
    theme_of = {card.key: theme.slug for theme in themes for card in theme.cards.all()}
    asked: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for _, data, _when in _public(workshop, ["asked", "hit"]):
        if data["type"] == "asked":
            asked[data["theme"]] += 1
        else:
            hits[theme_of.get(data["card"], data["card"].rsplit("-", 1)[0])] += 1
    return [
        ThemeRound(theme.slug, theme.name, theme.colour, asked[theme.slug], hits[theme.slug])
        for theme in themes
    ]


def quartet_moments(workshop: Workshop) -> list[Moment]:
    """Every quartet laid in the room, in the order laid, with the time since the
    room's first game started."""
    themes = {theme.slug: theme for theme in workshop.deck.themes.all()}
    seats = room_seats(workshop)
    start = None
    moments = []
    for number, data, when in _public(workshop, ["game_started", "quartet_laid"]):
        start = start or when
        if data["type"] != "quartet_laid":
            continue
        theme = themes.get(data["theme"])
        moments.append(
            Moment(
                seat=_seat_of(seats, number, data["seat"]),
                theme=theme.name if theme else data.get("name", data["theme"]),
                colour=theme.colour if theme else "#545462",
                dealt=bool(data.get("dealt")),
                at=when,
                after=when - start,
            )
        )
    return moments


def debrief(workshop: Workshop) -> dict[str, Any]:
    """Everything the debrief shows, for a template."""
    rounds = theme_rounds(workshop)
    return {
        "network": ask_network(workshop),
        "themes": rounds,
        "most_asked": max((row.asked for row in rounds), default=0),
        "moments": quartet_moments(workshop),
    }
