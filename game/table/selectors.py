"""Read model: a session's tables as people see them.

One shape feeds the facilitator's dashboard, the projector and the results page:
each table with its members in seat order, their card counts, laid quartets (theme
names), whose turn it is and who won. Public information only: no hand is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from cards.models import Card
from game.models import Player, Table, Workshop
from game.realtime import presence
from game.table.describe import describe
from game.table.seats import state_block


@dataclass(frozen=True)
class Member:
    """A seat as everybody at the table sees it."""

    player: Player
    cards: int | None  # None before the game starts
    quartets: list[str]  # the names of the themes laid
    laid: list[str]  # the same quartets: their themes' slugs
    turn: bool
    winner: bool
    offline: bool = False  # a person with no live socket for a while (game.realtime.presence)
    # ... for longer than the session's away_after: the table waits for them.
    gone: bool = False

    @property
    def score(self) -> int:
        return len(self.quartets)


@dataclass(frozen=True)
class TableView:
    table: Table
    members: list[Member]
    block: dict[str, Any]  # seats.state_block(table, None): status, counts, turn, winners
    last: str | None = None  # the last event in words (the dashboard's "Last:")

    @property
    def started(self) -> bool:
        return self.table.status != Table.Status.WAITING

    @property
    def over(self) -> bool:
        return self.table.status == Table.Status.OVER

    @property
    def waiting_on(self) -> Member | None:
        """The person on turn when they have been away for the session's away time (the
        scan flagged them, or their socket is gone that long), and no bot plays for them:
        the table waits."""
        on_turn = next((m for m in self.members if m.turn), None)
        if self.table.status != Table.Status.PLAYING or on_turn is None:
            return None
        player = on_turn.player
        if player.is_bot or player.stand_in:
            return None
        return on_turn if player.away or on_turn.gone else None

    @property
    def ranked(self) -> list[Member]:
        """Most quartets first; seat order among equals."""
        return sorted(self.members, key=lambda member: -member.score)


def theme_names(workshop: Workshop) -> dict[str, str]:
    return {theme.slug: theme.name for theme in workshop.deck.themes.all()}


def _member(
    player: Player,
    block: dict[str, Any],
    names: dict[str, str],
    offline_before: datetime,
    gone_before: datetime,
) -> Member:
    seat = player.seat
    laid = block["laid"][seat] if seat is not None and seat < len(block["laid"]) else []
    counted = block["counts"] and seat is not None and seat < len(block["counts"])
    return Member(
        player=player,
        cards=block["counts"][seat] if counted else None,
        quartets=[names.get(theme, theme) for theme in laid],
        laid=list(laid),
        turn=seat is not None and block["turn"] == seat,
        winner=seat in block["winners"],
        offline=not player.is_bot and player.seen < offline_before,
        gone=not player.is_bot and player.seen < gone_before,
    )


def _last_event(table: Table, members: list[Member], texts: dict[str, dict[str, str]]) -> str:
    last = table.events.order_by("-seq").first()
    if last is None:
        return None
    seats = {m.player.seat: m.player.name for m in members}
    return describe(last.data, seats, texts["cards"], texts["themes"])


def room_tables(workshop: Workshop, *, with_last: bool = False) -> list[TableView]:
    """Every table of the session in number order, as the room sees it."""
    names = theme_names(workshop)
    texts = {"themes": names}
    if with_last:
        cards = Card.objects.filter(theme__deck=workshop.deck).select_related("theme")
        texts["cards"] = {card.key: card.title for card in cards}
    views = []
    now = timezone.now()
    offline_before = now - timedelta(seconds=presence.OFFLINE_SECONDS)
    gone_before = now - timedelta(seconds=workshop.away_after)  # the session's away time
    for table in workshop.tables.prefetch_related("players").order_by("number"):
        block = state_block(table, None)
        seated = sorted(
            (p for p in table.players.all() if not p.removed), key=lambda p: p.seat or 0
        )
        members = [_member(player, block, names, offline_before, gone_before) for player in seated]
        last = _last_event(table, members, texts) if with_last else None
        views.append(TableView(table=table, members=members, block=block, last=last))
    return views


def room_ranking(tables: list[TableView], *, humans_only: bool = False) -> list[dict[str, Any]]:
    """Everyone at a started table, most quartets first; ``place`` is their place in the
    room (equal scores share it: 1, 1, 3) and ``first`` marks the leaders."""
    room = sorted(
        (
            {
                "name": member.player.name,
                "table": view.table.number,
                "score": member.score,
                "quartets": member.quartets,
            }
            for view in tables
            if view.started
            for member in view.members
            if not (humans_only and member.player.is_bot)
        ),
        key=lambda entry: (-entry["score"], entry["table"], entry["name"]),
    )
    top = room[0]["score"] if room else 0
    for index, entry in enumerate(room):
        ahead = room[index - 1] if index else None
        entry["place"] = ahead["place"] if ahead and ahead["score"] == entry["score"] else index + 1
        entry["first"] = entry["score"] == top and top > 0
    return room
