"""WebSocket consumers: thin. Parse, authorise every message, call a service, reply.

The message protocol is documented in game/PROTOCOL.md; limits, error replies and
closing are shared in game.sockets.base.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from game.errors import CHANNEL_LAYER_DOWN, Refused, describe
from game.models import Player, Table, Workshop
from game.realtime import batching, connections, live, presence
from game.room import accounts, polls
from game.room.accounts import can_run, player_token
from game.sockets.base import (
    FORBIDDEN,
    MAX_ACTION_ID,
    MAX_MESSAGE_BYTES,
    PING,
    JsonConsumer,
)
from game.table import away, play, seats
from innovation_track.boundary import Shape, Text, Whole

log = logging.getLogger(__name__)

MAX_NUMBER = 2**31 - 1  # seats, ids, answers and seqs: what an integer column holds
MAX_QUERY_BYTES = 200
QUERY_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only: '²'.isdigit() is True

__all__ = ["MAX_ACTION_ID", "MAX_MESSAGE_BYTES", "HostConsumer", "PlayConsumer"]


# --- the player's socket -----------------------------------------------------------------


@database_sync_to_async
def load_player(token: str) -> Player | None:
    return accounts.player_for_token(token) if token else None


@database_sync_to_async
def current_table_id(player_id: int) -> int | None:
    return Player.objects.filter(pk=player_id).values_list("table_id", flat=True).first()


load_seat = database_sync_to_async(seats.seat_snapshot)


# The player's messages (game/PROTOCOL.md), their type checked already (base.ENVELOPE).
# Fields not named here are ignored.
ASK = Shape(
    extra=True,
    id=Text(MAX_ACTION_ID, least=1),
    target=Whole(0, MAX_NUMBER),
    card=Text(100, least=1),
)
SYNC = Shape(extra=True, since=Whole(0, MAX_NUMBER, required=False))
VOTE = Shape(extra=True, poll=Whole(0, MAX_NUMBER), answer=Whole(0, MAX_NUMBER))


class PlayConsumer(JsonConsumer):
    """One player's page. It hears its table's public events and keeps its own seat's
    state block up to date from them."""

    handlers = {
        "ask": ("on_ask", ASK),
        "sync": ("on_sync", SYNC),
        "vote": ("on_vote", VOTE),
        "ping": ("on_ping", PING),
    }

    async def opened(self) -> None:
        self.player = await load_player(player_token(self.scope.get("cookies", {})))
        if self.player is None:
            log.info("websocket refused: not_a_player (close %d)", FORBIDDEN)
            await self.refuse(Refused("not_a_player"))
            await self.close(code=FORBIDDEN)
            return
        await self.replace_the_oldest()
        self.table_id: int | None = None
        self.seq = 0
        self.state: dict[str, Any] | None = None
        presence.opened(self.channel_name, self.player.pk)
        back = None
        if away.returning(self.player):  # flagged away, or gone a while: back now
            back = await live.collecting(away.player_back, player_id=self.player.pk)
        await self.channel_layer.group_add(
            live.seating_group(self.player.workshop_id), self.channel_name
        )
        since_table, since = _since(self.scope)
        table_id = self.player.table_id  # just read: no second look needed
        since = since if since_table == table_id else None
        await self.send_view(since=since, table_id=table_id, player=self.player)
        if back is not None:  # after the view, which holds the events of the absence
            await self.send_json({"type": "welcome_back", "played": back.events[0].get("played")})

    async def replace_the_oldest(self) -> None:
        """A seat holds at most WS_PER_SEAT sockets (game.realtime.connections): this newest
        one closes the oldest, in whichever process it is."""
        try:
            replaced = await connections.registry().seat_opened(self.player.pk, self.channel_name)
        except CHANNEL_LAYER_DOWN as error:
            log.warning("socket not counted against its seat: %s", describe(error))
            return
        for channel in replaced:
            await self.channel_layer.send(channel, {"type": "socket.replaced"})

    async def disconnect(self, code: int) -> None:
        player = getattr(self, "player", None)
        if player is None:
            return
        presence.closed(self.channel_name)
        await self.channel_layer.group_discard(
            live.seating_group(player.workshop_id), self.channel_name
        )
        if self.table_id is not None:
            await self.channel_layer.group_discard(
                live.table_group(self.table_id), self.channel_name
            )

    async def send_view(
        self, since: int | None = None, table_id: int | None = 0, player: Player | None = None
    ) -> None:
        """Join the table's group first, then read: an event that lands in between
        arrives twice and is dropped by its seq, never lost. ``table_id`` and ``player``:
        the player's table and row as just read, if they were (0: look the table up)."""
        if table_id == 0:
            table_id = await current_table_id(self.player.pk)
        if table_id != self.table_id:
            if self.table_id is not None:
                await self.channel_layer.group_discard(
                    live.table_group(self.table_id), self.channel_name
                )
            if table_id is not None:
                await self.channel_layer.group_add(live.table_group(table_id), self.channel_name)
            self.table_id = table_id
        seat = await load_seat(self.player.pk, since, player)
        if seat["table_id"] != table_id:  # moved to another table meanwhile
            await self.send_view()
            return
        self.player = seat["player"]
        view = seat["view"]
        self.seq, self.state = view["seq"], view["state"]
        self.order = {
            card["key"]: n
            for n, card in enumerate(c for t in view["deck"]["themes"] for c in t["cards"])
        }
        if "missed" in seat:
            await self.send_json(
                {"type": "events", "seq": self.seq, "events": seat["missed"], "state": self.state}
            )
            await self.send_json({"type": "poll", "poll": view["poll"]})
        else:
            await self.send_json(view)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        presence.heard(self.channel_name)  # the page is awake (it pings every 20 s)
        await super().receive(text_data, bytes_data)

    async def on_sync(self, message: dict[str, Any]) -> None:
        await self.send_view(since=message["since"])

    async def on_ask(self, message: dict[str, Any]) -> None:
        action_id = message["id"]
        change = await live.collecting(
            play.table_ask,
            player=self.player,
            target=message["target"],
            card=message["card"],
            action_id=action_id,
        )
        await self.send_json(
            {"type": "ack", "id": action_id, "seq": change.seq, "duplicate": change.duplicate}
        )

    async def on_vote(self, message: dict[str, Any]) -> None:
        await live.collecting(
            polls.poll_vote, player=self.player, poll_id=message["poll"], answer=message["answer"]
        )
        await self.send_json({"type": "voted", "poll": message["poll"]})

    async def poll_changed(self, message: dict[str, Any]) -> None:
        poll = await database_sync_to_async(polls.open_poll_for)(self.player)
        await self.send_json({"type": "poll", "poll": poll})

    async def table_events(self, message: dict[str, Any]) -> None:
        if message["table"] != self.table_id or message["seq"] <= self.seq:
            return  # an old table's, or already in the view we sent
        events = [event for event in message["events"] if event["seq"] > self.seq]
        seat = self.state_seat()
        if events[0]["seq"] != self.seq + 1 or not seats.apply_events(
            self.state, events, seat, self.order
        ):
            await self.send_view()  # a gap (a lost message) or a new deal: reload
            return
        self.seq = message["seq"]
        await self.send_json(
            {"type": "events", "seq": self.seq, "events": events, "state": self.state}
        )

    async def seating_changed(self, message: dict[str, Any]) -> None:
        await self.send_view()

    def state_seat(self) -> int | None:
        return seats.view_seat(self.player)


