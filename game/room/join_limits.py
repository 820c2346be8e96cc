"""Limits on guessing typed join codes, made so that no one can lock a room out.

A whole room joins from one address (the venue's Wi-Fi), so joining with a right code is
never limited by itself. What is limited is wrong codes, each in a fixed window of
``JOIN_WRONG_CODE_WINDOW_SECONDS``:

- per address: past ``JOIN_WRONG_CODES_PER_ADDRESS`` wrong codes, typed codes from that
  address are refused, right or wrong (a limited guesser must not learn that a code is
  right), unless the session's facilitator lifted the limit for that address: then it
  may type that session's code again, within a fresh allowance of wrong codes;
- for the whole server: past ``JOIN_WRONG_CODES_TOTAL`` wrong codes, a typed code is
  checked only against the sessions its address already joined (a room's address knows
  its code), so at most that many codes an hour are tried against every session, and
  no flood of guesses from elsewhere refuses a room that has begun joining.

The QR code's signed link (``game.room.join_links``) is never limited. Counts, lifts and
the addresses each session's players joined from live in Django's cache: per process by
default, shared through Redis when ``REDIS_URL`` is set, so the limits hold across
several workers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest

from game.errors import Refused
from game.models import Workshop
from game.realtime import live
from game.room import windows
from game.room.accounts import check_runs

EVERYONE = "*"
# How long, and how many, addresses a session's players joined from are remembered.
ROOM_MEMORY_SECONDS = 12 * 3600
ROOM_ADDRESSES_KEPT = 20


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind our own TLS proxy (``BEHIND_TLS_PROXY``) it is the
    last address in X-Forwarded-For, the one the proxy itself added; any earlier entry
    came from the client and could be forged. Otherwise the header is ignored."""
    return address_of(
        request.headers.get("X-Forwarded-For", ""), request.META.get("REMOTE_ADDR", "")
    )


def address_of(forwarded_for: str, peer: str) -> str:
    """The client's address from a request's or a socket's X-Forwarded-For header and
    its peer's address: the header's last hop behind our own proxy, else the peer."""
    if settings.SECURE_PROXY_SSL_HEADER:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return peer


def _window() -> tuple[int, int]:
    """The current window's number and the seconds until it ends."""
    return windows.window(settings.JOIN_WRONG_CODE_WINDOW_SECONDS)


def _key(who: str, window: int) -> str:
    return f"join-wrong:{window}:{who}"


def _lift_key(workshop_id: int, address: str, window: int) -> str:
    return f"join-lift:{window}:{workshop_id}:{address}"


def _rooms_key(workshop_id: int) -> str:
    return f"join-rooms:{workshop_id}"


def _knocks_key(workshop_id: int) -> str:
    return f"join-knocks:{workshop_id}"


def _count(key: str) -> None:
    windows.count(key, settings.JOIN_WRONG_CODE_WINDOW_SECONDS + 5)


@dataclass(frozen=True)
class Limit:
    """Typed codes from an address are limited: by its own wrong codes (``"address"``)
    or by the whole server's (``"server"``); ``wrong`` is the address's count."""

    kind: str
    wrong: int
    seconds_left: int

    def refusal(self) -> Refused:
        code = "too_many_attempts" if self.kind == "address" else "typing_limited"
        return Refused(code, minutes=math.ceil(self.seconds_left / 60), seconds=self.seconds_left)


def limit_of(address: str) -> Limit | None:
    """Whether typed codes from this address are limited now, and why."""
    window, left = _window()
    counts = cache.get_many([_key(address, window), _key(EVERYONE, window)])
    mine = counts.get(_key(address, window), 0)
    if mine >= settings.JOIN_WRONG_CODES_PER_ADDRESS:
        return Limit("address", mine, left)
    if counts.get(_key(EVERYONE, window), 0) >= settings.JOIN_WRONG_CODES_TOTAL:
        return Limit("server", mine, left)
    return None


