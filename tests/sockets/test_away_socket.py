"""Presence through the player's socket: an open, speaking socket keeps its player
present; a player a bot stood in for gets their hand back when their page reconnects,
and hears what the bot did."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as db
from django.utils import timezone

from game import engine
from game.models import Player, TableEvent
from game.realtime import presence
from game.table import away, play, ticker
from tests.tables import game_state, player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_presence():
    presence.forget()
    yield
    presence.forget()


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


async def connect(player, query=""):
    socket = player_socket(player, query)
    connected, _ = await socket.connect()
    assert connected
    return socket, await socket.receive_json_from()


def stand_in_and_play(table_id: int, moves: int = 8) -> None:
    """The player on turn has been gone 2 minutes: a bot stands in and plays a while."""
    away.scan(now=later(121))
    for _ in range(moves):
        if play.bot_move(table_id=table_id) is None:
            break


async def test_a_returning_player_gets_their_hand_back_and_hears_what_the_bot_did():
    _, table, players = await db(session_with_table)(away_after=60, stand_in_after=120)
    state = await db(game_state)(table)
    anna = players[state.turn]
    others = [p for p in players if p.pk != anna.pk]
    watcher, _ = await connect(others[0])
    await db(stand_in_and_play)(table.pk)
    await db(table.refresh_from_db)()
    before = table.seq
    socket, caught_up = await connect(anna, f"table={table.pk}&since=0")
    welcome = await socket.receive_json_from()
    while welcome["type"] != "welcome_back":
        welcome = await socket.receive_json_from()
    events = await db(lambda: list(TableEvent.objects.filter(table=table).order_by("seq")))()
    assert events[-1].seq == before + 1 and events[-1].data["type"] == "seat_returned"
    assert welcome["played"] == events[-1].data["played"]
    assert welcome["played"]["asks"] >= 1
    assert caught_up["type"] == "events"
    assert [e["seq"] for e in caught_up["events"]] == list(range(1, before + 2))
    final = await db(game_state)(table)
    assert caught_up["state"]["hand"] == list(final.hands[anna.seat])  # her hand, intact
    pushed = await watcher.receive_json_from()
    while pushed["seq"] < before + 1:
        pushed = await watcher.receive_json_from()
    assert pushed["events"][-1]["type"] == "seat_returned"
    fresh = await db(Player.objects.get)(pk=anna.pk)
    assert (fresh.away, fresh.stand_in) == (False, False)
    await socket.disconnect()
    await watcher.disconnect()


async def test_a_returned_player_on_turn_plays_again_herself():
    _, table, players = await db(session_with_table)(away_after=60, stand_in_after=120)
    anna = players[(await db(game_state)(table)).turn]
    await db(away.scan)(now=later(121))  # stood in, but the bot has not moved yet
    socket, _ = await connect(anna)
    assert (await socket.receive_json_from())["type"] == "welcome_back"
    state = await db(game_state)(table)
    assert state.turn == anna.seat
    ask = engine.legal_actions(state, anna.seat)[0]
    await socket.send_json_to(
        {"type": "ask", "id": "back-1", "target": ask.target, "card": ask.card}
    )
    reply = await socket.receive_json_from()
    while reply["type"] != "ack":
        reply = await socket.receive_json_from()
    assert reply["duplicate"] is False
    await socket.disconnect()


async def test_an_open_socket_keeps_its_player_present_and_a_closed_one_is_written_once():
    _, _table, players = await db(session_with_table)(away_after=60)
    anna = players[0]
    socket, _ = await connect(anna)
    assert presence.connected(anna.pk)
    assert presence.due() == [anna.pk]  # just opened: written at the next tick
    await db(ticker.tick)(seen=[anna.pk])
    seen = (await db(Player.objects.get)(pk=anna.pk)).seen
    assert timezone.now() - seen < timedelta(seconds=5)
    assert presence.due() == []  # nothing new until the next refresh
    await socket.disconnect()
    assert not presence.connected(anna.pk)
    assert presence.due() == [anna.pk]  # the moment she left


async def test_a_silent_socket_does_not_count_as_present(monkeypatch):
    _, _table, players = await db(session_with_table)()
    socket, _ = await connect(players[0])
    presence.due()
    monkeypatch.setattr(presence, "QUIET_SECONDS", -1.0)  # as if silent for too long
    monkeypatch.setattr(presence, "_next_refresh", 0.0)
    assert presence.due() == []
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from())["type"] == "pong"
    monkeypatch.setattr(presence, "QUIET_SECONDS", 60.0)
    monkeypatch.setattr(presence, "_next_refresh", 0.0)
    assert presence.due() == [players[0].pk]
    await socket.disconnect()
