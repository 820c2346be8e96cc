"""Finished rooms written straight into the browser server's database, for the debrief's
layout tests: sessions of the facilitator whose tables played (public events written as
the engine writes them: a game started, asks, hits and misses, the quartets laid) and
are over, with names of 30 characters. Many rooms in one `manage.py shell` run of a few seconds, instead of
playing a hundred rooms of bots.

``build`` runs in the server's process (``site.manage("shell", "-c", ...)``); ``names``
runs in both, so the test knows the names the page must show.
"""

from __future__ import annotations

import json

# Thirty characters each, the most a name may have (Player.name): mostly wide letters,
# and a realistic long name. The three letters at the end keep names apart in a session.
WIDE = "Wilhelmina Mwangi-Wassenaar"  # 27
REAL = "Maria de Groot-van den Heuvel"[:27]
TAGS = "MWQOGDHNU"
ISSUE = [  # the room of the issue: tables of 5 and 4 at 1920x1080
    ["Gijs de Boer", "Eva Smit", "Dewi Visser", "Anna Jansen", "Bram Peters"],
    ["Sanne de Vries", "Noah Bakker", "Lotte Mulder", "Daan Smit"],
]


# A room of people as a walk-through meets them: realistic Dutch names, one to 28 long.
# fmt: off
PEOPLE = ["Annemarie van den Broek", "Mohammed El Amrani", "Eva Smit", "Gijs de Boer",
          "Dewi Visser", "Sanne Jansen", "Lars de Vries", "Fatima Bakker", "Pieter van Dijk",
          "Noor Hendriks", "Bram Vos", "Lotte Mulder", "Joost de Graaf", "Karin Peters",
          "Mila Dekker", "Noah Brouwer", "Olga Meijer", "Ruben Kok", "Femke Bos",
          "Wilhelmina van Oosterhout", "Daan Smits", "Yasmina Bouzidi-de Haan"]
# fmt: on


def names(sizes: list[int], style: str = "long") -> list[list[str]]:
    """Per table, its players' names."""
    if style == "issue":
        return [list(row) for row in ISSUE]
    if style == "people":  # PEOPLE in turn, numbered from the second round on
        flat = [f"{name} {n}" if n else name for n in range(9) for name in PEOPLE]
        rows, start = [], 0
        for size in sizes:
            rows.append(flat[start : start + size])
            start += size
        return rows
    rows = []
    for number, size in enumerate(sizes):
        row = []
        for seat in range(size):
            index = number * 6 + seat
            tag = "".join(TAGS[index // 9**k % 9] for k in (2, 1, 0))
            row.append((WIDE if (number + seat) % 2 == 0 else REAL) + tag)
        rows.append(row)
    return rows


def _events(size: int) -> list[dict]:
    """A game's public events: each seat asks the next (a hit) and the one after (a
    miss, which passes the turn)."""
    events = [
        {"type": "game_started", "seats": size, "hand_sizes": [4] * size, "first_player": 0},
        {"type": "turn_passed", "seat": 0, "from_seat": None, "reason": "start"},
    ]
    for seat in range(size):
        for step, hit in ((1, True), (2, False)):
            target = (seat + step) % size
            if target == seat:
                continue
            card = f"netwerk-{1 + (seat + step) % 4}"
            events.append(
                {"type": "asked", "seat": seat, "target": target, "card": card, "theme": "netwerk"}
            )
            answer = {"seat": seat, "target": target, "card": card}
            events.append({"type": "hit" if hit else "miss", **answer})
    return events


def _quartets(themes: list[tuple[str, str]], size: int, spread: int = 0) -> list[dict]:
    """The game's end: every theme's quartet laid, by seats 0, 1, 0, 1, ... (``spread``:
    by seats that differ from table to table, for a ranking of many scores)."""
    return [
        {
            "type": "quartet_laid",
            "seat": (n * n + spread) % size if spread else n % 2,
            "theme": slug,
            "name": name,
            "cards": [f"{slug}-{k}" for k in range(1, 5)],
            "dealt": False,
        }
        for n, (slug, name) in enumerate(themes)
    ]


def _over(deck, events: list[dict], seats: int, seed: int) -> dict:
    """The engine's state of a game over with these events: every hand empty, each
    seat's quartets as its events laid them (the scores on the ranking)."""
    import dataclasses

    from game import engine

    state, _ = engine.new_game(deck.to_engine(), seats, seed)
    laid = [[e["theme"] for e in events if e["type"] == "quartet_laid" and e["seat"] == seat]
            for seat in range(seats)]  # fmt: skip
    over = dataclasses.replace(
        state,
        hands=((),) * seats,
        laid=tuple(map(tuple, laid)),
        turn=None,
        log=(),
        log_start=len(events),
    )
    return engine.stored_state_to_json(over)


def made(server, specs: list[dict], facilitator: str) -> dict[str, str]:
    """``build`` run in the server's process (the test's side): {name: join code}."""
    printed = server.manage(
        "shell",
        "-c",
        "from tests.browser.debrief_rooms import build; "
        f"build({json.dumps(json.dumps(specs))}, {facilitator!r})",
    )
    return json.loads(printed.strip().splitlines()[-1])


def build(specs: str, facilitator: str) -> None:
    """Make the rooms of ``specs`` (JSON: [{"name", "sizes", "style", "spread", "ideas"}])
    for the user ``facilitator``; prints {name: join code} as JSON. ``spread``: quartets
    laid by many seats (see _quartets); ``ideas``: how many of the room chose each of
    the deck's cards with the longest titles for their plans (the top ideas)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from cards.models import Deck
    from game.models import Player, Table, TableEvent
    from game.room import sessions

    user = get_user_model().objects.get(username=facilitator)
    deck = Deck.objects.get(slug="innovation-on-track")
    themes = list(deck.themes.order_by("order").values_list("slug", "name"))
    codes = {}
    with transaction.atomic():
        for spec in json.loads(specs):
            workshop = sessions.workshop_create(facilitator=user, name=spec["name"], deck=deck)
            for number, row in enumerate(names(spec["sizes"], spec.get("style", "long")), 1):
                spread = number if spec.get("spread") else 0
                events = _events(len(row)) + _quartets(themes, len(row), spread)
                table = Table.objects.create(
                    workshop=workshop,
                    number=number,
                    status=Table.Status.OVER,
                    seq=len(events),
                    state=_over(deck, events, len(row), number),
                )
                Player.objects.bulk_create(
                    Player(workshop=workshop, name=name, table=table, seat=seat)
                    for seat, name in enumerate(row)
                )
                TableEvent.objects.bulk_create(
                    TableEvent(table=table, seq=seq, data=data)
                    for seq, data in enumerate(events, 1)
                )
            _plans(workshop, spec.get("ideas", []))
            codes[spec["name"]] = workshop.code
    print(json.dumps(codes))


def _plans(workshop, counts: list[int]) -> None:
    """The n-th of the deck's cards with the longest titles in the plans of counts[n] of
    the room's people."""
    from cards.models import Card
    from game.models import PlanItem

    deck_cards = Card.objects.filter(theme__deck=workshop.deck).order_by("pk")
    cards = sorted(deck_cards, key=lambda card: -len(card.title))[: len(counts)]
    people = list(workshop.players.order_by("pk"))
    PlanItem.objects.bulk_create(
        PlanItem(player=people[k], card=card, position=n + 1)
        for n, (card, count) in enumerate(zip(cards, counts, strict=True))
        for k in range(count)
    )
