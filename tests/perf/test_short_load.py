"""The short load run of CI: the harness (tests/perf/loadtest.py) for a few seconds.

It fails only on what went wrong (a delivery lost, a gap or repeat, an error, an
unanswered ask, a socket closed, a phone not caught up after the reconnect storm), never
on timing: the figures are for `make loadtest` and docs/performance.md. So an ask counts as
unanswered after 30 s here (not 5 s), and a delivery as lost only if it is still missing
30 s after the last ask (the drain ends as soon as nothing is missing). The SQLite run measures the
embedded default and the floor; the PostgreSQL run one worker over PostgreSQL and Redis.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import services

ROOT = Path(__file__).resolve().parents[2]
SLOW = 30.0  # seconds: slower than this is no longer slowness but loss
BUDGET = 420  # seconds for the whole run (about 30 on an idle machine): a hang guard


def short_run(tmp_path: Path, servers: list[str]) -> dict:
    out = tmp_path / "load.json"
    command = [sys.executable, str(ROOT / "tests" / "perf" / "loadtest.py"), "--servers"]
    command += [*servers, "--rates", "20", "60", "--missing-rates", "60"]
    command += ["--seconds", "2", "--tables", "6"]
    command += ["--dashboards", "2", "--storm", "60", "--json", str(out)]
    command += ["--ask-timeout", str(SLOW), "--drain", str(SLOW), "--budget", str(BUDGET)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=BUDGET + 60)
    print(done.stdout, done.stderr)
    assert out.exists(), f"the harness wrote no summary:\n{done.stdout}\n{done.stderr}"
    summary = json.loads(out.read_text())
    return {"exit": done.returncode, **summary}


def assert_nothing_went_wrong(summary: dict, servers: list[str]) -> None:
    assert {run["server"] for run in summary["runs"]} == set(servers)
    for run in summary["runs"]:
        what = f"{run['server']} at {run['rate']}/s"
        assert not run["failure"], what
        assert run["applied"] > 0, what  # moves were made and acknowledged
        assert run["refused"] == 0, what  # every phone joined
        wrong = {k: run[k] for k in ("lost", "gaps", "repeats", "views", "timeouts", "closed")}
        assert wrong == dict.fromkeys(wrong, 0), what
        assert run["errors"] == {}, what
    for storm in summary["storms"]:
        assert storm["caught_up"] == storm["phones"] > 0, storm
        assert (storm["lost"], storm["gaps"], storm["repeats"], storm["failure"]) == (0, 0, 0, "")
    assert summary["exit"] == 0


def test_a_short_load_run_loses_nothing(tmp_path):
    if os.environ.get("DATABASE_URL"):
        for url in (services.POSTGRES_URL, services.REDIS_URL):
            reason = services.unreachable_reason(url)
            if reason:
                if services.required():
                    pytest.fail(f"required here, but {reason}")
                pytest.skip(reason)
        servers = ["postgres"]
    else:
        servers = ["embedded", "floor"]
    summary = short_run(tmp_path, servers)
    assert_nothing_went_wrong(summary, servers)
    if "floor" not in servers:
        assert len(summary["storms"]) == 1
