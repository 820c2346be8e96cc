"""The write at the heart of every move: store a table's numbered events and its new state
in the caller's transaction, and publish them after commit.

Every service that changes a table (``play``, ``away``) records through here, so the rule
of a move's write (the ``seq`` check that refuses a second writer, the bot's turn, the
turn clock) is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from game import engine
from game.errors import Refused
from game.models import Table, TableEvent
from game.realtime import live
from game.table import move_sql


@dataclass(frozen=True)
class Change:
    """What a write did to a table: its new seq and the public events it recorded."""

    table: Table
    seq: int
    events: tuple[dict[str, Any], ...]
    duplicate: bool = False


def bot_seats(table: Table) -> set[int]:
    return {seat for _pk, seat, level, _stand_in in move_sql.seated(table.pk) if level}


def record(
    table: Table,
    events: list[dict[str, Any]],
    *,
    state: engine.GameState | None = None,
    bots: set[int] | None = None,
    **fields: Any,
) -> Change:
    """Store ``events`` after the table's last one and save the table, in the caller's
    transaction; publish after commit. Raises Refused("conflict") if another writer
    got there first (the table's seq moved). ``bots``: the table's bot seats, when the
    caller has read them already."""
    old_seq = table.seq
    new_seq = old_seq + len(events)
    stamped = tuple({"seq": old_seq + n, **event} for n, event in enumerate(events, start=1))
    now = fields["updated"] = timezone.now()
    if state is not None:
        fields["state"] = engine.stored_state_to_json(state)
        bots = bot_seats(table) if bots is None else bots
        fields["bot_turn"] = state.turn is not None and state.turn in bots
        fields["turn"], fields["nudged"] = state.turn, False
        if state.turn != table.turn:
            fields["turn_since"] = now
        if state.turn is None:
            fields["status"] = Table.Status.OVER
    if not move_sql.update_where(
        Table, {"id": table.pk, "seq": old_seq}, {"seq": new_seq, **fields}
    ):
        raise Refused("conflict")
    move_sql.insert(
        TableEvent,
        ("table", "seq", "data", "created"),
        [(table.pk, event["seq"], event, now) for event in stamped],
    )
    for name, value in fields.items():
        setattr(table, name, value)
    table.seq = new_seq
    if events:
        transaction.on_commit(lambda: live.publish_table(table, stamped))
    return Change(table=table, seq=new_seq, events=stamped)
