"""The in-memory channel layer of the embedded default, made cheap per message.

Channels' ``InMemoryChannelLayer`` walks every channel and every group member on each
send and receive to expire old messages, starts a task per recipient of a group
message, and deep-copies the message for each of them. With 300 phones that was a
large share of a move's cost (tests/perf, docs/performance.md). This layer:

- expires at most once a second (expiry is measured in tens of seconds anyway);
- delivers a group message to every member's queue directly, without a task each;
- shares one copy of a group message between its recipients: consumers treat group
  messages as read-only (game.sockets.consumers), as they must with any layer.

Delivery stays at most once: a full queue drops the message for that recipient, who
sees the gap in the sequence numbers and catches up (game/PROTOCOL.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from copy import deepcopy

from channels import layers

CLEAN_EVERY = 1.0  # seconds between walks over the channels for expired messages


class InMemoryChannelLayer(layers.InMemoryChannelLayer):
    cleaned = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self.cleaned < CLEAN_EVERY:
            return
        self.cleaned = now
        super()._clean_expired()

    async def group_send(self, group: str, message: dict) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        members = self.groups.get(group)
        if not members:
            return
        entry = (time.time() + self.expiry, deepcopy(message))
        for channel in list(members):
            queue = self.channels.get(channel)
            if queue is None:
                queue = self.channels[channel] = self._new_queue(channel)
            # At most once: on a full queue this recipient sees a gap and catches up.
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(entry)

    def _new_queue(self, channel: str):
        return asyncio.Queue(maxsize=self.get_capacity(channel))
