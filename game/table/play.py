"""Play: starting games, asks, bots, pauses, and the transaction boundary of a move.

Every write that changes a table runs in one transaction that locks the table's row
(``seating.locked_table``, or for a move ``move_sql.locked_table``, which reads the session's
state with it; on SQLite the IMMEDIATE transaction takes the write lock),
checks and bumps the table's ``seq``, stores the new state and the numbered events
(``record.record``), and only after commit tells the channel layer (``game.realtime.live``). A group
message carries public events only; each consumer builds its own seat's view.

The state is stored without its log (``engine.stored_state_to_json``): the events are
already the table's TableEvent rows, and so a move writes the same few kilobytes from
the first move to the last. Only the smart bot reads the log; ``bot_move`` rebuilds it.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from game import engine
from game.errors import Refused
from game.models import ActionReceipt, BotLevel, Player, Table, TableEvent, Workshop
from game.room.accounts import check_runs
from game.room.seating import (
    check_waiting,
    locked_table,
    renumber_seats,
    touch_seating,
    waiting_tables,
)
from game.table import away, move_sql
from game.table.record import Change, bot_seats, record


def _engine_settings(workshop: Workshop) -> engine.Settings:
    return engine.Settings(
        miss_passes_to=workshop.miss_passes_to, pause_on_quartet=workshop.pause_on_quartet
    )


def _event_data(event: engine.Event) -> dict[str, Any]:
    data = engine.event_to_json(event)
    del data["seq"]  # the engine's own count; tables number all their events
    return data


def table_state(table: Table, *, with_log: bool = False) -> engine.GameState:
    """The game at ``table`` as its row holds it: without the public log, which only the
    smart bot needs. ``with_log`` adds it back from the table's events."""
    state = engine.stored_state_from_json(table.state)
    return state.with_log(_engine_log(table)) if with_log else state


def _engine_log(table: Table) -> tuple[engine.Event, ...]:
    """The table's engine events in order, numbered as the engine numbers them: from 0,
    without the table's own events (paused, resumed, seat_taken_over, session_ended)."""
    rows = (
        TableEvent.objects.filter(table=table, data__type__in=list(engine.EVENT_TYPES))
        .order_by("seq")
        .values_list("data", flat=True)
    )
    return tuple(engine.event_from_json({**data, "seq": n}) for n, data in enumerate(rows))


def table_start(*, table: Table, by: AbstractBaseUser, seed: int | None = None) -> Change:
    workshop = table.workshop
    check_runs(by, workshop)
    if not workshop.is_open:
        raise Refused("session_ended")
    with transaction.atomic():
        table = locked_table(table.pk)
        check_waiting(table)
        seats = table.players.filter(removed=False).count()
        if seats < engine.MIN_SEATS:
            raise Refused("too_few_players")
        renumber_seats(table)
        problems = workshop.deck.problems()
        if problems:
            raise Refused("deck_not_playable", reasons=" ".join(problems))
        seed = secrets.randbits(62) if seed is None else seed
        state, events = engine.new_game(
            workshop.deck.to_engine(), seats, seed, _engine_settings(workshop)
        )
        change = record(
            table,
            [_event_data(event) for event in events],
            state=state,
            seed=seed,
            status=Table.Status.PLAYING,
        )
        touch_seating(workshop)
    return change


def workshop_start_all(*, workshop: Workshop, by: AbstractBaseUser) -> list[Change]:
    check_runs(by, workshop)
    changes = []
    for table in waiting_tables(workshop):
        if table.players.filter(removed=False).count() >= engine.MIN_SEATS:
            changes.append(table_start(table=table, by=by))
    return changes


def _check_can_move(table: Table) -> None:
    """``table`` as ``move_sql.locked_table`` reads it, with its session's state."""
    if not table.session_open:
        raise Refused("session_ended")
    if table.status == Table.Status.WAITING:
        raise Refused("not_started")
    if table.status == Table.Status.OVER:
        raise Refused("game_over")
    if table.paused or table.session_paused:
        raise Refused("paused")
    if table.pause_until and table.pause_until > timezone.now():
        raise Refused("paused")


def _apply(
    table: Table, state: engine.GameState, action: engine.Ask, bots: set[int]
) -> tuple[Change, engine.GameState]:
    """Apply one ask to the locked table, whose game is ``state`` and whose bots sit at
    ``bots``; the caller holds the transaction."""
    try:
        state, events = engine.apply(state, action)
    except engine.IllegalAction as error:
        raise Refused.from_engine(error) from None
    fields: dict[str, Any] = {}
    if state.pause_due:
        fields["pause_until"] = timezone.now() + timedelta(seconds=state.pause_due)
    events = [_event_data(event) for event in events]
    change = record(table, events, state=state, bots=bots, **fields)
    return change, state


def table_ask(*, player: Player, target: int, card: str, action_id: str) -> Change:
    """The player asks the player at seat ``target`` for ``card``. The seat that asks
    is the player's own, from the database: a client cannot act for another seat."""
    if player.table_id is None or player.seat is None:
        raise Refused("not_seated")
    try:
        return _ask(player, target, card, action_id)
    except (Refused, IntegrityError):
        # A resend of a move already made is refused by the rules or by the receipt's
        # uniqueness (and rolled back); either way it is answered as the first time.
        receipt = ActionReceipt.objects.filter(player=player, action_id=action_id).first()
        if receipt is None:
            raise
        table = Table.objects.get(pk=player.table_id)
        return Change(table=table, seq=receipt.seq, events=(), duplicate=True)


