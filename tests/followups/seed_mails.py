"""Run as a child process (``python -m tests.followups.seed_mails``) on a fresh
SQLite file named by SQLITE_PATH: migrates it and leaves an ended session of three
players, two with an address, for the processes of the concurrency test."""

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovation_track.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from tests.followups.builders import ended_session

    ended_session()


if __name__ == "__main__":
    main()
