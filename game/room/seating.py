"""Seating: who sits at which table before a game starts.

Tables are balanced between ``MIN_TABLE`` and the session's table size; people can be
moved, removed, or joined by bots while their table waits. The table-row lock used by
every write to a table (``locked_table``) lives here too.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from game import engine
from game.errors import Refused
from game.models import BotLevel, Player, Table, Workshop
from game.realtime import live
from game.room.accounts import check_runs
from game.room.sessions import name_key

MIN_TABLE = 3  # tables are balanced between this and the session's table_size


def locked_table(table_id: int) -> Table:
    """The table's row, locked for the caller's transaction (on SQLite the IMMEDIATE
    transaction already holds the write lock)."""
    return Table.objects.select_for_update().select_related("workshop").get(pk=table_id)


def check_waiting(table: Table) -> None:
    if table.status != Table.Status.WAITING:
        raise Refused("game_running")


def touch_seating(workshop: Workshop) -> None:
    """After commit, tell the session's phones and dashboard that seats changed."""
    transaction.on_commit(lambda: live.publish_seating(workshop.pk))


def waiting_tables(workshop: Workshop) -> list[Table]:
    return list(workshop.tables.filter(status=Table.Status.WAITING).order_by("number"))


def renumber_seats(table: Table) -> None:
    members = list(table.players.filter(removed=False).order_by("seat", "joined", "id"))
    # Two passes so the (table, seat) constraint never sees a duplicate.
    for player in members:
        player.seat = None
        player.save(update_fields=["seat"])
    for seat, player in enumerate(members):
        player.seat = seat
        player.save(update_fields=["seat"])


def balanced_sizes(players: int, most: int) -> list[int]:
    """Table sizes for ``players`` people, at most ``most`` a table, differing by at
    most one, never a table of 1 (two people make one table of 2)."""
    if players <= 0:
        return []
    tables = -(-players // most)
    while tables > 1 and players // tables < 2:
        tables -= 1
    base, extra = divmod(players, tables)
    return [base + 1] * extra + [base] * (tables - extra)


def _next_table_number(workshop: Workshop) -> int:
    last = workshop.tables.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _deal(people: list[Player], sizes: list[int]) -> list[list[Player]]:
    """Deal people round the tables so friends who joined together spread out a bit."""
    seats: list[list[Player]] = [[] for _ in sizes]
    index = 0
    for player in people:
        while len(seats[index % len(sizes)]) >= sizes[index % len(sizes)]:
            index += 1
        seats[index % len(sizes)].append(player)
        index += 1
    return seats


def _tables_for(workshop: Workshop, waiting: list[Table], count: int) -> list[Table]:
    """``count`` waiting tables: the existing ones first, new ones added, spare ones gone."""
    tables = waiting[:count]
    number = _next_table_number(workshop)
    while len(tables) < count:
        tables.append(Table.objects.create(workshop=workshop, number=number))
        number += 1
    for table in waiting[count:]:
        table.delete()
    return tables


def tables_arrange(*, workshop: Workshop, by: AbstractBaseUser) -> list[Table]:
    """Seat every person not at a started table in balanced tables of 3-5 (the
    session's table_size is the most). Bots at waiting tables are dropped."""
    check_runs(by, workshop)
    with transaction.atomic():
        waiting = waiting_tables(workshop)
        people = list(
            workshop.players.filter(removed=False, bot_level="")
            .filter(Q(table__isnull=True) | Q(table__status=Table.Status.WAITING))
            .order_by("joined", "id")
        )
        Player.objects.filter(table__in=waiting, bot_level__gt="").update(
            removed=True, table=None, seat=None
        )
        Player.objects.filter(pk__in=[p.pk for p in people]).update(table=None, seat=None)
        sizes = balanced_sizes(len(people), workshop.table_size)
        tables = _tables_for(workshop, waiting, len(sizes))
        for table, members in zip(tables, _deal(people, sizes), strict=True):
            for seat, player in enumerate(members):
                player.table, player.seat = table, seat
                player.save(update_fields=["table", "seat"])
        touch_seating(workshop)
    return tables


def table_add(*, workshop: Workshop, by: AbstractBaseUser) -> Table:
    check_runs(by, workshop)
    with transaction.atomic():
        table = Table.objects.create(workshop=workshop, number=_next_table_number(workshop))
        touch_seating(workshop)
    return table


def _check_room(table: Table) -> None:
    if table.players.filter(removed=False).count() >= engine.MAX_SEATS:
        raise Refused("table_full")


def player_move(*, player: Player, table: Table, by: AbstractBaseUser) -> Player:
    """Move a player (or bot) to another table that has not started yet."""
    workshop = player.workshop
    check_runs(by, workshop)
    if table.workshop_id != workshop.pk or player.removed:
        raise Refused("not_found")
    with transaction.atomic():
        table = locked_table(table.pk)
        check_waiting(table)
        old = locked_table(player.table_id) if player.table_id else None
        if old is not None:
            check_waiting(old)
        _check_room(table)
        player.table, player.seat = table, None
        player.save(update_fields=["table", "seat"])
        player.seat = table.players.filter(removed=False).exclude(pk=player.pk).count()
        player.save(update_fields=["seat"])
        if old is not None and old.pk != table.pk:
            renumber_seats(old)
        touch_seating(workshop)
    return player


def bot_add(*, table: Table, level: str, by: AbstractBaseUser) -> Player:
    workshop = table.workshop
    check_runs(by, workshop)
    if level not in BotLevel.values:
        raise Refused("bad_message", detail=f"unknown bot level {level!r}")
    with transaction.atomic():
        table = locked_table(table.pk)
        check_waiting(table)
        _check_room(table)
        names = workshop.players.filter(removed=False).values_list("name", flat=True)
        taken = {name_key(name) for name in names}  # a person may have joined as "bot 1"
        number = 1
        while name_key(f"Bot {number}") in taken:
            number += 1
        bot = Player.objects.create(
            workshop=workshop,
            name=f"Bot {number}",
            bot_level=level,
            table=table,
            seat=table.players.filter(removed=False).count(),
        )
        touch_seating(workshop)
    return bot


def player_remove(*, player: Player, by: AbstractBaseUser) -> None:
    """Take someone (or a bot) out of the session before their table starts. At a
    running table a bot takes over instead (``game.table.play.player_replace_with_bot``)."""
    check_runs(by, player.workshop)
    with transaction.atomic():
        table = locked_table(player.table_id) if player.table_id else None
        if table is not None:
            check_waiting(table)
        player.removed, player.table, player.seat = True, None, None
        player.save(update_fields=["removed", "table", "seat"])
        if table is not None:
            renumber_seats(table)
        touch_seating(player.workshop)
