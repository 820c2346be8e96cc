"""Writes of the live game: sessions, players, tables and moves.

Every write that changes a table runs in one transaction that locks the table's row
(`select_for_update`; on SQLite the IMMEDIATE transaction takes the write lock),
checks and bumps the table's `seq`, stores the new state and the numbered events,
and only after commit tells the channel layer (`game.live.publish`). A group
message carries public events only; each consumer builds its own seat's view.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cards.models import Deck
from game import engine, live
from game.errors import Refused
from game.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    ActionReceipt,
    BotLevel,
    Player,
    Table,
    TableEvent,
    Workshop,
    new_join_code,
)

MAX_NAME = 30
MIN_TABLE = 3  # tables are balanced between this and the session's table_size


# --- permissions ---------------------------------------------------------------------


def can_host(user: AbstractBaseUser) -> bool:
    return bool(user.is_authenticated and user.has_perm("game.host_workshop"))


def can_run(user: AbstractBaseUser, workshop: Workshop) -> bool:
    """The session's own facilitator, or an admin."""
    return bool(user.is_authenticated and (user.is_superuser or workshop.facilitator_id == user.pk))


def _check_runs(by: AbstractBaseUser, workshop: Workshop) -> None:
    if not can_run(by, workshop):
        raise Refused("forbidden")


# --- sessions and players -------------------------------------------------------------


def workshop_create(
    *,
    facilitator: AbstractBaseUser,
    name: str,
    deck: Deck,
    miss_passes_to: str = "asked",
    pause_on_quartet: int = 0,
    table_size: int = 5,
) -> Workshop:
    if not can_host(facilitator):
        raise Refused("forbidden")
    problems = deck.problems()
    if problems:
        raise Refused("deck_not_playable", reasons=" ".join(problems))
    # Codes are random; on the rare collision draw again.
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return Workshop.objects.create(
                    facilitator=facilitator,
                    name=name.strip(),
                    deck=deck,
                    code=new_join_code(),
                    miss_passes_to=miss_passes_to,
                    pause_on_quartet=pause_on_quartet,
                    table_size=table_size,
                )
        except IntegrityError:
            continue
    raise RuntimeError("no free join code found")


def normalise_code(code: str) -> str:
    """What people type: lower case, spaces, a dash, or look-alikes of the alphabet."""
    cleaned = "".join(code.split()).replace("-", "").upper()
    return cleaned.translate(str.maketrans({"0": "O", "1": "I", "L": "I"}))


def workshop_by_code(code: str) -> Workshop:
    cleaned = normalise_code(code)
    valid = len(cleaned) == CODE_LENGTH and all(c in CODE_ALPHABET for c in cleaned)
    workshop = Workshop.objects.filter(code=cleaned).first() if valid else None
    if workshop is None:
        raise Refused("wrong_code", code=code.strip()[:12] or "-")
    if not workshop.is_open:
        raise Refused("session_ended")
    return workshop


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= MAX_NAME:
        raise Refused("bad_name")
    return cleaned


def player_join(*, code: str, name: str) -> Player:
    workshop = workshop_by_code(code)
    cleaned = clean_name(name)
    try:
        with transaction.atomic():
            player = Player.objects.create(workshop=workshop, name=cleaned)
    except IntegrityError:
        raise Refused("name_taken", name=cleaned) from None
    transaction.on_commit(lambda: live.publish_arrival(workshop, player))
    return player


def player_by_token(token: str) -> Player | None:
    if not token:
        return None
    # A person whose seat a bot took over can still follow their table.
    return (
        Player.objects.select_related("workshop", "table")
        .filter(Q(bot_level="") | Q(replaced=True), token=token, removed=False)
        .first()
    )


# --- seating --------------------------------------------------------------------------


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


def _waiting_tables(workshop: Workshop) -> list[Table]:
    return list(workshop.tables.filter(status=Table.Status.WAITING).order_by("number"))


def _next_table_number(workshop: Workshop) -> int:
    last = workshop.tables.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _touch_seating(workshop: Workshop) -> None:
    transaction.on_commit(lambda: live.publish_seating(workshop.pk))


