"""game.realtime.batching: a process sends a session's table events to its dashboards at most once
per DASHBOARD_BATCH_SECONDS, one entry per table in order; a quiet room's at once."""

import asyncio

from game.realtime import batching


def events_of(table: int, seq: int) -> dict:
    return {
        "type": "workshop.update",
        "table": table,
        "number": table,
        "seq": seq,
        "events": [{"seq": seq, "type": "asked"}],
    }


async def test_a_quiet_rooms_events_go_at_once_and_a_busy_rooms_together(settings):
    settings.DASHBOARD_BATCH_SECONDS = 0.2
    sent: list[tuple[float, dict]] = []

    async def send(group, message):
        sent.append((asyncio.get_running_loop().time(), message))

    group = "workshop-batching-test"
    start = asyncio.get_running_loop().time()
    batching.queue(group, events_of(1, 1), send)
    await asyncio.sleep(0.05)
    assert len(sent) == 1 and sent[0][0] - start < 0.05  # the first: at once
    for table, seq in [(2, 1), (1, 2), (2, 2)]:  # within the window: held
        batching.queue(group, events_of(table, seq), send)
    await asyncio.sleep(0.05)
    assert len(sent) == 1
    await asyncio.sleep(0.2)
    assert len(sent) == 2
    when, message = sent[1]
    assert when - sent[0][0] >= 0.19  # not before the window was over
    assert message["type"] == "workshop.update"
    # One entry per table, in the order the tables first came; a table's events merged.
    assert [(b["table"], b["seq"]) for b in message["tables"]] == [(2, 2), (1, 2)]
    assert [[e["seq"] for e in b["events"]] for b in message["tables"]] == [[1, 2], [2]]


async def test_sessions_are_batched_apart(settings):
    settings.DASHBOARD_BATCH_SECONDS = 0.2
    sent: list[tuple[str, dict]] = []

    async def send(group, message):
        sent.append((group, message))

    batching.queue("workshop-a-test", events_of(1, 1), send)
    batching.queue("workshop-b-test", events_of(7, 1), send)
    await asyncio.sleep(0.05)
    assert sorted(group for group, _ in sent) == ["workshop-a-test", "workshop-b-test"]
