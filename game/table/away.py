"""No table stuck on a player who left, and a nudge for one who thinks long.

The ticker (``scan``) looks, every few seconds, for players on turn who have had no
connection (``Player.seen``, written by ``game.realtime.presence``) for longer than their
session's ``away_after``: the table hears ``player_away`` and the dashboard flags it.
With the session's ``stand_in_after`` on, after that long a bot plays their hand
(``seat_stood_in``) until they come back: their page's socket opening hands it back
(``player_back``), and the table hears ``seat_returned`` with what the bot did meanwhile.
A player on turn who has not moved for ``nudge_after`` seconds gets one ``turn_nudge``:
the table sees "Anna denkt na…" and Anna's phone vibrates; no move is forced.

Every write locks the table's row first and the player's row second (as ``game.table.play``
does), and checks again what the scan saw: several processes may scan at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from game.errors import Refused
from game.models import AWAY_MIN, STAND_IN_LEVEL, Player, Table, TableEvent, Workshop
from game.realtime import presence
from game.room.accounts import check_runs
from game.room.seating import locked_table
from game.table import move_sql
from game.table.record import Change, record

NUDGE_MIN = 5  # seconds: the shortest nudge_after the scan looks for


def _on_turn(now: datetime):
    """Human players on turn at a running table, seen longer ago than AWAY_MIN."""
    return Player.objects.filter(
        table__status=Table.Status.PLAYING,
        table__turn=F("seat"),
        table__paused=False,
        table__pause_until__isnull=True,
        table__workshop__paused=False,
        table__workshop__status=Workshop.Status.OPEN,
        bot_level="",
        removed=False,
        stand_in=False,
        seen__lt=now - timedelta(seconds=AWAY_MIN),
    )


def due(now: datetime | None = None) -> list[tuple[Callable[..., Change | None], dict]]:
    """Who is to be flagged, stood in for or nudged now: each as a write and its
    arguments, done one by one (the ticker lets moves in between: ``game.table.ticker``)."""
    now = now or timezone.now()
    work: list[tuple[Callable[..., Change | None], dict]] = []
    on_turn = _on_turn(now).values_list(
        "pk", "seen", "away", "workshop__away_after", "workshop__stand_in_after"
    )
    for player_id, seen, away, away_after, stand_in_after in on_turn:
        gone = (now - seen).total_seconds()
        if stand_in_after and gone >= stand_in_after:
            work.append((player_stand_in, {"player_id": player_id, "now": now}))
        elif not away and gone >= away_after:
            work.append((player_flag_away, {"player_id": player_id, "now": now}))
    work += [(table_nudge, {"table_id": table_id, "now": now}) for table_id in _nudges_due(now)]
    return work


def scan(now: datetime | None = None) -> list[Change]:
    """Flag, stand in for and nudge whoever is due now; the changes made."""
    changes = [write(**arguments) for write, arguments in due(now)]
    return [change for change in changes if change is not None]


def _locked(player_id: int) -> tuple[Table, Player] | tuple[None, None]:
    """The player's table and the player, locked in that order."""
    table_id = Player.objects.filter(pk=player_id).values_list("table_id", flat=True).first()
    if table_id is None:
        return None, None
    table = locked_table(table_id)
    player = Player.objects.select_for_update().filter(pk=player_id, table_id=table_id).first()
    return (table, player) if player is not None else (None, None)


def _still_away(table: Table, player: Player, after: int, now: datetime) -> bool:
    return (
        table.status == Table.Status.PLAYING
        and table.turn == player.seat
        and not player.is_bot
        and not player.removed
        and (now - player.seen).total_seconds() >= after
    )


def player_flag_away(*, player_id: int, now: datetime | None = None) -> Change | None:
    """The player on turn has had no connection for the session's ``away_after``."""
    now = now or timezone.now()
    with transaction.atomic():
        table, player = _locked(player_id)
        if table is None or player.away or player.stand_in:
            return None
        if not _still_away(table, player, table.workshop.away_after, now):
            return None
        Player.objects.filter(pk=player.pk).update(away=True)
        return record(table, [{"type": "player_away", "seat": player.seat}])


def player_stand_in(
    *, player_id: int, now: datetime | None = None, by: AbstractBaseUser | None = None
) -> Change | None:
    """A bot plays the away player's hand until they return (``player_back``): after
    the session's ``stand_in_after``, or at once when the facilitator (``by``) says so."""
    now = now or timezone.now()
    with transaction.atomic():
        table, player = _locked(player_id)
        if by is not None:
            _check_stand_in(table, player, by)
        elif table is None or player.stand_in:
            return None
        else:
            after = table.workshop.stand_in_after
            if not after or not _still_away(table, player, after, now):
                return None
        Player.objects.filter(pk=player.pk).update(away=True, stand_in=True)
        event = {"type": "seat_stood_in", "seat": player.seat, "level": STAND_IN_LEVEL}
        return record(table, [event], bot_turn=table.turn == player.seat)


