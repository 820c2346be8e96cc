"""The external services some tests need: PostgreSQL and Redis.

On a fresh machine they are usually absent and those tests skip with the reason
printed. With REQUIRE_SERVICES=1 (as `.ci/run` sets) an absent service is a
failure instead.

`python -m tests.services postgres` runs the database tests again on PostgreSQL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Pure engine and browser tests do not touch the database: no need to run them twice.
NOT_DATABASE_TESTS = ["--ignore=tests/engine", "--ignore=tests/browser"]


def required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").lower() in ("1", "true", "yes")


def unreachable_reason(url: str) -> str | None:
    """None when something accepts TCP connections at the URL's host and port."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port
    try:
        with socket.create_connection((host, port), timeout=1):
            return None
    except OSError as exc:
        return f"{parts.scheme} is not reachable at {host}:{port} ({exc.strerror or exc})"


def run_on_postgres() -> int:
    reason = unreachable_reason(POSTGRES_URL)
    if reason:
        if required():
            print(f"FAILED: the PostgreSQL run is required here, but {reason}", flush=True)
            return 1
        print(f"SKIPPED the PostgreSQL run: {reason} (set TEST_POSTGRES_URL)", flush=True)
        return 0
    print(f"Running the database tests on PostgreSQL ({POSTGRES_URL})", flush=True)
    env = {**os.environ, "DATABASE_URL": POSTGRES_URL}
    command = [sys.executable, "-m", "pytest", *NOT_DATABASE_TESTS, *sys.argv[2:]]
    return subprocess.call(command, env=env)


if __name__ == "__main__":
    if sys.argv[1:2] != ["postgres"]:
        sys.exit("usage: python -m tests.services postgres [pytest args]")
    sys.exit(run_on_postgres())
