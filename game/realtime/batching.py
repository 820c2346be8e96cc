"""Table events for the dashboards, batched where they are published.

Every move of every table goes to its session's dashboard group. In a busy room that is
hundreds of group messages a second to each dashboard's socket, and a consumer takes
one message per turn of the event loop: under load the dashboard fell seconds behind
and its queue overflowed (tests/perf, docs/performance.md). So each process sends a
session's table events at most once per DASHBOARD_BATCH_SECONDS, as one message with
one entry per table (its events in order, without gaps); a quiet room's go at once.

The window is kept on ``clock``: the event loop's timers on the monotonic clock. Tests put
a clock of their own in its place and move it on themselves (tests/clocks.py), so they
check what is held and what is sent without waiting for a window to pass.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

from django.conf import settings

_waiting: dict[str, list[dict[str, Any]]] = {}  # dashboard group -> batches to send
_sent_at: dict[str, float] = {}
_flushing: set[asyncio.Task] = set()  # referenced until done


class LoopClock:
    """Now, and a callback after a delay, on the running event loop."""

    def now(self) -> float:
        return time.monotonic()

    def call_later(self, delay: float, callback, *args: Any) -> None:
        asyncio.get_running_loop().call_later(delay, callback, *args)


clock = LoopClock()


def queue(group: str, message: dict[str, Any], send) -> None:
    """Send ``message`` (one table's events) to ``group`` with the others that come
    within the window. ``send(group, message)`` is the coroutine that pushes."""
    waiting = _waiting.setdefault(group, [])
    waiting.append(message)
    if len(waiting) > 1:
        return  # a send is due: this batch goes with it
    wait = _sent_at.get(group, -math.inf) + settings.DASHBOARD_BATCH_SECONDS - clock.now()
    clock.call_later(max(0.0, wait), _flush, group, send)


def merged(batches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per table: its consecutive batches joined, events in order and without
    gaps, ``seq`` the last."""
    tables: dict[int, dict[str, Any]] = {}
    for batch in batches:
        entry = tables.get(batch["table"])
        if entry is None:
            tables[batch["table"]] = {
                key: batch[key] for key in ("table", "number", "seq", "events")
            }
        else:
            entry.update(seq=batch["seq"], events=entry["events"] + batch["events"])
    return list(tables.values())


def _flush(group: str, send) -> None:
    batches = merged(_waiting.pop(group, []))
    _sent_at[group] = clock.now()
    if len(_sent_at) > 1000:  # sessions come and go: forget the old ones
        _sent_at.clear()
    task = asyncio.ensure_future(send(group, {"type": "workshop.update", "tables": batches}))
    _flushing.add(task)
    task.add_done_callback(_flushing.discard)
