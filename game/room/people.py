"""The people a session reached: its players who are people, not bots (a person whose seat
a bot took over still counts), and were not taken out. What the programme counts and what
moves with a session's follow-ups."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from game.models import Player, Workshop


def people_reached(workshops: Iterable[Workshop]) -> QuerySet[Player]:
    """The people of these sessions (see the module's docstring)."""
    return Player.objects.filter(workshop__in=list(workshops), removed=False).filter(
        Q(bot_level="") | Q(replaced=True)
    )