def _since(scope: dict[str, Any]) -> tuple[int | None, int | None]:
    """A reconnecting page says which table and event it saw last: ?table=3&since=17.
    Anything else there (a letter, '²', a number of 5,000 digits) counts as not said:
    the page gets a fresh view."""
    query = parse_qs(scope.get("query_string", b"")[:MAX_QUERY_BYTES].decode("latin-1"))
    numbers = [query.get(name, [""])[0] for name in ("table", "since")]
    table, since = (int(value) if QUERY_NUMBER.fullmatch(value) else None for value in numbers)
    return table, since


# --- the facilitator's dashboard -----------------------------------------------------------


@database_sync_to_async
def load_workshop_for(user, code: str) -> Workshop | None:
    workshop = Workshop.objects.filter(code=code).first()
    if workshop is None or not can_run(user, workshop):
        return None
    return workshop


@database_sync_to_async
def table_seqs(workshop_id: int) -> dict[int, int]:
    return dict(Table.objects.filter(workshop_id=workshop_id).values_list("pk", "seq"))


class HostConsumer(JsonConsumer):
    """The facilitator's dashboard: every table's public events and the arrivals."""

    handlers = {"ping": ("on_ping", PING)}

    async def opened(self) -> None:
        code = self.scope["url_route"]["kwargs"]["code"]
        self.workshop = await load_workshop_for(self.scope.get("user"), code)
        if self.workshop is None:
            log.info("websocket refused: forbidden, session %r (close %d)", code[:12], FORBIDDEN)
            await self.refuse(Refused("forbidden"))
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(live.workshop_group(self.workshop.pk), self.channel_name)
        await self.send_json({"type": "hello", "tables": await table_seqs(self.workshop.pk)})

    async def disconnect(self, code: int) -> None:
        workshop = getattr(self, "workshop", None)
        if workshop is not None:
            await self.channel_layer.group_discard(
                live.workshop_group(workshop.pk), self.channel_name
            )

    async def workshop_update(self, message: dict[str, Any]) -> None:
        """Table events come batched per process (game.realtime.batching), or one table's from a
        page's request; anything else (seating, a poll, the plans) is passed on."""
        if message.get("tables"):
            await self.send_json({"type": "update", "tables": message["tables"]})
        elif message.get("table") is not None:
            await self.send_json({"type": "update", "tables": batching.merged([message])})
        else:
            await self.send_json({**message, "type": "update"})
