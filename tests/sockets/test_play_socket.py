"""The player's socket: the view on connect, asks with hit and miss, quartets, the end,
reconnecting, and retried actions."""

import pytest
from channels.db import database_sync_to_async as db
from django.test import override_settings

from game import engine
from game.models import Poll, TableEvent
from game.room import polls
from game.table import seats
from tests.tables import game_state, player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(player, query=""):
    socket = player_socket(player, query)
    connected, _ = await socket.connect()
    assert connected
    return socket, await socket.receive_json_from()


def find_ask(state: engine.GameState, *, hit: bool) -> engine.Ask:
    """A legal ask of the seat to move that hits (or misses)."""
    for action in engine.legal_actions(state, state.turn):
        if (action.card in state.hands[action.target]) == hit:
            return action
    raise AssertionError("no such ask in this deal")


async def test_a_player_gets_their_own_hand_and_the_public_state_on_connect():
    _, table, players = await db(session_with_table)()
    socket, view = await connect(players[1])
    state = await db(game_state)(table)
    assert view["type"] == "view"
    assert view["you"]["seat"] == 1
    assert view["state"]["hand"] == list(state.hands[1])
    assert view["state"]["counts"] == [len(hand) for hand in state.hands]
    assert view["state"]["turn"] == state.turn
    assert [p["name"] for p in view["players"]] == ["Anna", "Bob", "Cees"]
    assert view["seq"] == table.seq
    await socket.disconnect()


async def test_a_socket_without_a_player_cookie_is_refused():
    socket = player_socket(None)
    await socket.connect()
    error = await socket.receive_json_from()
    assert error["code"] == "not_a_player"
    assert (await socket.receive_output())["type"] == "websocket.close"


async def test_a_hit_moves_the_card_and_the_asker_asks_again():
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    ask = find_ask(state, hit=True)
    asker, target = players[ask.seat], players[ask.target]
    asker_socket, _ = await connect(asker)
    target_socket, _ = await connect(target)
    await asker_socket.send_json_to(
        {"type": "ask", "id": "a1", "target": ask.target, "card": ask.card}
    )
    ack = await asker_socket.receive_json_from()
    assert ack == {"type": "ack", "id": "a1", "seq": table.seq + 2, "duplicate": False}
    for socket, seat in ((asker_socket, ask.seat), (target_socket, ask.target)):
        update = await socket.receive_json_from()
        assert update["type"] == "events"
        assert [e["type"] for e in update["events"]] == ["asked", "hit"]
        assert update["state"]["turn"] == ask.seat
        if seat == ask.seat:
            assert ask.card in update["state"]["hand"]
        else:
            assert ask.card not in update["state"]["hand"]
    await asker_socket.disconnect()
    await target_socket.disconnect()


async def test_a_miss_passes_the_turn_to_the_asked_player():
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    ask = find_ask(state, hit=False)
    socket, _ = await connect(players[ask.seat])
    await socket.send_json_to({"type": "ask", "id": "m1", "target": ask.target, "card": ask.card})
    assert (await socket.receive_json_from())["type"] == "ack"
    update = await socket.receive_json_from()
    assert [e["type"] for e in update["events"]] == ["asked", "miss", "turn_passed"]
    assert update["state"]["turn"] == ask.target
    await socket.disconnect()


async def test_a_retried_action_is_applied_once():
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    ask = find_ask(state, hit=False)
    socket, _ = await connect(players[ask.seat])
    message = {"type": "ask", "id": "same", "target": ask.target, "card": ask.card}
    await socket.send_json_to(message)
    first = await socket.receive_json_from()
    await socket.receive_json_from()  # the events
    await socket.send_json_to(message)
    again = await socket.receive_json_from()
    assert again == {**first, "duplicate": True}
    # Nothing was played again: the next thing the socket hears is the view it asks for,
    # at the same point of the game.
    await socket.send_json_to({"type": "sync"})
    view = await socket.receive_json_from()
    assert view["type"] == "view" and view["seq"] == first["seq"]
    assert await db(TableEvent.objects.filter(table=table).count)() == first["seq"]
    await socket.disconnect()


async def test_asking_out_of_turn_is_refused_and_changes_nothing():
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    other = next(seat for seat in range(3) if seat != state.turn)
    socket, _ = await connect(players[other])
    card = state.deck.themes[0].cards[0]
    await socket.send_json_to({"type": "ask", "id": "x", "target": state.turn, "card": card})
    error = await socket.receive_json_from()
    assert error["code"] == "not_your_turn"
    assert error["id"] == "x"
    assert error["message"] == "Je bent niet aan de beurt."
    assert await db(game_state)(table) == state
    await socket.disconnect()


