"""The plans, read: a player's plan, what the room decided (the session's results page)
and the top ideas the projector shows while plans come in."""

from __future__ import annotations

from collections import Counter
from typing import Any

from cards.models import Card
from game.models import PlanItem, Player, Workshop
from game.table.selectors import room_ranking, room_tables


def plan_of(player: Player) -> list[PlanItem]:
    return list(player.plan.select_related("card__theme").order_by("position"))


def _chart(workshop: Workshop, items: list[PlanItem]) -> tuple[list[dict[str, Any]], int]:
    """Per theme, how often each card was chosen for a plan; and the highest count."""
    chosen = Counter(item.card_id for item in items)
    chart = [
        {
            "theme": theme,
            "cards": [{"card": card, "count": chosen[card.pk]} for card in theme.cards.all()],
            "total": sum(chosen[card.pk] for card in theme.cards.all()),
        }
        for theme in workshop.deck.themes.prefetch_related("cards")
    ]
    return chart, max(chosen.values(), default=0)


def results(workshop: Workshop) -> dict[str, Any]:
    """Everything the results page, the report and the CSV show, read in a few queries."""
    tables = [view for view in room_tables(workshop) if view.started]
    room = room_ranking(tables, humans_only=True)
    items = list(
        PlanItem.objects.filter(player__workshop=workshop, player__removed=False)
        .select_related("player__table", "card__theme")
        .order_by("player__name", "position")
    )
    chart, most = _chart(workshop, items)
    plans: dict[int, dict[str, Any]] = {}
    for item in items:
        plans.setdefault(item.player_id, {"player": item.player, "items": []})["items"].append(item)
    return {
        "tables": tables,
        "room": room,
        "room_winners": [entry for entry in room if entry["first"]],
        "chart": chart,
        "most": most,
        "plans": list(plans.values()),
        "plan_items": items,
        # To print and hand out: the cards the room chose (cards:print ?cards=).
        "chosen_keys": ",".join(sorted({item.card.key for item in items})),
    }


def top_ideas(workshop: Workshop, limit: int = 5) -> list[dict[str, Any]]:
    """The cards the room chose most often for its action plans, most chosen first."""
    counts = Counter(
        PlanItem.objects.filter(player__workshop=workshop, player__removed=False).values_list(
            "card_id", flat=True
        )
    )
    cards = Card.objects.select_related("theme").in_bulk(
        [card_id for card_id, _ in counts.most_common(limit)]
    )
    return [
        {"card": cards[card_id], "theme": cards[card_id].theme, "count": count}
        for card_id, count in counts.most_common(limit)
    ]
