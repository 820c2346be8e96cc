"""From game to action: each player's regional action plan (at most five cards, each
with what they will do, with whom and by when), saved whole on every autosave."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cards.models import Card
from game.errors import Refused
from game.models import MAX_PLAN_ITEMS, PlanItem, Player, Sector, Workshop

MAX_ACTION = 1000
MAX_BY_WHEN = 60


def plan_of(player: Player) -> list[PlanItem]:
    return list(player.plan.select_related("card__theme").order_by("position"))


def plan_save(*, player: Player, items: Any) -> list[PlanItem]:
    """Replace the player's plan with ``items`` (in order): a list of at most 5 objects
    ``{"card": key, "action": text, "sector": code, "by_when": text}``. The whole
    plan is sent on every autosave, so a save is idempotent and never half-applied."""
    workshop = Workshop.objects.get(pk=player.workshop_id)
    if not workshop.is_open:
        raise Refused("session_ended")
    if not isinstance(items, list):
        raise Refused("bad_message", detail="the plan must be a list")
    if len(items) > MAX_PLAN_ITEMS:
        raise Refused("plan_too_long", most=MAX_PLAN_ITEMS)
    cards = {
        card.key: card
        for card in Card.objects.filter(theme__deck=workshop.deck).select_related("theme")
    }
    rows: list[PlanItem] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        rows.append(_plan_item(player, position, item, cards, seen))
    with transaction.atomic():
        player.plan.all().delete()
        PlanItem.objects.bulk_create(rows)
    return plan_of(player)


def _plan_item(
    player: Player, position: int, item: Any, cards: dict[str, Card], seen: set[str]
) -> PlanItem:
    """One checked plan item, not saved yet; ``seen`` collects the cards so far."""
    if not isinstance(item, dict) or set(item) - {"card", "action", "sector", "by_when"}:
        raise Refused("bad_message", detail=f"item {position} has unknown fields")
    key, action = item.get("card"), item.get("action", "")
    sector, by_when = item.get("sector", ""), item.get("by_when", "")
    if key not in cards:
        raise Refused("unknown_card", card=str(key)[:40])
    if key in seen:
        raise Refused("plan_card_twice", card=cards[key].title)
    seen.add(key)
    if not all(isinstance(value, str) for value in (action, sector, by_when)):
        raise Refused("bad_message", detail=f"item {position} needs text fields")
    if len(action) > MAX_ACTION or len(by_when) > MAX_BY_WHEN:
        raise Refused("bad_message", detail=f"item {position} is too long")
    if sector and sector not in Sector.values:
        raise Refused("bad_message", detail=f"unknown sector {sector[:20]!r}")
    return PlanItem(
        player=player,
        card=cards[key],
        position=position,
        action=action.strip(),
        sector=sector,
        by_when=by_when.strip(),
    )


def plan_markdown(player: Player) -> str:
    sectors = dict(Sector.choices)
    lines = [f"# Mijn actieplan — {player.name}", "", f"{player.workshop.name}", ""]
    for item in plan_of(player):
        lines += [
            f"## {item.position}. {item.card.title} ({item.card.theme.name})",
            "",
            f"> {item.card.call_to_action}",
            "",
            f"- **Wat ik ga doen:** {item.action or '-'}",
            f"- **Met wie:** {sectors.get(item.sector, '-') if item.sector else '-'}",
            f"- **Wanneer:** {item.by_when or '-'}",
            "",
        ]
    return "\n".join(lines)
