"""A session of three players with plans, two of whom left an address, ended at a known
moment: what the follow-up tests share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from game.followups.consent import contact_set
from game.models import Player, Workshop
from game.plans.services import plan_save
from game.table import play
from tests.tables import session_with_table

BASE = "http://kwartet.test"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@dataclass
class Session:
    workshop: Workshop
    players: list[Player]  # Anna (address, nl), Bob (address, en), Cees (no address)

    def day(self, weeks: int = 0) -> date:
        return timezone.localtime(self.workshop.ended).date() + timedelta(weeks=weeks)


def ended_session(names=("Anna", "Bob", "Cees"), addresses=("anna@example.org", "bob@example.org")):
    """Three players, each with a plan of two cards; the first two left an address (Bob
    in English); the session has ended."""
    workshop, _table, players = session_with_table(names, themes=3, start=False)
    keys = [card.key for theme in workshop.deck.themes.all() for card in theme.cards.all()]
    for n, player in enumerate(players):
        plan_save(
            player=player,
            items=[
                {
                    "card": keys[n],
                    "action": f"Plan {n} één",
                    "sector": "overheid",
                    "by_when": "juni",
                },
                {"card": keys[n + 4], "action": f"=Plan {n} twee", "sector": "", "by_when": ""},
            ],
        )
    for player, address, language in zip(players, addresses, ("nl", "en"), strict=False):
        contact_set(player=player, email=address, consent=True, language=language)
    play.workshop_end(workshop=workshop, by=workshop.facilitator)
    workshop.refresh_from_db()
    return Session(workshop, [Player.objects.get(pk=p.pk) for p in players])


def links(text: str) -> list[str]:
    return [link.rstrip(".,)") for link in LINK.findall(text)]


def path_of(url: str) -> str:
    assert url.startswith(BASE), url
    return url[len(BASE) :]


def after_weeks(weeks: int):
    """A moment surely past the follow-up ``weeks`` after a session that ended now: the
    mails go at 09:00 on their day, so "now + 4 weeks" just after midnight is too early."""
    return timezone.now() + timedelta(weeks=weeks, days=1)
