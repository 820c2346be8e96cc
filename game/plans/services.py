"""A player's regional action plan (at most five cards, each with what they will do, with
whom and by when), saved whole on every autosave: while the session is open, and for the
session's ``plan_days`` after it ended (``Workshop.plans_open``)."""

from __future__ import annotations

from django.db import transaction

from cards.models import Card
from game.errors import Refused
from game.models import MAX_IF_THEN, MAX_PLAN_ITEMS, PlanItem, Player, Sector, Workshop
from game.plans.selectors import plan_of
from game.realtime import live
from innovation_track.boundary import ListOf, Shape, Text

MAX_ACTION = 1000
MAX_BY_WHEN = 60

# A plan as the phone sends it; the page (game.views.plan) checks it before plan_save.
PLAN = ListOf(
    Shape(
        card=Text(100, least=1),
        action=Text(MAX_ACTION, required=False),
        sector=Text(20, required=False, choices=frozenset(["", *Sector.values])),
        by_when=Text(MAX_BY_WHEN, required=False),
        if_then=Text(MAX_IF_THEN, required=False),
    ),
    most=MAX_PLAN_ITEMS,
)


def plan_save(*, player: Player, items: list[dict[str, str]]) -> list[PlanItem]:
    """Replace the player's plan with ``items`` (in order, of the shape ``PLAN``): at
    most 5 ``{"card": key, "action": text, "sector": code, "by_when": text, "if_then":
    text}``. The whole
    plan is sent on every autosave, so a save is idempotent and never half-applied.
    After commit the dashboard looks again (the top ideas and the results may change)."""
    workshop = Workshop.objects.get(pk=player.workshop_id)
    if not workshop.plans_open():
        raise Refused("plans_closed")  # open for ``plan_days`` after the session ended
    if len(items) > MAX_PLAN_ITEMS:
        raise Refused("plan_too_long", most=MAX_PLAN_ITEMS)
    cards = {
        card.key: card
        for card in Card.objects.filter(theme__deck=workshop.deck).select_related("theme")
    }
    rows: list[PlanItem] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        key = item["card"]
        if key not in cards:
            raise Refused("unknown_card", card=key[:40])
        if key in seen:
            raise Refused("plan_card_twice", card=cards[key].title)
        seen.add(key)
        rows.append(
            PlanItem(
                player=player,
                card=cards[key],
                position=position,
                action=item.get("action", "").strip(),
                sector=item.get("sector", ""),
                by_when=item.get("by_when", "").strip(),
                if_then=item.get("if_then", "").strip(),
            )
        )
    with transaction.atomic():
        player.plan.all().delete()
        PlanItem.objects.bulk_create(rows)
        workshop_id = workshop.pk
        transaction.on_commit(lambda: live.publish_dashboard(workshop_id, plans=True))
    return plan_of(player)
