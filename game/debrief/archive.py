"""One finished session as a JSON document for the organiser's archive
(``manage.py export_session``).

The tables are the results page's (``game.table.selectors.room_tables``, the tables that
started a game): seats in order with their laid quartets and the winners, plus each
table's public events
(seat numbers only, never a hand). Without ``names`` (the default) no name a person
typed leaves the server: seats are "Speler 1", "Speler 2" ... by seat, and the action
plans carry no player. What people wrote in their plans is kept as they wrote it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from game.models import PlanItem, Player, Poll, Workshop
from game.room.polls import poll_counts
from game.table.selectors import Member, TableView, room_tables

FORMAT = "innovation-track-session"
VERSION = 1


def seat_label(seat: int | None) -> str:
    """A seat without its player's name: seat 0 is "Speler 1"."""
    return f"Speler {seat + 1}" if seat is not None else "Speler ?"


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _session(workshop: Workshop) -> dict[str, Any]:
    return {
        "name": workshop.name,
        "code": workshop.code,
        "status": workshop.status,
        "created": _iso(workshop.created),
        "ended": _iso(workshop.ended),
        "deck": workshop.deck.slug,
        "settings": {
            "table_size": workshop.table_size,
            "miss_passes_to": workshop.miss_passes_to,
            "pause_on_quartet": workshop.pause_on_quartet,
        },
    }


def _seat(member: Member, names: bool) -> dict[str, Any]:
    player = member.player
    return {
        "seat": player.seat,
        "name": player.name if names else seat_label(player.seat),
        "bot": player.bot_level or None,
        "cards": member.cards,
        "quartets": member.quartets,
        "winner": member.winner,
    }


def _table(view: TableView, names: bool) -> dict[str, Any]:
    seats = [_seat(member, names) for member in view.members]
    events = [
        {
            "seq": event.seq,
            "type": event.data.get("type"),
            "data": {k: v for k, v in event.data.items() if k not in ("seq", "type")},
        }
        for event in view.table.events.order_by("seq")
    ]
    return {
        "number": view.table.number,
        "status": view.table.status,
        "seats": seats,
        "winners": [seat["name"] for seat in seats if seat["winner"]],
        "events": events,
    }


def _polls(workshop: Workshop) -> list[dict[str, Any]]:
    polls = Poll.objects.filter(workshop=workshop).order_by("created", "id")
    return [
        {
            "question": poll.question,
            "answers": poll.answers,
            "status": poll.status,
            "counts": poll_counts(poll),
        }
        for poll in polls
    ]


def _plan_item(item: PlanItem) -> dict[str, Any]:
    return {
        "position": item.position,
        "card": item.card.key,
        "title": item.card.title,
        "theme": item.card.theme.name,
        "action": item.action,
        "sector": item.sector,
        "by_when": item.by_when,
        "if_then": item.if_then,
    }


def _plans(workshop: Workshop, names: bool) -> list[dict[str, Any]]:
    """The action plans, in the results page's selection (players not removed)."""
    items = (
        PlanItem.objects.filter(player__workshop=workshop, player__removed=False)
        .select_related("player__table", "card__theme")
        .order_by("player__joined", "player_id", "position")
    )
    plans: dict[int, dict[str, Any]] = {}
    for item in items:
        plan = plans.get(item.player_id)
        if plan is None:
            plan = plans[item.player_id] = _plan_head(item.player, names)
        plan["items"].append(_plan_item(item))
    return list(plans.values())


def _plan_head(player: Player, names: bool) -> dict[str, Any]:
    head: dict[str, Any] = {"table": player.table.number if player.table_id else None}
    if names:
        head["player"] = player.name
    head["items"] = []
    return head


def export_session(workshop: Workshop, *, names: bool = False) -> dict[str, Any]:
    """The whole session as plain JSON-ready data; names only when asked for."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": timezone.now().isoformat(),
        "names": names,
        "session": _session(workshop),
        "tables": [_table(view, names) for view in room_tables(workshop) if view.started],
        "polls": _polls(workshop),
        "plans": _plans(workshop, names),
    }