def _ask(player: Player, target: int, card: str, action_id: str) -> Change:
    with transaction.atomic():
        table = move_sql.locked_table(player.table_id)
        # Who sits at the table now, in one query: the player may have been moved,
        # removed or replaced by a bot since the socket opened.
        seated = {
            pk: (seat, level, stand_in) for pk, seat, level, stand_in in move_sql.seated(table.pk)
        }
        if player.pk not in seated:
            raise Refused("not_seated")
        seat, level, stand_in = seated[player.pk]
        if stand_in:  # a bot played for them; whoever asks is back
            away.hand_back(table, Player.objects.select_for_update().get(pk=player.pk))
        elif level:
            raise Refused("seat_taken_over")
        _check_can_move(table)
        bots = {s for pk, (s, level, _) in seated.items() if level and pk != player.pk}
        ask = engine.Ask(seat=seat, target=target, card=card)
        change, _state = _apply(table, table_state(table), ask, bots)
        move_sql.insert(
            ActionReceipt,
            ("player", "action_id", "seq", "created"),
            [(player.pk, action_id, change.seq, timezone.now())],
        )
    return change


def bot_move(*, table_id: int) -> Change | None:
    """If it is a bot's turn at the table and nothing holds the game, move for it.
    Safe to call from several processes at once: only one move applies per state."""
    with transaction.atomic():
        table = move_sql.locked_table(table_id)
        if not table.bot_turn:
            return None
        try:
            _check_can_move(table)
        except Refused:
            return None
        state = table_state(table)
        bots = {seat: level for _pk, seat, level, _stand_in in move_sql.seated(table.pk) if level}
        if state.turn not in bots:
            Table.objects.filter(pk=table.pk).update(bot_turn=False)
            return None
        level = bots[state.turn]
        if engine.bot_needs_log(level):
            state = state.with_log(_engine_log(table))
        # Seeded by the table and its position, so a replay makes the same choices.
        rng = random.Random(f"{table.seed}:{table.seq}")
        action = engine.bot_choose(level, engine.seat_view(state, state.turn), rng)
        change, _state = _apply(table, state, action, set(bots))
    return change


def _pause_event(table: Table, paused: bool) -> Change:
    return record(
        table, [{"type": "paused" if paused else "resumed"}], paused=paused, pause_until=None
    )


def table_pause(*, table: Table, by: AbstractBaseUser, paused: bool = True) -> Change:
    check_runs(by, table.workshop)
    with transaction.atomic():
        table = locked_table(table.pk)
        if table.status != Table.Status.PLAYING:
            raise Refused("not_started")
        if not paused and not (table.paused or table.pause_until):
            raise Refused("not_paused")
        return _pause_event(table, paused)


def workshop_pause(*, workshop: Workshop, by: AbstractBaseUser, paused: bool = True) -> Workshop:
    """Pause or resume every table of the session at once."""
    check_runs(by, workshop)
    with transaction.atomic():
        Workshop.objects.filter(pk=workshop.pk).update(paused=paused)
        workshop.paused = paused
        for table in workshop.tables.filter(status=Table.Status.PLAYING):
            _pause_event(locked_table(table.pk), paused)
    return workshop


def pause_over(*, table_id: int) -> Change | None:
    """End a discussion pause after a quartet once its time is up."""
    with transaction.atomic():
        table = locked_table(table_id)
        if table.pause_until is None or table.pause_until > timezone.now():
            return None
        return record(table, [{"type": "resumed"}], pause_until=None)


def workshop_end(*, workshop: Workshop, by: AbstractBaseUser) -> Workshop:
    check_runs(by, workshop)
    with transaction.atomic():
        workshop.status, workshop.ended = Workshop.Status.ENDED, timezone.now()
        workshop.save(update_fields=["status", "ended"])
        for table in workshop.tables.filter(status=Table.Status.PLAYING):
            record(locked_table(table.pk), [{"type": "session_ended"}], bot_turn=False)
        touch_seating(workshop)
    return workshop


def player_replace_with_bot(
    *, player: Player, by: AbstractBaseUser, level: str = BotLevel.SMART
) -> Change:
    """Someone left for good: a bot takes over their hand so the table never sticks."""
    check_runs(by, player.workshop)
    if player.is_bot:
        raise Refused("seat_taken_over")
    if player.table_id is None or player.seat is None:
        raise Refused("not_seated")
    with transaction.atomic():
        table = locked_table(player.table_id)
        if table.status != Table.Status.PLAYING:
            raise Refused("not_started")
        player.bot_level, player.replaced = level, True
        player.away = player.stand_in = False
        player.save(update_fields=["bot_level", "replaced", "away", "stand_in"])
        state = table_state(table)
        return record(
            table,
            [{"type": "seat_taken_over", "seat": player.seat, "level": level}],
            # Whoever's turn it is: a bot already on turn keeps it.
            bot_turn=state.turn in bot_seats(table),
        )
