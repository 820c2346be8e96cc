"""The servers the load harness measures, each started fresh and stopped afterwards.

- ``embedded``: what `make run` serves: SQLite, the in-memory channel layer, one daphne.
- ``postgres``: one daphne worker over PostgreSQL and Redis (a database of its own, made
  and dropped here).
- ``stack``: nginx in front of two workers over PostgreSQL and Redis (deploy/stack.py).
- ``floor``: tests/perf/floor.py, a bare `websockets` broadcast server.

Our servers get a facilitator; ``room`` then opens a session over HTTP as a facilitator
does, joins the phones over HTTP from one address, seats everyone and starts the games,
and returns the sockets to open. Only loopback is used.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.benchmarks.bench_room import (
    FACILITATOR,
    HOST,
    RUNNING,
    Server,
    expect,
    join_all,
    manage,
    open_session,
    prepare_database,
    seat_and_start,
    server_env,
    start_server,
)
from tests.processes import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/0")
SERVER_CORE = 0  # the server under test runs here; the load generator on the other core


@dataclass
class Room:
    """A session with its phones joined and seated: the sockets the driver opens."""

    code: str
    phones: list[tuple[str, str]]  # (path, Cookie header)
    dashboards: list[tuple[str, str]]
    refused: int = 0


@dataclass
class Target:
    """A running server under test."""

    name: str
    port: int
    procs: list[subprocess.Popen]
    folder: Path
    password: str = ""
    database: str = ""  # SQLite path or PostgreSQL URL, for the stored-state check
    extra: list = field(default_factory=list)  # what else to stop (a Stack)

    def cpu_seconds(self) -> float:
        return sum(_cpu(proc.pid) for proc in self.procs)

    def rss_mb(self) -> float:
        return sum(_rss(proc.pid) for proc in self.procs)

    def room(self, tables: int, seats: int, dashboards: int) -> Room:
        if self.name == "floor":
            return Room(
                code="floor",
                phones=[
                    (f"/ws/play/?table={t}&seat={s}", "")
                    for t in range(1, tables + 1)
                    for s in range(seats)
                ],
                dashboards=[("/ws/host/floor/", "")] * dashboards,
            )
        host, code = open_session(self.port, self.password)
        joined, _ = join_all(self.port, code, tables * seats)
        ok = [j for j in joined if not j.refusal]
        seat_and_start(host, code)
        return Room(
            code=code,
            phones=[("/ws/play/", j.cookies) for j in ok],
            dashboards=[(f"/ws/host/{code}/", host.cookie_header)] * dashboards,
            refused=len(joined) - len(ok),
        )

    def log_tail(self) -> str:
        """The end of the server's log (its errors), for a failed run's report."""
        logs = sorted(self.folder.rglob("*.log"))
        return "\n".join(log.read_text(errors="replace")[-1500:] for log in logs)

    def stop(self) -> None:
        for thing in self.extra:
            thing.stop()
        for proc in self.procs:
            stop(proc)
        if self.name in ("postgres", "stack"):
            _drop_database(self.database)
        shutil.rmtree(self.folder, ignore_errors=True)


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pin(pid: int, core: int) -> None:
    """Keep a process on one core (when the machine has more than one)."""
    if len(os.sched_getaffinity(0)) > 1 or core in os.sched_getaffinity(0):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(pid, {core})


def _database_url(name: str) -> str:
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


def _create_database(name: str) -> str:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return _database_url(name)


def _drop_database(url: str) -> None:
    import psycopg

    with contextlib.suppress(psycopg.Error), psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def services_available() -> str:
    """Why PostgreSQL or Redis cannot be used here, or "" when both answer."""
    try:
        import psycopg
        import redis

        with psycopg.connect(POSTGRES, connect_timeout=3):
            pass
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except Exception as error:  # any failure: the reason is printed
        return f"{type(error).__name__}: {error}".strip()
    return ""


def start(name: str) -> Target:
    folder = Path(tempfile.mkdtemp(prefix=f"loadtest-{name}-"))
    if name == "floor":
        return _start_floor(folder)
    if name == "stack":
        return _start_stack(folder)
    static = folder / "static"
    env = server_env(folder, static) | {"LOG_LEVEL": "WARNING"}
    database = str(folder / "db.sqlite3")
    if name == "postgres":
        database = _create_database(f"kwartet_load_{os.getpid()}")
        env |= {"DATABASE_URL": database, "REDIS_URL": REDIS}
    password = prepare_database(env)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    server = start_server(env, folder / "server.log")
    pin(server.proc.pid, SERVER_CORE)
    return Target(name, server.port, [server.proc], folder, password, database)


def _start_floor(folder: Path) -> Target:
    port = free_port(HOST)
    log = folder / "floor.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "perf" / "floor.py"), "--port", str(port)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    RUNNING.append(proc)
    pin(proc.pid, SERVER_CORE)
    _wait_port(Server(proc, port, log))
    return Target("floor", port, [proc], folder)


def _wait_port(server: Server) -> None:
    import socket
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        expect(server.proc.poll() is None, f"{server.log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, server.port), 1):
            return
        time.sleep(0.05)
    raise RuntimeError("the floor server did not come up")


def _start_stack(folder: Path) -> Target:
    from deploy.stack import Stack

    database = _create_database(f"kwartet_load_stack_{os.getpid()}")
    stack = Stack(
        workers=2,
        port=free_port(HOST),
        database_url=database,
        redis_url=REDIS,
        folder=folder,
        env={"LOG_LEVEL": "WARNING", "SECRET_KEY": secrets.token_urlsafe(50)},
    )
    stack.start()
    password = stack.create_facilitator(FACILITATOR)
    workers = [stack.worker(n) for n in range(1, len(stack.workers) + 1)]
    target = Target("stack", stack.port, workers, folder, password, database, [stack])
    return target


def stored_state_sizes(target: Target, code: str) -> list[tuple[int, int]]:
    """(events so far, bytes of the stored state) for every table of the session."""
    query = (
        "SELECT t.seq, {length} FROM game_table t JOIN game_workshop w ON t.workshop_id = w.id"
        " WHERE w.code = {param} AND t.state IS NOT NULL"
    )
    if target.name == "embedded":
        with contextlib.closing(sqlite3.connect(target.database)) as conn:
            sql = query.format(length="length(t.state)", param="?")
            return [tuple(row) for row in conn.execute(sql, (code,))]
    import psycopg

    with psycopg.connect(target.database) as conn:
        sql = query.format(length="length(t.state::text)", param="%s")
        return [tuple(row) for row in conn.execute(sql, (code,))]
