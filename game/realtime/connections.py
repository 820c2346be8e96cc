"""How many sockets each seat and each address holds, counted across every server process.

Every open socket holds a lease under its seat's key and under its address's key: a
member (the moment it opened, then its channel name) with an expiry. The process that
holds the socket renews its leases every RENEW_SECONDS and drops them when the socket
closes; a process that dies stops renewing, and its sockets stop counting LEASE_SECONDS
later. With REDIS_URL the leases are sorted sets in Redis (scored by expiry), shared by
every process; without it one process serves every socket and keeps them in memory.

- A seat (one player cookie) holds at most WS_PER_SEAT sockets: a phone needs one, a second
  tab or a reconnect that overtakes a dying socket one more. A newer socket replaces the
  oldest, which is sent ``socket.replaced`` through the channel layer (whichever process
  holds it) and closes with 4009.
- An address holds at most WS_PER_ADDRESS sockets: a whole room of phones (and the
  dashboards) shares the venue's one Wi-Fi address, so the cap is far above a room (300
  phones) and only stops one machine from opening thousands. A socket over it closes with 4029.

Bookkeeping of connections, like presence; not game state.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import Any

from django.conf import settings

from game.errors import CHANNEL_LAYER_DOWN, describe

log = logging.getLogger(__name__)

LEASE_SECONDS = 60.0  # a socket whose process stopped renewing stops counting after this
RENEW_SECONDS = 20.0
REDIS_CONNECTIONS = 20  # per process: each use is one short round trip
REDIS_WAIT_SECONDS = 5.0


class LocalStore:
    """The leases of one process, in memory: without Redis every socket is in this one."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, float]] = {}

    async def add(self, key: str, member: str, now: float, lease: float) -> list[str]:
        """Add the lease; the key's live members after it, oldest first."""
        members = self.keys.setdefault(key, {})
        for old in [m for m, expires in members.items() if expires <= now]:
            del members[old]
        members[member] = now + lease
        return sorted(members)

    async def remove(self, key: str, *members: str) -> None:
        held = self.keys.get(key, {})
        for member in members:
            held.pop(member, None)
        if not held:
            self.keys.pop(key, None)

    async def renew(self, leases: list[tuple[str, str]], now: float, lease: float) -> None:
        for key, member in leases:
            self.keys.setdefault(key, {})[member] = now + lease


class RedisStore:
    """The leases of every process, in Redis: a sorted set per key, scored by expiry."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.clients: dict[int, Any] = {}  # a client per event loop

    def client(self):
        import redis.asyncio

        loop = asyncio.get_running_loop()
        if id(loop) not in self.clients:
            # A room that reconnects at once waits its turn for a connection instead of
            # failing when the pool is full (redis-py 8's default pool raises; OPERATIONS.md).
            pool = redis.asyncio.BlockingConnectionPool.from_url(
                self.url, max_connections=REDIS_CONNECTIONS, timeout=REDIS_WAIT_SECONDS
            )
            self.clients[id(loop)] = redis.asyncio.Redis(connection_pool=pool)
        return self.clients[id(loop)]

    async def add(self, key: str, member: str, now: float, lease: float) -> list[str]:
        async with self.client().pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.zadd(key, {member: now + lease})
            pipe.expire(key, int(lease) + 1)
            pipe.zrange(key, 0, -1)
            *_, members = await pipe.execute()
        return sorted(m.decode() for m in members)

    async def remove(self, key: str, *members: str) -> None:
        if members:
            await self.client().zrem(key, *members)

    async def renew(self, leases: list[tuple[str, str]], now: float, lease: float) -> None:
        async with self.client().pipeline(transaction=False) as pipe:
            for key, member in leases:
                pipe.zadd(key, {member: now + lease})
                pipe.expire(key, int(lease) + 1)
            await pipe.execute()


def channel_of(member: str) -> str:
    return member.split(" ", 1)[1]


class Registry:
    """This process's sockets' leases, kept in ``store`` and renewed on a timer."""

    def __init__(
        self, store, lease: float = LEASE_SECONDS, renew: float = RENEW_SECONDS, namespace=""
    ):
        self.store, self.lease, self.renew_every = store, lease, renew
        # Two sites on one Redis (a test run beside a server) count apart: player ids
        # are numbers in each site's own database.
        self.prefix = f"ws:{namespace}:" if namespace else "ws:"
        self.held: dict[str, list[tuple[str, str]]] = {}  # channel -> its (key, member)s
        self.timers: set[int] = set()  # the event loops with a renewal scheduled

    def member(self, channel: str) -> str:
        return f"{time.time():017.6f} {channel}"

    async def seat_opened(self, player_id: int, channel: str) -> list[str]:
        """Count the socket against its seat; the channels of the seat's oldest sockets
        beyond WS_PER_SEAT, which the caller tells to close (their leases are gone now)."""
        key, member = f"{self.prefix}seat:{player_id}", self.member(channel)
        members = await self.store.add(key, member, time.time(), self.lease)
        self.hold(channel, key, member)
        replaced = [m for m in members if m != member][
            : max(0, len(members) - settings.WS_PER_SEAT)
        ]
        await self.store.remove(key, *replaced)
        return [channel_of(m) for m in replaced]

    async def address_opened(self, address: str, channel: str) -> bool:
        """Count the socket against its address: False (and not counted) when the address
        holds WS_PER_ADDRESS sockets already."""
        key, member = f"{self.prefix}address:{address or '-'}", self.member(channel)
        members = await self.store.add(key, member, time.time(), self.lease)
        if len(members) > settings.WS_PER_ADDRESS:
            await self.store.remove(key, member)
            return False
        self.hold(channel, key, member)
        return True

    async def closed(self, channel: str) -> None:
        for key, member in self.held.pop(channel, []):
            await self.store.remove(key, member)

    def hold(self, channel: str, key: str, member: str) -> None:
        self.held.setdefault(channel, []).append((key, member))
        loop = asyncio.get_running_loop()
        if id(loop) not in self.timers:  # a timer, not a task: nothing left over in tests
            self.timers.add(id(loop))
            loop.call_later(self.renew_every, self.renew_soon, loop)

    def renew_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        self.timers.discard(id(loop))
        if self.held:
            loop.create_task(self.renew_now())
            self.timers.add(id(loop))
            loop.call_later(self.renew_every, self.renew_soon, loop)

    async def renew_now(self) -> None:
        leases = [lease for held in self.held.values() for lease in held]
        try:
            await self.store.renew(leases, time.time(), self.lease)
        except CHANNEL_LAYER_DOWN as error:  # the next renewal tries again
            log.warning("socket leases not renewed: %s", describe(error))


_registries: dict[str, Registry] = {}


def registry() -> Registry:
    """This process's registry, on Redis when REDIS_URL is set."""
    url = settings.REDIS_URL
    if url not in _registries:
        database = str(settings.DATABASES["default"]["NAME"]).encode()
        namespace = hashlib.sha256(database).hexdigest()[:12]
        store = RedisStore(url) if url else LocalStore()
        _registries[url] = Registry(store, namespace=namespace)
    return _registries[url]


def forget() -> None:
    """Drop this process's bookkeeping (tests)."""
    _registries.clear()
