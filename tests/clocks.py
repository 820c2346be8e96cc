"""A clock the test moves on itself, in place of the event loop's (game.realtime.batching):
what is due runs when the test says the time has come, so a test asserts what was held and
what was sent instead of waiting for a window to pass and timing it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


class ManualClock:
    def __init__(self) -> None:
        self.time = 1000.0
        self.timers: list[tuple[float, Callable[..., None], tuple[Any, ...]]] = []

    def now(self) -> float:
        return self.time

    def call_later(self, delay: float, callback: Callable[..., None], *args: Any) -> None:
        self.timers.append((self.time + delay, callback, args))

    def delays(self) -> list[float]:
        """How long from now each pending callback waits, soonest first (to the microsecond:
        the clock adds floats)."""
        return sorted(round(due - self.time, 6) for due, _, _ in self.timers)

    async def advance(self, seconds: float = 0.0) -> int:
        """Move the time on and run what has come due, in order; then let the event loop
        run what those callbacks started (a send). Returns how many ran."""
        self.time += seconds
        due = sorted((t for t in self.timers if t[0] <= self.time + 1e-9), key=lambda t: t[0])
        for timer in due:
            self.timers.remove(timer)
            timer[1](*timer[2])
        for _ in range(5):  # the sends' tasks, and what they hand on
            await asyncio.sleep(0)
        return len(due)
