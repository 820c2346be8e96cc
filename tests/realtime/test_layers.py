"""The embedded default's channel layer (game.realtime.layers): a group message reaches every
member, a full queue loses it for that member only, and the walk over the channels
for expired messages runs at most once per CLEAN_EVERY, yet still runs."""

import asyncio
import time

import pytest
from channels import layers as channels_layers

from game.realtime import layers

GROUP = "table-1"


class Clock:
    """``time`` as game.realtime.layers sees it: a monotonic clock the test moves by hand (the
    real one drives the event loop), the wall clock as it is."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return time.time()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(layers, "time", clock)
    return clock


async def members(layer, count: int) -> list[str]:
    channels = [await layer.new_channel() for _ in range(count)]
    for channel in channels:
        await layer.group_add(GROUP, channel)
    return channels


async def received(layer, channel: str) -> dict:
    return await asyncio.wait_for(layer.receive(channel), timeout=1)


def waiting(layer, channel: str) -> int:
    """How many messages wait in the channel's queue."""
    queue = layer.channels.get(channel)
    return queue.qsize() if queue is not None else 0


async def test_a_group_message_reaches_every_member():
    layer = layers.InMemoryChannelLayer()
    channels = await members(layer, 3)
    message = {"type": "table.events", "seq": 5, "events": [{"seq": 5, "type": "miss"}]}
    await layer.group_send(GROUP, message)
    message["events"].clear()  # the sender's dict: the members got a copy
    for channel in channels:
        assert await received(layer, channel) == {
            "type": "table.events",
            "seq": 5,
            "events": [{"seq": 5, "type": "miss"}],
        }
        assert waiting(layer, channel) == 0


async def test_a_full_queue_drops_the_message_for_that_member_only():
    layer = layers.InMemoryChannelLayer(capacity=1)
    full, *others = await members(layer, 3)  # the full one first: the others come after it
    await layer.send(full, {"type": "earlier"})

    await layer.group_send(GROUP, {"type": "table.events", "seq": 6})  # raises nothing

    for channel in others:
        assert await received(layer, channel) == {"type": "table.events", "seq": 6}
    assert await received(layer, full) == {"type": "earlier"}
    assert waiting(layer, full) == 0  # lost: the page sees the gap and catches up
    # Still a member: the next message reaches it.
    await layer.group_send(GROUP, {"type": "table.events", "seq": 7})
    for channel in (full, *others):
        assert await received(layer, channel) == {"type": "table.events", "seq": 7}


async def test_the_expiry_walk_runs_at_most_once_per_clean_every(clock, monkeypatch):
    walks = []
    monkeypatch.setattr(
        channels_layers.InMemoryChannelLayer, "_clean_expired", lambda self: walks.append(clock.now)
    )
    layer = layers.InMemoryChannelLayer()
    [channel] = await members(layer, 1)
    for seq in range(50):  # a send and a receive each ask for the walk
        await layer.group_send(GROUP, {"type": "table.events", "seq": seq})
        await received(layer, channel)
    assert walks == [1000.0]

    clock.now += layers.CLEAN_EVERY / 2
    await layer.group_send(GROUP, {"type": "table.events", "seq": 50})
    await received(layer, channel)
    assert walks == [1000.0]

    clock.now += layers.CLEAN_EVERY / 2
    await layer.group_send(GROUP, {"type": "table.events", "seq": 51})
    assert walks == [1000.0, 1000.0 + layers.CLEAN_EVERY]


async def test_members_that_expired_are_still_dropped_from_the_group(clock):
    layer = layers.InMemoryChannelLayer(expiry=60, group_expiry=3600)
    gone, stale, fresh = await members(layer, 3)
    await layer.group_send(GROUP, {"type": "first"})  # the walk runs now, next in a second
    for channel in (gone, stale, fresh):
        await received(layer, channel)
    # ``gone`` never reads its next message (its socket died) and that message expires;
    # ``stale`` joined longer ago than group_expiry.
    layer.expiry = -1
    await layer.group_send(GROUP, {"type": "expired at once"})
    layer.expiry = 60
    for channel in (stale, fresh):
        await received(layer, channel)
    layer.groups[GROUP][stale] = time.time() - 7200

    clock.now += layers.CLEAN_EVERY / 2
    await layer.group_send(GROUP, {"type": "too soon for the walk"})
    assert set(layer.groups[GROUP]) == {gone, stale, fresh}
    for channel in (stale, fresh):
        await received(layer, channel)

    clock.now += layers.CLEAN_EVERY / 2
    await layer.group_send(GROUP, {"type": "after the walk"})
    assert set(layer.groups[GROUP]) == {fresh}
    assert await received(layer, fresh) == {"type": "after the walk"}
    assert waiting(layer, stale) == 0