def record_wrong(address: str) -> None:
    """Count one wrong code against the address and against the server."""
    window, _left = _window()
    for who in (address, EVERYONE):
        _count(_key(who, window))


def record_refused(address: str) -> None:
    """A typed code refused while the address is limited counts against the address
    alone (it uses up a lift's allowance); the server's count is for codes tried."""
    window, _left = _window()
    _count(_key(address, window))


def may_type_while_limited(address: str, workshop: Workshop, limit: Limit) -> bool:
    """While limited, whether this address may still type this open session's code:
    lifted by its facilitator (within the lift's allowance), or, when only the server is
    limited, an address the session's players joined from."""
    window, _left = _window()
    lifted_at = cache.get(_lift_key(workshop.pk, address, window))
    if lifted_at is not None and limit.wrong < lifted_at + settings.JOIN_WRONG_CODES_PER_ADDRESS:
        return True
    return limit.kind == "server" and address in room_addresses(workshop)


def _remember(key: str, address: str, seconds: int) -> None:
    """Add an address to a session's small set of addresses (the newest kept). Two
    workers writing at once may drop one; the room's next phone writes it again."""
    addresses = cache.get(key, {})
    addresses[address] = time.time()
    newest = sorted(addresses, key=addresses.get, reverse=True)[:ROOM_ADDRESSES_KEPT]
    cache.set(key, {a: addresses[a] for a in newest}, seconds)


def _remembered(key: str) -> list[str]:
    addresses = cache.get(key, {})
    return sorted(addresses, key=addresses.get, reverse=True)


def room_address_record(*, workshop: Workshop, address: str) -> None:
    """Remember that a player of this session joined from this address (the room's
    address)."""
    _remember(_rooms_key(workshop.pk), address, ROOM_MEMORY_SECONDS)


def room_addresses(workshop: Workshop) -> list[str]:
    """The addresses this session's players joined from lately, newest first."""
    return _remembered(_rooms_key(workshop.pk))


def knock_record(*, workshop: Workshop, address: str) -> None:
    """Remember that this session's right code was typed from a limited address and
    refused: a room whose first phones were locked out by a curious one, before any of
    its players joined. Only its facilitator is shown this; the phone's refusal is the
    same as for a wrong code."""
    _remember(_knocks_key(workshop.pk), address, settings.JOIN_WRONG_CODE_WINDOW_SECONDS + 5)


def knocked_addresses(workshop: Workshop) -> list[str]:
    """The limited addresses this session's code was typed from and refused, newest first."""
    return _remembered(_knocks_key(workshop.pk))


@dataclass(frozen=True)
class LimitedAddress:
    address: str
    wrong: int
    joined: bool  # players joined from it; otherwise the session's code was refused there


def limited_room_addresses(workshop: Workshop) -> list[LimitedAddress]:
    """The room's addresses from which this session's code cannot be typed now: those
    its players joined from, and those its code was typed from and refused; for the
    dashboard, which offers to lift the limit for this session."""
    joined = room_addresses(workshop)
    limited = []
    for address in joined + [a for a in knocked_addresses(workshop) if a not in joined]:
        limit = limit_of(address)
        if limit is not None and not may_type_while_limited(address, workshop, limit):
            limited.append(LimitedAddress(address, limit.wrong, address in joined))
    return limited


def limit_lift(*, workshop: Workshop, address: str, by: AbstractBaseUser) -> None:
    """Let a room's address type this session's code again, for the rest of the window
    and within a fresh allowance of wrong codes (so a guesser sharing that address gets
    at most that many tries at this one code per lift). Other sessions' codes stay
    limited for that address."""
    check_runs(by, workshop)
    if address not in room_addresses(workshop) + knocked_addresses(workshop):
        raise Refused("not_found")
    window, _left = _window()
    wrong = cache.get(_key(address, window), 0)
    timeout = settings.JOIN_WRONG_CODE_WINDOW_SECONDS + 5
    cache.set(_lift_key(workshop.pk, address, window), wrong, timeout)
    live.publish_dashboard(workshop.pk)
