"""What one seat's page sees of its table: the state block, the whole view a page gets
when it (re)connects, and the catch-up of a page that missed events.

A player's consumer keeps its seat's small state and updates it from the public events
(``apply_events``), so a move costs no query per recipient. On a gap in the sequence it
reloads the view from the database instead (``seat_snapshot``).
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cards.models import Card, Deck, Theme
from game import engine
from game.models import Player, TableEvent
from game.room.polls import open_poll_for
from game.table import move_sql

LOG_TAIL = 30  # events sent with a fresh view; older ones stay in the database
CATCH_UP_LIMIT = 200  # more missed events than this: a fresh view is simpler


DECK_CACHE_SECONDS = 30.0  # an edit in the admin reaches fresh views within this
_decks: dict[int, tuple[float, dict[str, Any]]] = {}


def deck_json(deck_id: int) -> dict[str, Any]:
    """The deck's names, colours and titles: public, the same for everyone. Kept per
    process for DECK_CACHE_SECONDS, and forgotten when a deck, theme or card is saved
    here: a room of phones reconnecting at once reads it once."""
    now = time.monotonic()
    cached = _decks.get(deck_id)
    if cached is None or cached[0] < now:
        cached = _decks[deck_id] = (now + DECK_CACHE_SECONDS, _read_deck(deck_id))
    return cached[1]


@receiver(post_save, dispatch_uid="game.table.seats.forget_decks")
@receiver(post_delete, dispatch_uid="game.table.seats.forget_decks_deleted")
def forget_decks(sender, **kwargs) -> None:
    if sender in (Deck, Theme, Card):
        _decks.clear()


def _read_deck(deck_id: int) -> dict[str, Any]:
    deck = Deck.objects.get(pk=deck_id)
    return {
        "slug": deck.slug,
        "themes": [
            {
                "key": theme.slug,
                "name": theme.name,
                "colour": theme.colour,
                "cards": [
                    {"key": card.key, "number": card.number, "title": card.title}
                    for card in theme.cards.all()
                ],
            }
            for theme in deck.themes.prefetch_related("cards")
        ],
    }


def state_block(table, seat: int | None) -> dict[str, Any]:
    """The game as ``seat`` may see it (None: no hand, as the projector sees it)."""
    block: dict[str, Any] = {
        "status": table.status,
        "paused": table.paused or _session_paused(table),
        "pause_until": table.pause_until.isoformat() if table.pause_until else None,
        "hand": [],
        "counts": [],
        "laid": [],
        "turn": None,
        "winners": [],
    }
    if table.state is None:
        return block
    state = engine.stored_state_from_json(table.state)
    view = engine.public_view(state) if seat is None else engine.seat_view(state, seat)
    block.update(
        hand=list(view.hand) if seat is not None else [],
        counts=list(view.hand_sizes),
        laid=[list(themes) for themes in view.laid],
        turn=view.turn,
        winners=list(view.winners),
    )
    return block


def view_seat(player) -> int | None:
    """The seat whose hand ``player``'s page shows: none for a bot's own page; a person
    whose seat a bot took over still sees their hand."""
    return None if player.is_bot and not player.replaced else player.seat


def _session_paused(table) -> bool:
    """move_sql.table_row reads the session's pause with the table; else the workshop."""
    if hasattr(table, "session_paused"):
        return table.session_paused
    return table.workshop.paused