@override_settings(WS_RATE_PER_SECOND=1000)
async def test_a_quartet_is_laid_and_the_game_ends_with_the_winners():
    """Play a whole two-player game over one socket each, by the engine's legal moves."""
    _, table, players = await db(session_with_table)(("Anna", "Bob"), themes=2, seed=3)
    sockets = [(await connect(player))[0] for player in players]
    seen: list[dict] = []
    for move in range(200):
        state = await db(game_state)(table)
        if state.turn is None:
            break
        ask = engine.legal_actions(state, state.turn)[0]
        await sockets[ask.seat].send_json_to(
            {"type": "ask", "id": f"m{move}", "target": ask.target, "card": ask.card}
        )
        assert (await sockets[ask.seat].receive_json_from())["type"] == "ack"
        for socket in sockets:
            update = await socket.receive_json_from()
            if socket is sockets[0]:
                seen.extend(update["events"])
    state = await db(game_state)(table)
    assert state.turn is None
    assert {"quartet_laid", "game_over"} <= {event["type"] for event in seen}
    assert update["state"]["status"] == "over"
    assert update["state"]["winners"] == list(engine.winners(state))
    for socket in sockets:
        await socket.disconnect()


async def test_a_reconnect_gets_exactly_the_missed_events():
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    watcher = next(seat for seat in range(3) if seat != state.turn)
    _, view = await connect(players[watcher])
    since = view["seq"]
    ask = find_ask(state, hit=False)
    mover, _ = await connect(players[ask.seat])
    await mover.send_json_to({"type": "ask", "id": "r1", "target": ask.target, "card": ask.card})
    await mover.receive_json_from()
    socket, catch_up = await connect(players[watcher], f"table={table.pk}&since={since}")
    assert catch_up["type"] == "events"
    assert [e["seq"] for e in catch_up["events"]] == [since + 1, since + 2, since + 3]
    assert catch_up["state"]["hand"] == list((await db(game_state)(table)).hands[watcher])
    await socket.disconnect()
    await mover.disconnect()


def open_poll_voted_by(workshop, voter) -> Poll:
    """An open poll of the session on which ``voter`` chose the third answer."""
    host = workshop.facilitator
    poll = polls.poll_create(
        workshop=workshop, by=host, question="Gaat u dit toepassen?", answers=["Ja", "Nee", "?"]
    )
    polls.poll_open(poll=poll, by=host)
    polls.poll_vote(player=voter, poll_id=poll.pk, answer=2)
    return poll


async def test_a_reconnect_gets_the_open_poll_with_the_phones_own_vote():
    workshop, table, players = await db(session_with_table)()
    poll = await db(open_poll_voted_by)(workshop, players[0])
    since = table.seq - 1
    for player, voted in ((players[0], 2), (players[1], None)):
        socket, catch_up = await connect(player, f"table={table.pk}&since={since}")
        assert catch_up["type"] == "events"
        assert [e["seq"] for e in catch_up["events"]] == [table.seq]
        assert await socket.receive_json_from() == {
            "type": "poll",
            "poll": {
                "id": poll.pk,
                "question": "Gaat u dit toepassen?",
                "answers": ["Ja", "Nee", "?"],
                "voted": voted,
            },
        }
        await socket.disconnect()


async def test_a_reconnect_that_missed_more_than_the_limit_gets_a_fresh_view(monkeypatch):
    monkeypatch.setattr(seats, "CATCH_UP_LIMIT", 1)
    _, table, players = await db(session_with_table)()
    socket, at_limit = await connect(players[0], f"table={table.pk}&since={table.seq - 1}")
    assert at_limit["type"] == "events"
    await socket.disconnect()
    socket, over = await connect(players[0], f"table={table.pk}&since={table.seq - 2}")
    assert over["type"] == "view"
    assert over["seq"] == table.seq
    assert [e["seq"] for e in over["log"]] == list(range(1, table.seq + 1))
    await socket.disconnect()


async def test_a_reconnect_with_nothing_missed_gets_no_events():
    _, table, players = await db(session_with_table)()
    _, view = await connect(players[0])
    socket, catch_up = await connect(players[0], f"table={table.pk}&since={view['seq']}")
    assert catch_up == {"type": "events", "seq": view["seq"], "events": [], "state": view["state"]}
    await socket.disconnect()


async def test_a_reconnect_without_since_or_for_another_table_gets_a_fresh_view():
    _, table, players = await db(session_with_table)()
    socket, view = await connect(players[0], f"table={table.pk + 99}&since=1")
    assert view["type"] == "view"
    await socket.disconnect()


async def test_sync_after_a_gap_sends_what_was_missed():
    _, _table, players = await db(session_with_table)()
    socket, view = await connect(players[0])
    await socket.send_json_to({"type": "sync", "since": 0})
    again = await socket.receive_json_from()
    assert again["type"] == "events"
    assert [e["seq"] for e in again["events"]] == list(range(1, view["seq"] + 1))
    await socket.disconnect()


async def test_a_ping_gets_a_pong():
    _, _, players = await db(session_with_table)()
    socket, _ = await connect(players[0])
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()
