"""Two runs at once send each mail once: on PostgreSQL two threads claim with
``select_for_update(skip_locked=True)``; on SQLite two ``manage.py send_followups``
processes share one database file, its IMMEDIATE transactions serialising the claims."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from game.followups.mail import followups_run
from game.models import Mail
from tests.followups.builders import BASE, ended_session

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_on_postgresql_send_each_mail_once(smtp):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the PostgreSQL run covers it (SQLite: the processes test)")
    for _ in range(3):  # 3 sessions, 6 addresses: enough for the runs to overlap
        ended_session()
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=10)
            reports.append(followups_run(base_url=BASE))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert errors == []
    sent = sorted(m["To"] for m in smtp.received)
    assert len(sent) == 6 and len(set(sent)) == 2  # anna and bob of each session, once each
    assert sum(len(report.sent) for report in reports) == 6
    assert Mail.objects.filter(status="sent").count() == 6


def test_two_processes_on_one_sqlite_file_send_each_mail_once(smtp, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("runs its own SQLite file: the SQLite run covers it")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "innovation_track.settings",
        "DATABASE_URL": "",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "EMAIL_URL": smtp.url,
        "PUBLIC_URL": BASE,
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "tests.followups.seed_mails"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=TIMEOUT,
        capture_output=True,
    )
    command = [sys.executable, "manage.py", "send_followups"]
    runs = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=TIMEOUT) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert sorted(m["To"] for m in smtp.received) == ["anna@example.org", "bob@example.org"]
    counts = sorted(int(out.split("Sent ")[1].split(",")[0]) for out, _err in outputs)
    assert sum(counts) == 2
