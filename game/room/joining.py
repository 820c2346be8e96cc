"""How a phone joins a session: by the typed code, within the limits on guessing
(``game.room.join_limits``), or by the session's signed link (``game.room.join_links``),
which no one else's guesses can refuse. Either way the address it joined from is
remembered as the room's."""

from __future__ import annotations

from game.errors import Refused
from game.models import Player, Workshop
from game.realtime import live
from game.room import join_limits, join_links
from game.room.sessions import normalise_code, player_enter, player_join


def player_join_typed(*, code: str, name: str, address: str) -> Player:
    """Join with a typed code. While the address is limited a code is refused, right or
    wrong, unless this address may still type that session's code (see join_limits)."""
    limit = join_limits.limit_of(address)
    if limit is None:
        try:
            player = player_join(code=code, name=name)
        except Refused as refusal:
            if refusal.code == "wrong_code":
                join_limits.record_wrong(address)
            raise
    else:
        workshop = Workshop.objects.filter(code=normalise_code(code)[:20]).first()
        allowed = workshop is not None and workshop.is_open
        if not allowed or not join_limits.may_type_while_limited(address, workshop, limit):
            join_limits.record_refused(address)
            if allowed:
                # A phone is refused this session's own code: the dashboard shows the
                # limit now, with the button to lift it, also when none of the room's
                # players has joined yet. (The phone's refusal is the same as for a
                # wrong code.)
                join_limits.knock_record(workshop=workshop, address=address)
                live.publish_dashboard(workshop.pk)
            raise limit.refusal()
        player = player_enter(workshop=workshop, name=name)
    join_limits.room_address_record(workshop=player.workshop, address=address)
    return player


def player_join_by_link(*, code: str, key: str, name: str, address: str) -> Player:
    """Join through the session's signed link: never limited by wrong codes."""
    workshop = join_links.workshop_by_link(code=code, key=key)
    player = player_enter(workshop=workshop, name=name)
    join_limits.room_address_record(workshop=workshop, address=address)
    return player
