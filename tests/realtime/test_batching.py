"""game.realtime.batching: a process sends a session's table events to its dashboards at most once
per DASHBOARD_BATCH_SECONDS, one entry per table in order; a quiet room's at once. The window
runs on a clock the test moves on itself (tests/clocks.py): no waiting, no timing."""

import pytest

from game.realtime import batching


def events_of(table: int, seq: int) -> dict:
    return {
        "type": "workshop.update",
        "table": table,
        "number": table,
        "seq": seq,
        "events": [{"seq": seq, "type": "asked"}],
    }


async def test_a_quiet_rooms_events_go_at_once_and_a_busy_rooms_together(settings, batch_clock):
    settings.DASHBOARD_BATCH_SECONDS = 0.2
    sent: list[tuple[float, dict]] = []

    async def send(group, message):
        sent.append((batch_clock.now(), message))

    group = "workshop-batching-test"
    start = batch_clock.now()
    batching.queue(group, events_of(1, 1), send)
    assert batch_clock.delays() == [0.0]  # the first: at once
    assert await batch_clock.advance(0) == 1
    assert [when for when, _ in sent] == [start]
    for table, seq in [(2, 1), (1, 2), (2, 2)]:  # within the window: held, one send due
        batching.queue(group, events_of(table, seq), send)
    assert batch_clock.delays() == [0.2]
    assert await batch_clock.advance(0.19) == 0
    assert len(sent) == 1  # not before the window is over
    assert await batch_clock.advance(0.01) == 1
    assert len(sent) == 2 and not batch_clock.timers
    when, message = sent[1]
    assert when == pytest.approx(start + 0.2)
    assert message["type"] == "workshop.update"
    # One entry per table, in the order the tables first came; a table's events merged.
    assert [(b["table"], b["seq"]) for b in message["tables"]] == [(2, 2), (1, 2)]
    assert [[e["seq"] for e in b["events"]] for b in message["tables"]] == [[1, 2], [2]]


async def test_a_window_without_events_leaves_the_next_one_at_once(settings, batch_clock):
    settings.DASHBOARD_BATCH_SECONDS = 0.2
    sent: list[dict] = []

    async def send(group, message):
        sent.append(message)

    batching.queue("workshop-quiet-test", events_of(1, 1), send)
    await batch_clock.advance(0)
    await batch_clock.advance(0.5)  # a quiet spell, longer than the window
    batching.queue("workshop-quiet-test", events_of(1, 2), send)
    assert batch_clock.delays() == [0.0]
    await batch_clock.advance(0)
    assert [m["tables"][0]["seq"] for m in sent] == [1, 2]


async def test_sessions_are_batched_apart(settings, batch_clock):
    settings.DASHBOARD_BATCH_SECONDS = 0.2
    sent: list[tuple[str, dict]] = []

    async def send(group, message):
        sent.append((group, message))

    batching.queue("workshop-a-test", events_of(1, 1), send)
    batching.queue("workshop-b-test", events_of(7, 1), send)
    assert batch_clock.delays() == [0.0, 0.0]  # neither waits for the other's window
    await batch_clock.advance(0)
    assert sorted(group for group, _ in sent) == ["workshop-a-test", "workshop-b-test"]
