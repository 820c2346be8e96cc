"""What travels to the browsers: the groups, and publishing to them after commit.

Groups (one message per change; no message ever carries a hand):
- ``table-<id>``: the players of one table get its public events.
- ``workshop-<id>``: the facilitator's dashboard gets every table's events and arrivals.
- ``seating-<id>``: every player of a session hears that the seating changed.

The services publish here (``publish_*``, from ``transaction.on_commit``); a socket's write
runs through ``collecting`` so that its pushes leave from the event loop. What a seat sees
of its table is ``game.table.seats``.
"""

from __future__ import annotations

import functools
import logging
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db.models.signals import post_save
from django.dispatch import receiver

from game.errors import CHANNEL_LAYER_DOWN, describe
from game.models import Workshop
from game.realtime import batching

log = logging.getLogger(__name__)


def table_group(table_id: int) -> str:
    return f"table-{table_id}"


def workshop_group(workshop_id: int) -> str:
    return f"workshop-{workshop_id}"


def seating_group(workshop_id: int) -> str:
    return f"seating-{workshop_id}"


# Pushes of the write that runs in this context, collected instead of sent: a socket's
# write runs in a worker thread (database_sync_to_async), and sending from there would
# hop back to the event loop for each push and hold the thread meanwhile. The socket
# sends them itself once the write returns (``collecting`` / ``push``).
_pending: ContextVar[list[tuple[str, dict[str, Any]]] | None] = ContextVar(
    "live_pending", default=None
)


def _send(group: str, message: dict[str, Any]) -> None:
    """Push to a group; delivery is at most once. With the channel layer down the push
    is lost, not the move: pages see the gap in the sequence and catch up."""
    pending = _pending.get()
    if pending is not None:
        pending.append((group, message))
        return
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except CHANNEL_LAYER_DOWN as error:
        log.warning("push to %s lost: channel layer unavailable: %s", group, describe(error))


@functools.lru_cache(maxsize=64)
def _in_database_thread(write):
    """The write as a coroutine in the database thread, made once per write (a busy
    room's every move went through a fresh wrapper); the writes are a few functions."""
    return database_sync_to_async(write)


async def collecting(write, /, **kwargs: Any) -> Any:
    """Run the synchronous ``write`` in a worker thread, then push what it published
    (after its commit) from here, the event loop. Pushes of a write that committed are
    sent even when it then raised."""
    pending: list[tuple[str, dict[str, Any]]] = []
    token = _pending.set(pending)
    try:
        return await _in_database_thread(write)(**kwargs)
    finally:
        _pending.reset(token)
        await push(pending)


async def push(pending: list[tuple[str, dict[str, Any]]]) -> None:
    """Send pushes from the event loop; the dashboards' table events are batched."""
    for group, message in pending:
        if message["type"] == "workshop.update" and message.get("table") is not None:
            batching.queue(group, message, _group_send)
        else:
            await _group_send(group, message)


async def _group_send(group: str, message: dict[str, Any]) -> None:
    try:
        await get_channel_layer().group_send(group, message)
    except CHANNEL_LAYER_DOWN as error:
        log.warning("push to %s lost: channel layer unavailable: %s", group, describe(error))


def publish_table(table, events: tuple[dict[str, Any], ...]) -> None:
    message = {
        "type": "table.events",
        "table": table.pk,
        "number": table.number,
        "seq": events[-1]["seq"],
        "events": list(events),
    }
    _send(table_group(table.pk), message)
    _send(workshop_group(table.workshop_id), {**message, "type": "workshop.update"})


def publish_seating(workshop_id: int) -> None:
    _send(seating_group(workshop_id), {"type": "seating.changed"})
    _send(workshop_group(workshop_id), {"type": "workshop.update", "table": None})


def publish_poll(workshop_id: int) -> None:
    """A poll opened, closed or got a vote: phones and the projector look again."""
    _send(seating_group(workshop_id), {"type": "poll.changed"})
    _send(workshop_group(workshop_id), {"type": "workshop.update", "table": None, "poll": True})


def publish_dashboard(workshop_id: int, **what: bool) -> None:
    """The dashboard and projector look again: e.g. ``plans=True``, a plan changed (the
    top ideas and the results may change); a setting of the session changed."""
    _send(workshop_group(workshop_id), {"type": "workshop.update", "table": None, **what})


def publish_arrival(workshop, player) -> None:
    log.info("a player joined session %s", workshop.code)  # never a name
    _send(
        workshop_group(workshop.pk), {"type": "workshop.update", "table": None, "player": player.pk}
    )


@receiver(post_save, sender=Workshop, dispatch_uid="game.realtime.live.log_session_created")
def log_session_created(sender, instance: Workshop, created: bool, **kwargs) -> None:
    if created:
        log.info("session %s created (tables of %d)", instance.code, instance.table_size)
