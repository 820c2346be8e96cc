"""The count of open sockets holds across server processes (Redis), and the sockets of a
process that was killed stop counting once their leases run out."""

import asyncio
import uuid

import pytest

from game.realtime.connections import LocalStore, RedisStore, Registry


@pytest.fixture
def store(redis_url):
    return RedisStore(redis_url)


def player() -> int:
    """A seat number no other run has used in this Redis."""
    return uuid.uuid4().int % 10**12


async def test_two_processes_share_a_seats_count_and_the_oldest_is_replaced(store, settings):
    settings.WS_PER_SEAT = 3
    one, two = Registry(store), Registry(store)
    seat = player()
    assert await one.seat_opened(seat, "one.a") == []
    assert await two.seat_opened(seat, "two.b") == []
    assert await one.seat_opened(seat, "one.c") == []
    assert await two.seat_opened(seat, "two.d") == ["one.a"]
    await one.closed("one.c")
    assert await one.seat_opened(seat, "one.e") == []


async def test_two_processes_share_an_addresss_count(store, settings):
    settings.WS_PER_ADDRESS = 2
    one, two = Registry(store), Registry(store)
    address = f"shared-{uuid.uuid4().hex}"
    assert await one.address_opened(address, "one.a")
    assert await two.address_opened(address, "two.b")
    assert not await one.address_opened(address, "one.c")
    await two.closed("two.b")
    assert await one.address_opened(address, "one.c")


async def test_a_killed_processs_sockets_stop_counting_when_their_leases_run_out(store, settings):
    settings.WS_PER_ADDRESS = 1
    killed, alive = Registry(store, lease=1.0, renew=0.2), Registry(store, lease=1.0, renew=0.2)
    address = f"killed-{uuid.uuid4().hex}"
    assert await killed.address_opened(address, "killed.a")
    killed.held.clear()  # the process is gone: nothing renews or drops its leases
    assert not await alive.address_opened(address, "alive.b")
    for _ in range(40):  # the lease is 1 s; give up after 4 s
        await asyncio.sleep(0.1)
        if await alive.address_opened(address, "alive.b"):
            break
    else:
        pytest.fail("the killed process's socket still counts")


async def test_a_live_processs_leases_are_renewed_and_keep_counting(settings):
    settings.WS_PER_ADDRESS = 1
    store = LocalStore()
    alive, other = Registry(store, lease=0.5, renew=0.1), Registry(store, lease=0.5)
    assert await alive.address_opened("10.0.0.9", "alive.a")
    await asyncio.sleep(1.0)  # two leases long: renewed meanwhile
    assert not await other.address_opened("10.0.0.9", "other.b")
    await alive.closed("alive.a")
    assert await other.address_opened("10.0.0.9", "other.b")