def tables_arrange(*, workshop: Workshop, by: AbstractBaseUser) -> list[Table]:
    """Seat every person not at a started table in balanced tables of 3-5 (the
    session's table_size is the most). Bots at waiting tables are dropped."""
    _check_runs(by, workshop)
    with transaction.atomic():
        waiting = _waiting_tables(workshop)
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
        tables = waiting[: len(sizes)]
        number = _next_table_number(workshop)
        while len(tables) < len(sizes):
            tables.append(Table.objects.create(workshop=workshop, number=number))
            number += 1
        for table in waiting[len(sizes) :]:
            table.delete()
        # Deal people round the tables so friends who joined together spread out a bit.
        seats: list[list[Player]] = [[] for _ in sizes]
        index = 0
        for player in people:
            while len(seats[index % len(sizes)]) >= sizes[index % len(sizes)]:
                index += 1
            seats[index % len(sizes)].append(player)
            index += 1
        for table, members in zip(tables, seats, strict=True):
            for seat, player in enumerate(members):
                player.table, player.seat = table, seat
                player.save(update_fields=["table", "seat"])
        _touch_seating(workshop)
    return tables


def _renumber_seats(table: Table) -> None:
    members = list(table.players.filter(removed=False).order_by("seat", "joined", "id"))
    # Two passes so the (table, seat) constraint never sees a duplicate.
    for player in members:
        player.seat = None
        player.save(update_fields=["seat"])
    for seat, player in enumerate(members):
        player.seat = seat
        player.save(update_fields=["seat"])


def _check_waiting(table: Table) -> None:
    if table.status != Table.Status.WAITING:
        raise Refused("game_running")


def table_add(*, workshop: Workshop, by: AbstractBaseUser) -> Table:
    _check_runs(by, workshop)
    with transaction.atomic():
        table = Table.objects.create(workshop=workshop, number=_next_table_number(workshop))
        _touch_seating(workshop)
    return table


def player_move(*, player: Player, table: Table, by: AbstractBaseUser) -> Player:
    """Move a player (or bot) to another table that has not started yet."""
    workshop = player.workshop
    _check_runs(by, workshop)
    if table.workshop_id != workshop.pk or player.removed:
        raise Refused("not_found")
    with transaction.atomic():
        table = _locked_table(table.pk)
        _check_waiting(table)
        old = _locked_table(player.table_id) if player.table_id else None
        if old is not None:
            _check_waiting(old)
        if table.players.filter(removed=False).count() >= engine.MAX_SEATS:
            raise Refused("table_full")
        player.table, player.seat = table, None
        player.save(update_fields=["table", "seat"])
        player.seat = table.players.filter(removed=False).exclude(pk=player.pk).count()
        player.save(update_fields=["seat"])
        if old is not None and old.pk != table.pk:
            _renumber_seats(old)
        _touch_seating(workshop)
    return player


def bot_add(*, table: Table, level: str, by: AbstractBaseUser) -> Player:
    workshop = table.workshop
    _check_runs(by, workshop)
    if level not in BotLevel.values:
        raise Refused("bad_message", detail=f"unknown bot level {level!r}")
    with transaction.atomic():
        table = _locked_table(table.pk)
        _check_waiting(table)
        if table.players.filter(removed=False).count() >= engine.MAX_SEATS:
            raise Refused("table_full")
        taken = set(workshop.players.filter(removed=False).values_list("name", flat=True))
        number = 1
        while f"Bot {number}" in taken:
            number += 1
        bot = Player.objects.create(
            workshop=workshop,
            name=f"Bot {number}",
            bot_level=level,
            table=table,
            seat=table.players.filter(removed=False).count(),
        )
        _touch_seating(workshop)
    return bot


def player_remove(*, player: Player, by: AbstractBaseUser) -> None:
    """Take someone (or a bot) out of the session before their table starts. At a
    running table a bot takes over instead (player_replace_with_bot)."""
    _check_runs(by, player.workshop)
    with transaction.atomic():
        table = _locked_table(player.table_id) if player.table_id else None
        if table is not None:
            _check_waiting(table)
        player.removed, player.table, player.seat = True, None, None
        player.save(update_fields=["removed", "table", "seat"])
        if table is not None:
            _renumber_seats(table)
        _touch_seating(player.workshop)


# --- the game -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What a write did to a table: its new seq and the public events it recorded."""

    table: Table
    seq: int
    events: tuple[dict[str, Any], ...]
    duplicate: bool = False


def _engine_settings(workshop: Workshop) -> engine.Settings:
    return engine.Settings(
        miss_passes_to=workshop.miss_passes_to, pause_on_quartet=workshop.pause_on_quartet
    )


def _locked_table(table_id: int) -> Table:
    return Table.objects.select_for_update().select_related("workshop").get(pk=table_id)


def _event_data(event: engine.Event) -> dict[str, Any]:
    data = engine.event_to_json(event)
    del data["seq"]  # the engine's own count; tables number all their events
    return data


def _bot_seats(table: Table) -> set[int]:
    return set(table.players.filter(removed=False, bot_level__gt="").values_list("seat", flat=True))


