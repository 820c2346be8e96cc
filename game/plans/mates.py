"""Plan mates: one or two people of a player's table who follow their plan with them.

A player asks a table-mate on the plan page; the pairing holds only when the other says
yes on their own phone (double opt-in); either may undo it. Both need an address for the
follow-ups (that is where mates see each other's progress, game.followups.mates). Names
go only to the two of them; the facilitator and the programme see counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from game.errors import Refused
from game.models import MAX_PLAN_MATES, PlanMate, Player, PlayerContact, Workshop, is_reachable


def _erased(player_id: int) -> bool:
    """The player left an address and erased it (stopped the mails) or it bounced."""
    contact = PlayerContact.objects.filter(player_id=player_id).first()
    return contact is not None and not contact.reachable


def _pair(a: int, b: int):
    return PlanMate.objects.filter(Q(asker_id=a, mate_id=b) | Q(asker_id=b, mate_id=a))


def _mates_of(player_id: int):
    return PlanMate.objects.filter(Q(asker_id=player_id) | Q(mate_id=player_id))


def _other(player: Player, other_id: int) -> Player:
    """The table-mate ``other_id`` of ``player``: refused when it is not a person of the
    player's session and table, or the player themselves."""
    if other_id == player.pk:
        raise Refused("mate_self")
    other = (
        Player.objects.filter(pk=other_id, workshop_id=player.workshop_id, removed=False)
        .filter(Q(bot_level="") | Q(replaced=True))
        .first()
    )
    if other is None:
        raise Refused("mate_not_found")
    if player.table_id is None or other.table_id != player.table_id:
        raise Refused("mate_not_at_table", name=other.name)
    return other


def _check_open(player: Player) -> None:
    if not Workshop.objects.get(pk=player.workshop_id).plans_open():
        raise Refused("plans_closed")
    if not is_reachable(player.pk):
        raise Refused("mate_needs_address")


def mate_ask(*, player: Player, other_id: int) -> PlanMate:
    """``player`` asks a table-mate to follow their plan with them. When the other asked
    first, this is their yes: the pairing holds."""
    _check_open(player)
    other = _other(player, other_id)
    with transaction.atomic():
        existing = _pair(player.pk, other.pk).select_for_update().first()
        if existing is not None:
            if existing.mate_id == player.pk and existing.agreed is None:
                return _agree(existing, other)  # they asked first: both said yes
            raise Refused("mate_twice", name=other.name)
        if _erased(other.pk):
            raise Refused("mate_unreachable", name=other.name)
        if _mates_of(player.pk).count() >= MAX_PLAN_MATES:
            raise Refused("mates_full", most=MAX_PLAN_MATES)
        try:
            with transaction.atomic():
                return PlanMate.objects.create(asker=player, mate=other)
        except IntegrityError:  # asked at the same moment from this phone or theirs
            pass
    crossed = PlanMate.objects.filter(asker=other, mate=player, agreed__isnull=True).first()
    if crossed is None:
        raise Refused("mate_twice", name=other.name)
    with transaction.atomic():  # they asked at the same moment: both said yes
        return _agree(PlanMate.objects.select_for_update().get(pk=crossed.pk), other)


def _agree(pair: PlanMate, asker: Player) -> PlanMate:
    if not is_reachable(asker.pk):
        raise Refused("mate_unreachable", name=asker.name)
    pair.agreed = timezone.now()
    pair.save(update_fields=["agreed"])
    return pair


def mate_answer(*, player: Player, other_id: int, yes: bool) -> PlanMate | None:
    """``player`` answers a table-mate's ask: yes makes the pairing, no removes the ask."""
    if yes:
        _check_open(player)
    other = _other(player, other_id)
    with transaction.atomic():
        pair = (
            PlanMate.objects.select_for_update()
            .filter(asker=other, mate=player, agreed__isnull=True)
            .first()
        )
        if pair is None:
            raise Refused("mate_no_ask", name=other.name)
        if not yes:
            pair.delete()
            return None
        return _agree(pair, other)


def mate_undo(*, player: Player, other_id: int) -> None:
    """Either side ends the pairing, or takes back an ask, at any time."""
    other = _other(player, other_id)
    deleted, _rows = _pair(player.pk, other.pk).delete()
    if not deleted:
        raise Refused("mate_no_ask", name=other.name)


@dataclass(frozen=True)
class TableMate:
    """A person at the player's table as the plan page offers them."""

    player: Player
    state: str  # "" (not asked), "asked" (by the player), "asks_you", "mates"


def table_mates(player: Player) -> list[TableMate]:
    """The people at the player's table (not the player, not bots) and where each stands
    with them."""
    if player.table_id is None:
        return []
    people = (
        Player.objects.filter(table_id=player.table_id, removed=False)
        .filter(Q(bot_level="") | Q(replaced=True))
        .exclude(pk=player.pk)
        .order_by("seat")
    )
    pairs = {(pair.asker_id, pair.mate_id): pair for pair in _mates_of(player.pk)}
    mates = []
    for other in people:
        mine, theirs = pairs.get((player.pk, other.pk)), pairs.get((other.pk, player.pk))
        pair = mine or theirs
        if pair is None:
            state = ""
        elif pair.agreed is not None:
            state = "mates"
        else:
            state = "asked" if mine else "asks_you"
        mates.append(TableMate(other, state))
    return mates


def agreed_mates(player_id: int) -> list[Player]:
    """The player's plan mates who said yes, with an address that still works."""
    pairs = _mates_of(player_id).filter(agreed__isnull=False).select_related("asker", "mate")
    others = [pair.mate if pair.asker_id == player_id else pair.asker for pair in pairs]
    return [other for other in others if is_reachable(other.pk)]
