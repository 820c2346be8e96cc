"""Three people play a whole game over their sockets; a recorder of everything each
socket received proves nobody ever saw a card of another player's hand."""

import json

import pytest
from channels.db import database_sync_to_async as db
from django.test import override_settings

from game import engine
from tests.tables import game_state, player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


def hand_fields(message) -> list[list[str]]:
    """Every "hand" list anywhere in a message."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "hand":
                    found.append(inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(message)
    return found


@override_settings(WS_RATE_PER_SECOND=1000)  # these players tap faster than people do
async def test_three_people_play_to_the_end_and_nobody_sees_another_hand():
    _, table, players = await db(session_with_table)(themes=5, seed=2024)
    sockets, received = [], [[] for _ in players]
    for player in players:
        socket = player_socket(player)
        assert (await socket.connect())[0]
        sockets.append(socket)
    for seat, socket in enumerate(sockets):
        received[seat].append(await socket.receive_json_from())

    history = []  # (seat, the state's hands when the message was sent)
    move = 0
    while True:
        state = await db(game_state)(table)
        if state.turn is None:
            break
        # Each player plays by what their own page shows: a legal ask from their view.
        view = received[state.turn][-1]
        hand = view["state"]["hand"]
        assert hand == list(state.hands[state.turn])
        options = engine.legal_actions(state, state.turn)
        ask = options[move % len(options)]
        move += 1
        await sockets[ask.seat].send_json_to(
            {"type": "ask", "id": f"m{move}", "target": ask.target, "card": ask.card}
        )
        reply = await sockets[ask.seat].receive_json_from()
        assert reply["type"] == "ack", reply
        after = await db(game_state)(table)
        for seat, socket in enumerate(sockets):
            message = await socket.receive_json_from()
            received[seat].append(message)
            history.append((seat, after.hands, message))
        assert move < 2000

    for seat, hands, message in history:
        others = {card for other, hand in enumerate(hands) if other != seat for card in hand}
        for hand in hand_fields(message):
            assert hand == list(hands[seat])
            assert not others & set(hand)
        # Nor the full state's secrets under another name.
        text = json.dumps(message)
        assert '"hands"' not in text and '"seed"' not in text

    finals = [messages[-1]["state"] for messages in received]
    assert all(final["status"] == "over" for final in finals)
    assert finals[0]["winners"] == list(engine.winners(state))
    for messages in received:
        # Every event exactly once, in order, from the first view to the last update.
        seqs = [e["seq"] for m in messages if m["type"] == "events" for e in m["events"]]
        assert seqs == list(range(messages[0]["seq"] + 1, messages[-1]["seq"] + 1))
    for socket in sockets:
        await socket.disconnect()