def _record(
    table: Table,
    events: list[dict[str, Any]],
    *,
    state: engine.GameState | None = None,
    **fields: Any,
) -> Change:
    """Store ``events`` after the table's last one and save the table, in the caller's
    transaction; publish after commit. Raises Refused("conflict") if another writer
    got there first (the table's seq moved)."""
    old_seq = table.seq
    new_seq = old_seq + len(events)
    stamped = tuple({"seq": old_seq + n, **event} for n, event in enumerate(events, start=1))
    if state is not None:
        fields["state"] = engine.state_to_json(state)
        fields["bot_turn"] = state.turn is not None and state.turn in _bot_seats(table)
        if state.turn is None:
            fields["status"] = Table.Status.OVER
    fields["updated"] = timezone.now()
    if not Table.objects.filter(pk=table.pk, seq=old_seq).update(seq=new_seq, **fields):
        raise Refused("conflict")
    TableEvent.objects.bulk_create(
        TableEvent(table=table, seq=event["seq"], data=event) for event in stamped
    )
    for name, value in fields.items():
        setattr(table, name, value)
    table.seq = new_seq
    if events:
        transaction.on_commit(lambda: live.publish_table(table, stamped))
    return Change(table=table, seq=new_seq, events=stamped)


def table_start(*, table: Table, by: AbstractBaseUser, seed: int | None = None) -> Change:
    workshop = table.workshop
    _check_runs(by, workshop)
    if not workshop.is_open:
        raise Refused("session_ended")
    with transaction.atomic():
        table = _locked_table(table.pk)
        _check_waiting(table)
        seats = table.players.filter(removed=False).count()
        if seats < engine.MIN_SEATS:
            raise Refused("too_few_players")
        _renumber_seats(table)
        problems = workshop.deck.problems()
        if problems:
            raise Refused("deck_not_playable", reasons=" ".join(problems))
        seed = secrets.randbits(62) if seed is None else seed
        state, events = engine.new_game(
            workshop.deck.to_engine(), seats, seed, _engine_settings(workshop)
        )
        change = _record(
            table,
            [_event_data(event) for event in events],
            state=state,
            seed=seed,
            status=Table.Status.PLAYING,
        )
        _touch_seating(workshop)
    return change


def workshop_start_all(*, workshop: Workshop, by: AbstractBaseUser) -> list[Change]:
    _check_runs(by, workshop)
    changes = []
    for table in _waiting_tables(workshop):
        if table.players.filter(removed=False).count() >= engine.MIN_SEATS:
            changes.append(table_start(table=table, by=by))
    return changes


def _check_can_move(table: Table) -> None:
    if not table.workshop.is_open:
        raise Refused("session_ended")
    if table.status == Table.Status.WAITING:
        raise Refused("not_started")
    if table.status == Table.Status.OVER:
        raise Refused("game_over")
    if table.paused or table.workshop.paused:
        raise Refused("paused")
    if table.pause_until and table.pause_until > timezone.now():
        raise Refused("paused")


def _apply(table: Table, action: engine.Ask) -> tuple[Change, engine.GameState]:
    """Apply one ask to the locked table; the caller holds the transaction."""
    state = engine.state_from_json(table.state)
    try:
        state, events = engine.apply(state, action)
    except engine.IllegalAction as error:
        raise Refused.from_engine(error) from None
    fields: dict[str, Any] = {}
    if state.pause_due:
        fields["pause_until"] = timezone.now() + timedelta(seconds=state.pause_due)
    change = _record(table, [_event_data(event) for event in events], state=state, **fields)
    return change, state


def table_ask(*, player: Player, target: int, card: str, action_id: str) -> Change:
    """The player asks the player at seat ``target`` for ``card``. The seat that asks
    is the player's own, from the database: a client cannot act for another seat."""
    if player.table_id is None or player.seat is None:
        raise Refused("not_seated")
    with transaction.atomic():
        table = _locked_table(player.table_id)
        receipt = ActionReceipt.objects.filter(player=player, action_id=action_id).first()
        if receipt is not None:
            return Change(table=table, seq=receipt.seq, events=(), duplicate=True)
        current = Player.objects.get(pk=player.pk)
        if current.removed or current.table_id != table.pk:
            raise Refused("not_seated")
        if current.is_bot:
            raise Refused("seat_taken_over")
        _check_can_move(table)
        change, _state = _apply(table, engine.Ask(seat=current.seat, target=target, card=card))
        ActionReceipt.objects.create(player=current, action_id=action_id, seq=change.seq)
    return change