def apply_events(
    block: dict[str, Any], events: list[dict[str, Any]], seat: int | None, order: dict[str, int]
) -> bool:
    """Update ``block`` in place from public events. ``order`` gives each card's place in
    the deck, to keep the hand sorted. Returns False when the events need a fresh view
    from the database (a new deal, a changed seat)."""
    hand, counts, laid = block["hand"], block["counts"], block["laid"]
    for event in events:
        kind = event["type"]
        if kind in ("game_started", "seat_taken_over"):
            return False
        if kind == "hit":
            counts[event["seat"]] += 1
            counts[event["target"]] -= 1
            if event["seat"] == seat:
                hand.append(event["card"])
                hand.sort(key=order.__getitem__)
            elif event["target"] == seat:
                hand.remove(event["card"])
        elif kind == "quartet_laid":
            laid[event["seat"]].append(event["theme"])
            counts[event["seat"]] -= len(event["cards"])
            if event["seat"] == seat:
                hand[:] = [card for card in hand if card not in event["cards"]]
        elif kind == "turn_passed":
            block["turn"] = event["seat"]
        elif kind == "game_over":
            block.update(turn=None, winners=event["winners"], status="over")
        elif kind == "pause_due":
            block["pause_seconds"] = event["seconds"]
        elif kind == "paused":
            block["paused"] = True
        elif kind == "resumed":
            block.update(paused=False, pause_until=None, pause_seconds=None)
        elif kind == "session_ended":
            block.update(status="ended", turn=None)
    return True


# --- what a player's page gets when it (re)connects ------------------------------------------


def _seat_view(player, table, seat: int | None) -> dict[str, Any]:
    """The whole ``view`` message: the session, the table, the seat's state, the log."""
    workshop = player.workshop
    members = list(table.players.filter(removed=False).order_by("seat")) if table else []
    # Up to the seq the state was read at: later events reach the page as pushes.
    log = (
        TableEvent.objects.filter(table=table, seq__lte=table.seq).order_by("-seq")[:LOG_TAIL]
        if table
        else []
    )
    return {
        "type": "view",
        "seq": table.seq if table else 0,
        "workshop": {
            "code": workshop.code,
            "name": workshop.name,
            "status": workshop.status,
            "paused": workshop.paused,
            # Since when the facilitator asks for plans: the page goes to the plan page
            # once per start (game.plans.phase).
            "plan_phase": workshop.plan_phase.isoformat() if workshop.plan_phase else None,
        },
        "you": {
            "player": player.pk,
            "name": player.name,
            "seat": seat,
            "replaced": player.replaced,
        },
        "table": None
        if table is None
        else {"id": table.pk, "number": table.number, "status": table.status},
        "players": [
            {
                "seat": m.seat,
                "name": m.name,
                "bot": m.bot_level or None,
                "away": m.away,
                "stand_in": m.stand_in,
            }
            for m in members
        ],
        "deck": deck_json(workshop.deck_id),
        "poll": open_poll_for(player),
        "state": state_block(table, seat) if table else None,
        "log": [event.data for event in reversed(log)],
    }


def seat_snapshot(player_id: int, since: int | None, player=None) -> dict[str, Any]:
    """Everything a player's page needs, read in one go after joining the groups: with
    ``since``, only what it missed (``catch_up``) when that is not too much; else the
    whole view. ``player``: the row as the socket just read it (accounts.player_for_token),
    so as not to read it twice; its table and session are read here, fresh."""
    if player is None:
        player = Player.objects.select_related("workshop", "table").get(pk=player_id)
    if since is not None:
        caught = catch_up(player, since)
        if caught is not None:
            return caught
    table = player.table
    seat = view_seat(player)
    view = _seat_view(player, table, seat)
    return {"player": player, "table_id": table.pk if table else None, "view": view}


def catch_up(player, since: int) -> dict[str, Any] | None:
    """For a page that reconnects to its table with ``since``: the events it missed, its
    seat's state now, the open poll and the deck (for the order of the hand), in a few
    plain statements, because a whole room does this at once after a Wi-Fi drop. None
    when a fresh view is needed instead (no table, too many missed)."""
    table = move_sql.table_row(player.table_id) if player.table_id else None
    if table is None or not 0 <= table.seq - since <= CATCH_UP_LIMIT:
        return None
    seat = view_seat(player)
    view = {
        "seq": table.seq,
        "deck": deck_json(table.deck_id),
        "poll": open_poll_for(player),
        "state": state_block(table, seat),
    }
    missed = move_sql.event_data(table.pk, since, table.seq)
    return {"player": player, "table_id": table.pk, "missed": missed, "view": view}