def _check_stand_in(table: Table | None, player: Player | None, by: AbstractBaseUser) -> None:
    if table is None:
        raise Refused("not_seated")
    check_runs(by, table.workshop)
    if player.is_bot or player.stand_in:
        raise Refused("seat_taken_over")
    if table.status != Table.Status.PLAYING:
        raise Refused("not_started")


def returning(player: Player) -> bool:
    """Whether the player's page, opening, must say it is back: flagged away, or
    unseen longer than a presence refresh lasts (another process may flag them
    meanwhile; ``player_back`` writes them seen before it looks)."""
    quiet = timezone.now() - player.seen
    return player.away or quiet.total_seconds() > 2 * presence.PRESENCE_SECONDS


def player_back(*, player_id: int) -> Change | None:
    """The player's page is connected again: they are seen now, and if they had been
    flagged away or a bot stood in, the table hears that they are back."""
    Player.objects.filter(pk=player_id).update(seen=timezone.now())
    if not Player.objects.filter(pk=player_id).filter(away=True).exists():
        return None  # the common case: one write, one read
    with transaction.atomic():
        table, player = _locked(player_id)
        if table is None:
            Player.objects.filter(pk=player_id).update(away=False, stand_in=False)
            return None
        return hand_back(table, player)


def hand_back(table: Table, player: Player) -> Change | None:
    """In the caller's transaction, with the table locked: the player is back."""
    if not (player.away or player.stand_in):
        return None
    event: dict[str, Any] = {"type": "seat_returned", "seat": player.seat}
    if player.stand_in:
        event["played"] = _played_since_stand_in(table, player.seat)
    Player.objects.filter(pk=player.pk).update(away=False, stand_in=False, seen=timezone.now())
    player.away = player.stand_in = False
    bots = {seat for _pk, seat, level, _stand_in in move_sql.seated(table.pk) if level}
    return record(table, [event], bot_turn=table.turn in bots)


def _played_since_stand_in(table: Table, seat: int) -> dict[str, Any]:
    """What the bot did with the seat's hand: asks, cards won, quartets laid (public)."""
    since = 0
    events = list(TableEvent.objects.filter(table=table).order_by("seq").values("seq", "data"))
    for row in events:
        if row["data"]["type"] == "seat_stood_in" and row["data"]["seat"] == seat:
            since = row["seq"]
    played = {"asks": 0, "hits": 0, "quartets": []}
    for row in events:
        data = row["data"]
        if row["seq"] <= since or data.get("seat") != seat:
            continue
        if data["type"] == "asked":
            played["asks"] += 1
        elif data["type"] == "hit":
            played["hits"] += 1
        elif data["type"] == "quartet_laid":
            played["quartets"].append(data["theme"])
    return played


def _nudges_due(now: datetime) -> list[int]:
    waiting = Table.objects.filter(
        status=Table.Status.PLAYING,
        paused=False,
        pause_until__isnull=True,
        bot_turn=False,
        nudged=False,
        turn__isnull=False,
        workshop__paused=False,
        workshop__status=Workshop.Status.OPEN,
        workshop__nudge_after__gt=0,
        updated__lt=now - timedelta(seconds=NUDGE_MIN),
    ).values_list("pk", "updated", "workshop__nudge_after")
    return [pk for pk, updated, after in waiting if (now - updated).total_seconds() >= after]


def table_nudge(*, table_id: int, now: datetime | None = None) -> Change | None:
    """Once per turn, after the session's ``nudge_after`` without a move: the table
    sees that the player on turn is thinking, and their phone vibrates. Not for a
    player who is away (the away flag says more)."""
    now = now or timezone.now()
    with transaction.atomic():
        table = locked_table(table_id)
        after = table.workshop.nudge_after
        quiet = (now - table.updated).total_seconds()
        if table.status != Table.Status.PLAYING or table.nudged or table.bot_turn:
            return None
        if not after or quiet < after or table.paused or table.pause_until:
            return None
        on_turn = Player.objects.filter(table=table, seat=table.turn, removed=False).first()
        if on_turn is None or (now - on_turn.seen).total_seconds() >= AWAY_MIN:
            return None
        return record(table, [{"type": "turn_nudge", "seat": table.turn}], nudged=True)