def bot_move(*, table_id: int) -> Change | None:
    """If it is a bot's turn at the table and nothing holds the game, move for it.
    Safe to call from several processes at once: only one move applies per state."""
    with transaction.atomic():
        table = _locked_table(table_id)
        if not table.bot_turn:
            return None
        try:
            _check_can_move(table)
        except Refused:
            return None
        state = engine.state_from_json(table.state)
        bots = dict(
            table.players.filter(removed=False, bot_level__gt="").values_list("seat", "bot_level")
        )
        if state.turn not in bots:
            Table.objects.filter(pk=table.pk).update(bot_turn=False)
            return None
        # Seeded by the table and its position, so a replay makes the same choices.
        rng = random.Random(f"{table.seed}:{table.seq}")
        action = engine.bot_choose(bots[state.turn], engine.seat_view(state, state.turn), rng)
        change, _state = _apply(table, action)
    return change


def _pause_event(table: Table, paused: bool) -> Change:
    return _record(
        table, [{"type": "paused" if paused else "resumed"}], paused=paused, pause_until=None
    )


def table_pause(*, table: Table, by: AbstractBaseUser, paused: bool = True) -> Change:
    _check_runs(by, table.workshop)
    with transaction.atomic():
        table = _locked_table(table.pk)
        if table.status != Table.Status.PLAYING:
            raise Refused("not_started")
        if not paused and not (table.paused or table.pause_until):
            raise Refused("not_paused")
        return _pause_event(table, paused)


def workshop_pause(*, workshop: Workshop, by: AbstractBaseUser, paused: bool = True) -> Workshop:
    """Pause or resume every table of the session at once."""
    _check_runs(by, workshop)
    with transaction.atomic():
        Workshop.objects.filter(pk=workshop.pk).update(paused=paused)
        workshop.paused = paused
        for table in workshop.tables.filter(status=Table.Status.PLAYING):
            _pause_event(_locked_table(table.pk), paused)
    return workshop


def pause_over(*, table_id: int) -> Change | None:
    """End a discussion pause after a quartet once its time is up."""
    with transaction.atomic():
        table = _locked_table(table_id)
        if table.pause_until is None or table.pause_until > timezone.now():
            return None
        return _record(table, [{"type": "resumed"}], pause_until=None)


def workshop_end(*, workshop: Workshop, by: AbstractBaseUser) -> Workshop:
    _check_runs(by, workshop)
    with transaction.atomic():
        workshop.status, workshop.ended = Workshop.Status.ENDED, timezone.now()
        workshop.save(update_fields=["status", "ended"])
        for table in workshop.tables.filter(status=Table.Status.PLAYING):
            _record(_locked_table(table.pk), [{"type": "session_ended"}], bot_turn=False)
        _touch_seating(workshop)
    return workshop


def player_replace_with_bot(
    *, player: Player, by: AbstractBaseUser, level: str = BotLevel.SMART
) -> Change:
    """Someone left for good: a bot takes over their hand so the table never sticks."""
    _check_runs(by, player.workshop)
    if player.is_bot:
        raise Refused("seat_taken_over")
    if player.table_id is None or player.seat is None:
        raise Refused("not_seated")
    with transaction.atomic():
        table = _locked_table(player.table_id)
        if table.status != Table.Status.PLAYING:
            raise Refused("not_started")
        player.bot_level, player.replaced = level, True
        player.save(update_fields=["bot_level", "replaced"])
        state = engine.state_from_json(table.state)
        return _record(
            table,
            [{"type": "seat_taken_over", "seat": player.seat, "level": level}],
            bot_turn=state.turn == player.seat,
        )


def tables_due(now=None) -> tuple[list[int], list[int]]:
    """Tables where a bot should move, and tables whose discussion pause is over."""
    now = now or timezone.now()
    quiet = now - timedelta(seconds=settings.BOT_DELAY_SECONDS)
    playing = Table.objects.filter(
        status=Table.Status.PLAYING, paused=False, workshop__paused=False
    )
    bots = list(
        playing.filter(bot_turn=True, updated__lte=quiet, pause_until__isnull=True).values_list(
            "pk", flat=True
        )
    )
    pauses = list(playing.filter(pause_until__lte=now).values_list("pk", flat=True))
    return bots, pauses


# --- facilitator accounts --------------------------------------------------------------

FACILITATORS = "Facilitators"


def facilitator_group():
    """The group whose members may host sessions (created on first use)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=FACILITATORS)
    permission = Permission.objects.get(codename="host_workshop", content_type__app_label="game")
    group.permissions.add(permission)
    return group


def facilitator_create(*, username: str, password: str, email: str = ""):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    user.groups.add(facilitator_group())
    return user
