"""A game in an SQLite file shared by real server processes and the test, for process
tests that need neither PostgreSQL nor Redis.

``seed`` migrates a fresh file and seats players at a started table, in a child process
(``tests.live.seed_game``) running the same code as ``tests.tables``: the test's own
database is in memory. The test talks to the servers as the players' pages and reads
the stored events straight from the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.live.servers import HOST, ROOT, Server

SEED_TIMEOUT = 60.0


def require_sqlite_run() -> None:
    """These tests use a file of their own, whatever the run's database: once is enough."""
    if connection.vendor != "sqlite":
        pytest.skip("runs its own SQLite file: the SQLite run covers it")


def server_env(**env: str) -> dict[str, str]:
    """One process on its own: the in-memory channel layer, no PostgreSQL."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "innovation_track.settings",
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "GAME_TICKER": "true",
        "GAME_TICK_MS": "50",
        "BOT_DELAY_MS": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the player cookies are signed with it
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **env,
    }


@dataclass
class World:
    path: Path
    table_id: int
    players: list[SimpleNamespace]  # name, seat, table_id, token: what tests.live.Client needs

    def server(self, tmp_path: Path, port: int, **env: str) -> Server:
        log = tmp_path / f"daphne-{port}-{len(list(tmp_path.glob('daphne-*')))}.log"
        return Server(port, server_env(SQLITE_PATH=str(self.path), **env), log)

    def events(self) -> list[dict[str, Any]]:
        with contextlib.closing(sqlite3.connect(self.path)) as db:
            rows = db.execute(
                "SELECT data FROM game_tableevent WHERE table_id = ? ORDER BY seq",
                (self.table_id,),
            ).fetchall()
        return [json.loads(data) for (data,) in rows]

    @contextlib.contextmanager
    def write_lock(self):
        """Hold SQLite's write lock: a move waits for it (up to the server's 5 s)."""
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            yield
            db.execute("ROLLBACK")
        finally:
            db.close()


def seed(path: Path, names=("Anna", "Bob", "Cees"), *, themes: int = 3, seed: int = 7) -> World:
    result = subprocess.run(
        [sys.executable, "-m", "tests.live.seed_game", str(path), str(themes), str(seed), *names],
        cwd=ROOT,
        env=server_env(SQLITE_PATH=str(path)),
        capture_output=True,
        text=True,
        timeout=SEED_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"seeding {path} failed:\n{result.stderr[-3000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    players = [SimpleNamespace(**player) for player in data["players"]]
    return World(path=path, table_id=data["table_id"], players=players)
