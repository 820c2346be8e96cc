"""From game to action: each player's regional action plan, the session's results,
and removing a session's personal data."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cards.models import Card
from game.errors import Refused
from game.models import MAX_PLAN_ITEMS, PlanItem, Player, Sector, Table, Workshop

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
        if not isinstance(item, dict) or set(item) - {"card", "action", "sector", "by_when"}:
            raise Refused("bad_message", detail=f"item {position} has unknown fields")
        key, action = item.get("card"), item.get("action", "")
        sector, by_when = item.get("sector", ""), item.get("by_when", "")
        if key not in cards:
            raise Refused("unknown_card", card=str(key)[:40])
        if key in seen:
            raise Refused("plan_card_twice", card=cards[key].title)
        if not all(isinstance(value, str) for value in (action, sector, by_when)):
            raise Refused("bad_message", detail=f"item {position} needs text fields")
        if len(action) > MAX_ACTION or len(by_when) > MAX_BY_WHEN:
            raise Refused("bad_message", detail=f"item {position} is too long")
        if sector and sector not in Sector.values:
            raise Refused("bad_message", detail=f"unknown sector {sector[:20]!r}")
        seen.add(key)
        rows.append(
            PlanItem(
                player=player,
                card=cards[key],
                position=position,
                action=action.strip(),
                sector=sector,
                by_when=by_when.strip(),
            )
        )
    with transaction.atomic():
        player.plan.all().delete()
        PlanItem.objects.bulk_create(rows)
    return plan_of(player)


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


# --- the session's results ---------------------------------------------------------------


def results(workshop: Workshop) -> dict[str, Any]:
    """Everything the results page, the report and the CSV show, read in a few queries."""
    from game.live import state_block

    people = {
        p.pk: p
        for p in workshop.players.filter(removed=False).select_related("table").order_by("name")
    }
    themes = list(workshop.deck.themes.prefetch_related("cards"))
    theme_names = {theme.slug: theme.name for theme in themes}
    tables = []
    room = []
    for table in workshop.tables.exclude(status=Table.Status.WAITING).order_by("number"):
        block = state_block(table, None)
        seated = sorted(
            (p for p in people.values() if p.table_id == table.pk), key=lambda p: p.seat or 0
        )
        rows = [
            {
                "name": p.name,
                "quartets": [theme_names.get(t, t) for t in block["laid"][p.seat]]
                if block["laid"]
                else [],
                "winner": p.seat in block["winners"],
                "bot": p.is_bot,
            }
            for p in seated
            if p.seat is not None and p.seat < len(block["laid"] or [])
        ]
        rows.sort(key=lambda row: -len(row["quartets"]))
        tables.append({"table": table, "rows": rows, "over": table.status == Table.Status.OVER})
        room += [{**row, "table": table.number} for row in rows if not row["bot"]]
    room.sort(key=lambda row: (-len(row["quartets"]), row["table"], row["name"]))
    best = len(room[0]["quartets"]) if room else 0
    items = list(
        PlanItem.objects.filter(player__workshop=workshop, player__removed=False)
        .select_related("player", "card__theme")
        .order_by("player__name", "position")
    )
    chosen = Counter(item.card_id for item in items)
    chart = [
        {
            "theme": theme,
            "cards": [{"card": card, "count": chosen[card.pk]} for card in theme.cards.all()],
            "total": sum(chosen[card.pk] for card in theme.cards.all()),
        }
        for theme in themes
    ]
    most = max(chosen.values(), default=0)
    plans: dict[int, dict[str, Any]] = {}
    for item in items:
        plans.setdefault(item.player_id, {"player": item.player, "items": []})["items"].append(item)
    return {
        "tables": tables,
        "room": room,
        "room_winners": [row for row in room if best and len(row["quartets"]) == best],
        "chart": chart,
        "most": most,
        "plans": list(plans.values()),
        "plan_items": items,
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


CSV_COLUMNS = ["player", "table", "position", "theme", "card", "action", "with_whom", "by_when"]


def results_csv(workshop: Workshop) -> str:
    """All plans, a row per card. ``with_whom`` holds the sector's code, which is the
    booklet's Dutch word (ondernemer, overheid, ...), the same in every language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in results(workshop)["plan_items"]:
        writer.writerow(
            [
                item.player.name,
                item.player.table.number if item.player.table_id else "",
                item.position,
                item.card.theme.name,
                item.card.title,
                item.action,
                item.sector,
                item.by_when,
            ]
        )
    return out.getvalue()


# --- personal data --------------------------------------------------------------------------


def workshop_forget_people(*, workshop: Workshop, by: AbstractBaseUser) -> int:
    """Delete the session's personal data: every player's name, plan and votes. The
    games' public events stay (they hold seat numbers only). Returns players deleted."""
    from game.services import _check_runs

    _check_runs(by, workshop)
    with transaction.atomic():
        count = workshop.players.count()
        workshop.players.all().delete()  # plans, votes and receipts go with them
    return count


def workshops_purge(*, older_than_days: int) -> int:
    """Delete whole sessions created more than ``older_than_days`` days ago."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    old = Workshop.objects.filter(created__lt=cutoff)
    count = old.count()
    for workshop in old:
        with transaction.atomic():
            workshop.delete()
    return count
