"""Check-ins: per card of the plan, how it goes (started, done, ...), answered from a
follow-up's link; one bad answer refuses the whole post."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from game.errors import Refused
from game.models import (
    CheckIn,
    CheckInStatus,
    PlanItem,
    Player,
)

MAX_NOTE = 300
MAX_BY_WHEN = 60


# --- check-ins --------------------------------------------------------------------------------


def checkins_of(player: Player) -> dict[int, dict[int, CheckIn]]:
    """The player's check-ins: plan item id -> follow-up -> check-in."""
    found: dict[int, dict[int, CheckIn]] = {}
    for checkin in CheckIn.objects.filter(item__player=player):
        found.setdefault(checkin.item_id, {})[checkin.followup] = checkin
    return found


def checkin_save(*, player: Player, followup: int, answers: Any, named: bool = False) -> int:
    """Save the player's answers for follow-up 1 or 2: ``answers`` maps a plan item's id
    to ``{"status", "note", "by_when"}``. Everything is checked first: one bad answer
    refuses the whole post and changes nothing. Posting again updates. Returns the
    number of cards answered."""
    if followup not in (1, 2):
        raise Refused("bad_link")
    if not isinstance(answers, dict):
        raise Refused("bad_message", detail="answers must be an object")
    items = {item.pk: item for item in PlanItem.objects.filter(player=player)}
    rows = []
    for key, answer in answers.items():
        try:
            item = items[int(key)]
        except (KeyError, ValueError, TypeError):
            raise Refused("not_found") from None
        if not isinstance(answer, dict):
            raise Refused("bad_message", detail="an answer must be an object")
        status = answer.get("status") or ""
        note, by_when = answer.get("note") or "", answer.get("by_when") or ""
        if not all(isinstance(v, str) for v in (status, note, by_when)):
            raise Refused("bad_message", detail="text fields only")
        if not status:
            continue  # this card left unanswered
        if status not in CheckInStatus.values:
            raise Refused("bad_message", detail=f"unknown status {status[:20]!r}")
        if len(note) > MAX_NOTE or len(by_when) > MAX_BY_WHEN:
            raise Refused("checkin_too_long", note=MAX_NOTE, by_when=MAX_BY_WHEN)
        rows.append((item, status, note.strip(), by_when.strip()))
    if not rows:
        raise Refused("checkin_empty")
    with transaction.atomic():
        for item, status, note, by_when in rows:
            CheckIn.objects.update_or_create(
                item=item,
                followup=followup,
                defaults={"status": status, "note": note, "by_when": by_when, "named": named},
            )
        CheckIn.objects.filter(item__player=player).update(named=named)
    return len(rows)
