"""A server process's own life: its id, its start, and a graceful stop on SIGTERM.

On SIGTERM a daphne worker
1. stops listening (a proxy sends new connections to the other workers) and sets
   ``stopping``: /healthz answers 503 "stopping", a new WebSocket is closed at once;
2. tells every open socket to reconnect (close code 4012); a socket in the middle of a
   move first sends the move's answer (``JsonConsumer.receive``);
3. waits until those sockets are gone and no HTTP request is open, at most
   ``SHUTDOWN_GRACE_SECONDS``; then daphne stops as usual. A second SIGTERM stops at once.

How it hooks into daphne 4.2: ``Server.run()`` runs Twisted's asyncio reactor with
Twisted's signal handlers, whose SIGTERM handler calls ``reactor.stop()``. Daphne's own
"before shutdown" trigger then cancels every application instance, and Twisted calls all
"before" triggers together, so a trigger of ours could delay the exit but not keep a
move alive. Instead an "after startup" trigger (registered when the ASGI module is
imported, before ``reactor.run()``) replaces the SIGTERM handler with one that drains
first and then calls ``reactor.stop()``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
import time
import weakref

from django.conf import settings

log = logging.getLogger(__name__)

RESTARTING = 4012  # the close code that tells a page to reconnect at once
FORCE_EXIT_AFTER = 3.0  # seconds after the reactor stopped, if a thread still holds on

stopping = False
live_sockets: weakref.WeakSet = weakref.WeakSet()  # the open sockets (JsonConsumer)
_open_requests = 0  # HTTP requests being answered
_drain_task: asyncio.Task | None = None
_installed = False


def worker_id() -> str:
    return settings.WORKER_ID


class TrackRequests:
    """ASGI middleware for HTTP: counts the requests being answered, so a stopping
    process lets them finish."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        global _open_requests
        _open_requests += 1
        try:
            return await self.app(scope, receive, send)
        finally:
            _open_requests -= 1


async def drain(grace: float, reactor=None) -> int:
    """Stop taking work and close every socket with 4012 (a busy one right after its
    move); wait for them and for open requests, at most ``grace`` seconds. Returns how
    many sockets were told to reconnect."""
    global stopping
    stopping = True
    ports = _stop_listening(reactor) if reactor is not None else 0
    told = 0
    for socket in list(live_sockets):
        told += await socket.close_for_restart()
    log.info(
        "worker %s stopping: stopped %d listening port(s), told %d socket(s) to reconnect",
        worker_id(),
        ports,
        told,
    )
    started = time.monotonic()
    deadline = started + grace
    while (live_sockets or _open_requests) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if live_sockets or _open_requests:
        log.warning(
            "worker %s: grace of %s s over with %d socket(s) and %d request(s) still open",
            worker_id(),
            grace,
            len(live_sockets),
            _open_requests,
        )
    else:
        log.info("worker %s drained in %.1f s", worker_id(), time.monotonic() - started)
    return told


def _stop_listening(reactor) -> int:
    """Close this process's listening sockets: new connections go to other workers."""
    from twisted.internet import tcp  # daphne's reactor is installed by now

    ports = [reader for reader in reactor.getReaders() if isinstance(reader, tcp.Port)]
    for port in ports:
        port.stopListening()
    return len(ports)


# --- hooking into daphne ------------------------------------------------------------------


def install_under_daphne() -> None:
    """Called when the ASGI application is imported. Under daphne (whose server module
    installed Twisted's asyncio reactor) take over SIGTERM once the reactor runs;
    elsewhere (tests, scripts) the trigger never fires and nothing changes."""
    global _installed
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is None or "daphne.server" not in sys.modules or _installed:
        return
    _installed = True  # once per process
    if reactor.running:
        _started(reactor)
    else:
        reactor.addSystemEventTrigger("after", "startup", _started, reactor)


def _started(reactor) -> None:
    """The reactor runs and Twisted has installed its signal handlers: replace its
    SIGTERM handler (signal handlers can only be set from the main thread)."""
    from django.db import connection

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda _n, _f: reactor.callFromThread(_on_sigterm, reactor))
        graceful = "graceful stop on SIGTERM"
    else:
        graceful = "no graceful stop (not in the main thread)"
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "none")
    log.info(
        "worker %s started: database %s, channel layer %s, %s",
        worker_id(),
        connection.vendor,
        backend.rsplit(".", 1)[-1],
        graceful,
    )


def _on_sigterm(reactor) -> None:
    global _drain_task
    if _drain_task is not None:
        log.warning("worker %s: SIGTERM again, stopping now", worker_id())
        _stop_reactor(reactor)
        return
    _drain_task = asyncio.ensure_future(_drain_then_stop(reactor))


async def _drain_then_stop(reactor) -> None:
    try:
        await drain(settings.SHUTDOWN_GRACE_SECONDS, reactor)
    except Exception:
        log.exception("worker %s: draining failed", worker_id())
    finally:
        _stop_reactor(reactor)


def _stop_reactor(reactor) -> None:
    from twisted.internet.error import ReactorNotRunning

    try:
        reactor.stop()
    except ReactorNotRunning:
        return  # already stopping
    _force_exit_later(FORCE_EXIT_AFTER)


def _force_exit_later(seconds: float) -> None:
    """Python waits for worker threads at exit; a database call stuck on a lock or a
    dead network would keep the process alive. Its transaction rolls back when the
    process goes."""

    def force() -> None:
        log.warning("worker %s: a thread still ran %s s after stopping", worker_id(), seconds)
        logging.shutdown()
        os._exit(1)

    timer = threading.Timer(seconds, force)
    timer.daemon = True
    timer.start()
