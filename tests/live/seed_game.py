"""Run by tests.live.sqlite_world in a child process: migrate an SQLite file and seat
players at a started table; prints the table and the players (with their tokens) as
JSON. Usage: python -m tests.live.seed_game PATH THEMES SEED NAME...
"""

import json
import os
import sys


def main(path: str, themes: str, seed: str, *names: str) -> None:
    os.environ["SQLITE_PATH"] = path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovation_track.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from tests.tables import session_with_table

    call_command("migrate", verbosity=0)
    _workshop, table, players = session_with_table(names, themes=int(themes), seed=int(seed))
    players_json = [
        {"name": p.name, "seat": p.seat, "table_id": p.table_id, "token": p.token} for p in players
    ]
    print(json.dumps({"table_id": table.pk, "players": players_json}))


if __name__ == "__main__":
    main(*sys.argv[1:])
