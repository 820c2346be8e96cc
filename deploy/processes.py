"""The stack's child processes (deploy/stack.py), asking whether a server answers, and
the services the stack needs.

Children run in a process group of their own and, on Linux, get SIGTERM should the
launcher die without stopping them. A server is up when GET /healthz answers 200; where
the app has no /healthz (404), when GET /login/ does.
"""

from __future__ import annotations

import ctypes
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
NGINX_MISSING = "nginx is not installed: sudo apt-get install nginx"
STOP_TIMEOUT = 20.0  # a worker drains for up to SHUTDOWN_GRACE_SECONDS (10 s) on SIGTERM


class StackError(RuntimeError):
    """The stack could not start, or stopped working; the message says why."""


def find_nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


# --- processes -----------------------------------------------------------------------------

_LIBC = ctypes.CDLL(None) if sys.platform == "linux" else None


def _die_with_parent() -> None:  # runs in the child, between fork and exec
    _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: SIGTERM when the launcher dies


def spawn(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """A child in a process group of its own (Ctrl-C reaches the launcher only, which
    stops the children in order). Started from the main thread on Linux, it also gets
    SIGTERM should the launcher die without stopping it (even by SIGKILL): the kernel
    ties that to the thread that started the child, so other threads do without."""
    on_main = threading.current_thread() is threading.main_thread()
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            process_group=0,
            preexec_fn=_die_with_parent if _LIBC is not None and on_main else None,
        )


def terminate(processes: list[subprocess.Popen], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM to all at once, then wait for all; SIGKILL what is left at the deadline."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + timeout
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- asking whether a server answers -------------------------------------------------------


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a worker's unix socket."""

    def __init__(self, socket_path: Path, timeout: float = 5.0) -> None:
        super().__init__(HOST, timeout=timeout)
        self.socket_path = socket_path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(str(self.socket_path))


def listening(path: Path) -> bool:
    """Something accepts connections on the unix socket ``path``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        try:
            sock.connect(str(path))
        except OSError:
            return False
        return True


def status_of(connection: http.client.HTTPConnection, path: str) -> int | None:
    """The status of GET ``path``, or None when nothing answers."""
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def answers(connect: Callable[[], http.client.HTTPConnection]) -> bool:
    """GET /healthz answers 200; where the app has no /healthz (404), GET /login/ does."""
    status = status_of(connect(), "/healthz")
    if status == 404:
        status = status_of(connect(), "/login/")
    return status == 200


def wait_for(
    check: Callable[[], bool],
    what: str,
    process: subprocess.Popen | None,
    log: Path,
    deadline: float,
) -> None:
    """Until ``check()``; fails with the log's end when the process exits or time is up."""
    while time.monotonic() < deadline:
        if process is None or process.poll() is not None:
            code = process.returncode if process else "not running"
            raise StackError(f"{what} exited ({code}); {log}:\n{tail(log)}")
        if check():
            return
        time.sleep(0.1)
    raise StackError(f"{what} did not answer in time; {log}:\n{tail(log)}")


@dataclass
class Worker:
    """One daphne worker of a stack: WORKER_ID w<number>, its socket, log and process."""

    number: int
    socket: Path
    log: Path
    process: subprocess.Popen | None = None

    @property
    def id(self) -> str:
        return f"w{self.number}"

    def remove_leftovers(self) -> None:
        """The socket (and Twisted's lock file) of a worker that is gone; a socket that
        something still listens on is another stack's, started from the same folder."""
        if listening(self.socket):
            raise StackError(f"{self.socket} is in use: another stack runs from this folder")
        for path in (self.socket, self.socket.with_suffix(".sock.lock")):
            path.unlink(missing_ok=True)


# --- the services the stack needs ----------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist yet."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        psycopg.connect(url, connect_timeout=5).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise StackError(f"PostgreSQL is not reachable at {url}: {exc}") from None
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"Created the database {name!r}.")


def ensure_redis(url: str) -> None:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or HOST, parts.port or 6379), timeout=2).close()
    except OSError as exc:
        raise StackError(f"Redis is not reachable at {url}: {exc}") from None
