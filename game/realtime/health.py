"""/healthz: can this worker serve? For the proxy and the process supervisor.

It checks the database (``SELECT 1`` on a connection of its own) and the channel layer
(a message to a fresh channel of this worker's layer and back; with the Redis pub/sub
layer that goes through Redis), each with a short timeout, so the answer never takes
more than about two seconds. 200 ``{"status": "ok", ...}`` when both work; 503 with
what is down otherwise, and 503 ``{"status": "stopping"}`` while the worker drains
(game.realtime.shutdown). Every answer also counts this worker's open sockets and how
many of them are answering a message of their page right now (``busy``: a move may be in
progress); a drain ends when both are 0. No personal data, not cacheable, no login.

The reason given for a failure is the error's type only; the full message goes to the
server log, once when a check goes down and once when it comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from concurrent.futures import Future, ThreadPoolExecutor

from channels.layers import get_channel_layer
from django.db import connection, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from game.errors import describe
from game.realtime import shutdown

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 1.5  # seconds
CHANNEL_LAYER_TIMEOUT = 1.0

# The database check runs in a thread of its own, one at a time: a hung database ties
# up this thread, not the one the sockets share, and callers meanwhile share its answer.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
_database_check: Future | None = None
_last: dict[str, str] = {}  # check -> last state, to log changes only


def select_one() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # a fresh connection each time: reachability, not a pool


async def database_round_trip() -> None:
    global _database_check
    if _database_check is None or _database_check.done():
        _database_check = _executor.submit(select_one)
    await asyncio.wrap_future(_database_check)


async def channel_layer_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    token = secrets.token_hex(8)
    try:
        await layer.send(channel, {"type": "healthz.ping", "token": token})
    except BaseException:
        await _let_go(layer, channel)
        raise
    message = await layer.receive(channel)  # cancelled on timeout: the layer lets go
    await _let_go(layer, channel)
    if message.get("token") != token:
        raise RuntimeError("another message came back")


async def _let_go(layer, channel: str) -> None:
    """Channels has no "delete channel": a layer forgets a channel when a receive on it
    is cancelled (the pub/sub layer unsubscribes), as when a consumer ends."""
    waiting = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0)  # let it start waiting
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await waiting


async def bounded(name: str, check, timeout: float) -> str:
    """Run ``check()``: "ok" or "down: <reason>", after ``timeout`` seconds at most.
    A check that does not answer in time is cancelled and left to end on its own."""
    task = asyncio.ensure_future(check())
    done, _pending = await asyncio.wait({task}, timeout=timeout)
    if not done:
        task.cancel()
        task.add_done_callback(_ignore)
        status, detail = f"down: no answer within {timeout:g} s", "timeout"
    elif task.cancelled() or task.exception() is not None:
        error = task.exception() if not task.cancelled() else asyncio.CancelledError()
        status, detail = f"down: {type(error).__name__}", describe(error)
    else:
        status, detail = "ok", ""
    if _last.get(name, "ok") != status:
        if status == "ok":
            log.info("health: %s is back", name)
        else:
            log.warning("health: %s %s (%s)", name, status, detail)
    _last[name] = status
    return status


def _ignore(task: asyncio.Future) -> None:
    if not task.cancelled():
        task.exception()  # retrieved: no "exception was never retrieved" warning


def socket_counts() -> dict[str, int]:
    """This worker's open sockets, and how many are answering a message right now."""
    sockets = list(shutdown.live_sockets)
    return {"sockets": len(sockets), "busy": sum(1 for socket in sockets if socket.busy)}


@require_safe
async def healthz(request: HttpRequest) -> JsonResponse:
    if shutdown.stopping:
        return _answer(
            {"status": "stopping", "worker": shutdown.worker_id(), **socket_counts()}, 503
        )
    database, channel_layer = await asyncio.gather(
        bounded("database", database_round_trip, DATABASE_TIMEOUT),
        bounded("channel_layer", channel_layer_round_trip, CHANNEL_LAYER_TIMEOUT),
    )
    healthy = database == "ok" and channel_layer == "ok"
    body = {
        "status": "ok" if healthy else "down",
        "worker": shutdown.worker_id(),
        "database": database,
        "channel_layer": channel_layer,
        **socket_counts(),
    }
    return _answer(body, 200 if healthy else 503)


def _answer(body: dict[str, str | int], status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    # A proxy asks every few seconds: the checks log a change once (``bounded``), so
    # Django need not log each 503 as an error.
    response._has_been_logged = True
    return response


def close_request_connections(**kwargs) -> None:
    """When a page's request ends (under ASGI, in its own thread): close that thread's
    database connections, which no later request would use (innovation_track/asgi.py)."""
    connections.close_all()
