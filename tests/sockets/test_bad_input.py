"""Bad input on the player's socket gets an error with a code, changes nothing, and
leaves the socket usable; only abuse closes it."""

import json

import pytest
from channels.db import database_sync_to_async as db
from django.test import override_settings

from game.models import Player
from game.room import sessions
from game.sockets.consumers import MAX_MESSAGE_BYTES
from game.table import play
from tests.tables import game_state, player_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


async def connected(player, query=""):
    socket = player_socket(player, query)
    assert (await socket.connect())[0]
    await socket.receive_json_from()
    return socket


async def still_usable(socket) -> None:
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}


@pytest.fixture
def game(transactional_db):
    return session_with_table()


def a_card_of(state, theme_index=0, number=0):
    return state.deck.themes[theme_index].cards[number]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_message"),
        ('{"no": "type"}', "bad_message"),
        ('{"type": 5}', "bad_message"),
        ('{"type": "shout"}', "unknown_type"),
        ('{"type": "ask", "target": 1, "card": "x"}', "bad_message"),
        ('{"type": "ask", "id": "a", "target": "1", "card": "x"}', "bad_message"),
        ('{"type": "ask", "id": "a", "target": true, "card": "x"}', "bad_message"),
        ('{"type": "ask", "id": "a", "target": 1, "card": 7}', "bad_message"),
        ('{"type": "ask", "id": "' + "x" * 65 + '", "target": 1, "card": "x"}', "bad_message"),
        ('{"type": "sync", "since": "yesterday"}', "bad_message"),
    ],
)
async def test_a_malformed_message_gets_an_error_and_changes_nothing(game, raw, code):
    _, table, players = game
    before = await db(game_state)(table)
    socket = await connected(players[before.turn])
    await socket.send_to(text_data=raw)
    error = await socket.receive_json_from()
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["message"]
    assert await db(game_state)(table) == before
    await still_usable(socket)
    await socket.disconnect()


# Messages under the size limit that once reached a handler, or the parser's recursion,
# and closed the socket with 1011: each must be a refusal like any other.
NESTED = "[" * 2000 + "]" * 2000
HOSTILE = {
    "a message nested 2,000 levels deep": (NESTED, "bad_message"),
    "a field nested 2,000 levels deep": ('{"type": "ping", "x": ' + NESTED + "}", "bad_message"),
    "a type that is a list": ('{"type": ["ask"]}', "bad_message"),
    "a type that is an object": ('{"type": {"ask": 1}}', "bad_message"),
    "a number of 4,000 digits": ('{"type": "sync", "since": ' + "9" * 4000 + "}", "bad_json"),
    "NaN": ('{"type": "sync", "since": NaN}', "bad_json"),
    "a lone surrogate": ('{"type": "ask", "id": "\\ud800", "target": 1, "card": "x"}', "bad_json"),
    "an ask without a type's fields": ('{"type": "ask"}', "bad_message"),
    "an ask whose id is a list": (
        '{"type": "ask", "id": ["a"], "target": 1, "card": "x"}',
        "bad_message",
    ),
    "an ask whose id is empty": (
        '{"type": "ask", "id": "", "target": 1, "card": "x"}',
        "bad_message",
    ),
    "an ask whose target is a list": (
        '{"type": "ask", "id": "a", "target": [1], "card": "x"}',
        "bad_message",
    ),
    "an ask whose target is a fraction": (
        '{"type": "ask", "id": "a", "target": 1.5, "card": "x"}',
        "bad_message",
    ),
    "an ask whose target is negative": (
        '{"type": "ask", "id": "a", "target": -1, "card": "x"}',
        "bad_message",
    ),
    "an ask whose target is huge": (
        '{"type": "ask", "id": "a", "target": 1' + "0" * 30 + ', "card": "x"}',
        "bad_message",
    ),
    "an ask whose card is an object": (
        '{"type": "ask", "id": "a", "target": 1, "card": {"k": 1}}',
        "bad_message",
    ),
    "an ask whose card is a list": (
        '{"type": "ask", "id": "a", "target": 1, "card": ["x"]}',
        "bad_message",
    ),
    "a sync since a list": ('{"type": "sync", "since": [17]}', "bad_message"),
    "a sync since true": ('{"type": "sync", "since": true}', "bad_message"),
    "a sync since a negative": ('{"type": "sync", "since": -5}', "bad_message"),
    "a sync since a huge number": ('{"type": "sync", "since": ' + "9" * 19 + "}", "bad_message"),
    "a vote without a poll": ('{"type": "vote", "answer": 0}', "bad_message"),
    "a vote for a poll that is a list": (
        '{"type": "vote", "poll": [1], "answer": 0}',
        "bad_message",
    ),
    "a vote for a poll that is text": ('{"type": "vote", "poll": "1", "answer": 0}', "bad_message"),
    "a vote whose answer is true": ('{"type": "vote", "poll": 1, "answer": true}', "bad_message"),
    "a vote whose answer is huge": (
        '{"type": "vote", "poll": 1, "answer": ' + "9" * 25 + "}",
        "bad_message",
    ),
    "a vote for a huge poll": (
        '{"type": "vote", "poll": ' + "9" * 19 + ', "answer": 0}',
        "bad_message",
    ),
}


@pytest.mark.parametrize(("raw", "code"), HOSTILE.values(), ids=HOSTILE.keys())
async def test_a_hostile_message_gets_an_error_and_changes_nothing(game, raw, code):
    _, table, players = game
    before = await db(game_state)(table)
    socket = await connected(players[before.turn])
    assert len(raw.encode()) <= MAX_MESSAGE_BYTES
    await socket.send_to(text_data=raw)
    error = await socket.receive_json_from()
    assert (error["type"], error["code"]) == ("error", code)
    assert await db(game_state)(table) == before
    await still_usable(socket)
    await socket.disconnect()


@override_settings(WS_RATE_BURST=1000)
async def test_nested_messages_count_as_strikes_and_close_the_socket_with_4008(game):
    _, _, players = game
    socket = await connected(players[0])
    for _ in range(60):
        await socket.send_to(text_data=NESTED)
    codes = []
    while True:
        output = await socket.receive_output()
        if output["type"] == "websocket.close":
            assert output["code"] == 4008
            break
        codes.append(json.loads(output["text"])["code"])
    assert codes == ["bad_message"] * 50


QUERIES = {
    "a superscript two": "since=%C2%B2",
    "a table in Arabic digits": "table=%D9%A3&since=1",
    "5,000 digits": "since=" + "9" * 5000,
    "a table of 5,000 digits": "table=" + "9" * 5000 + "&since=1",
    "a negative since": "since=-1",
    "a fraction": "since=1.5",
    "repeated": "since=1&since=2&since=%C2%B2",
    "no value": "since",
    "a query of 100 kB": "x=" + "y" * 100_000,
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
async def test_a_bad_query_string_opens_with_a_fresh_view(game, query):
    _, _, players = game
    socket = player_socket(players[0], query)
    assert (await socket.connect())[0]
    view = await socket.receive_json_from()
    assert view["type"] == "view"
    await still_usable(socket)
    await socket.disconnect()


async def test_a_binary_frame_is_refused(game):
    _, _, players = game
    socket = await connected(players[0])
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive_json_from())["code"] == "bad_message"
    await still_usable(socket)
    await socket.disconnect()


async def test_an_oversized_message_is_refused(game):
    _, table, players = game
    before = await db(game_state)(table)
    socket = await connected(players[before.turn])
    padding = "x" * MAX_MESSAGE_BYTES
    await socket.send_to(text_data=json.dumps({"type": "ping", "padding": padding}))
    assert (await socket.receive_json_from())["code"] == "too_large"
    await still_usable(socket)
    await socket.disconnect()


# A burst of 3, and a refill so slow (a token in 1000 s) that the test's own speed
# cannot earn a 4th.
@override_settings(WS_RATE_PER_SECOND=0.001, WS_RATE_BURST=3)
async def test_a_flood_is_rate_limited_and_abuse_closes_the_socket(game):
    _, _, players = game
    socket = await connected(players[0])
    for _ in range(3):
        await socket.send_json_to({"type": "ping"})
        assert (await socket.receive_json_from())["type"] == "pong"
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from())["code"] == "rate_limited"
    for _ in range(60):
        await socket.send_json_to({"type": "ping"})
    codes = []
    while True:
        output = await socket.receive_output()
        if output["type"] == "websocket.close":
            assert output["code"] == 4008
            break
        codes.append(json.loads(output["text"])["code"])
    assert set(codes) == {"rate_limited"}


async def engine_refusal(game, make_ask, code, *, seat=None):
    _, table, players = game
    state = await db(game_state)(table)
    seat = state.turn if seat is None else seat
    socket = await connected(players[seat])
    message = {"type": "ask", "id": "e1", **make_ask(state, seat)}
    await socket.send_json_to(message)
    error = await socket.receive_json_from()
    assert (error["type"], error["code"], error["id"]) == ("error", code, "e1")
    assert await db(game_state)(table) == state
    await still_usable(socket)
    await socket.disconnect()


def held_card(state, seat):
    return state.hands[seat][0]


def missing_theme_card(state, seat):
    held = {card.rsplit("-", 1)[0] for card in state.hands[seat]}
    for theme in state.deck.themes:
        if theme.key not in held and not any(theme.key in laid for laid in state.laid):
            return theme.cards[0]
    pytest.skip("this deal gives the seat a card of every theme")


def other(state, seat):
    return next(s for s in range(state.seats) if s != seat and state.hands[s])


async def test_asking_for_a_card_you_hold_is_refused(game):
    await engine_refusal(
        game,
        lambda s, seat: {"target": other(s, seat), "card": held_card(s, seat)},
        "card_already_held",
    )


async def test_asking_yourself_is_refused(game):
    await engine_refusal(
        game, lambda s, seat: {"target": seat, "card": "thema-1-1"}, "cannot_ask_yourself"
    )


async def test_asking_an_unknown_seat_is_refused(game):
    await engine_refusal(game, lambda s, seat: {"target": 9, "card": "thema-1-1"}, "unknown_player")


async def test_asking_for_an_unknown_card_is_refused(game):
    await engine_refusal(
        game, lambda s, seat: {"target": other(s, seat), "card": "geld-9"}, "unknown_card"
    )


async def test_asking_from_a_theme_you_do_not_hold_is_refused():
    game = await db(session_with_table)(themes=5, seed=11)
    await engine_refusal(
        game,
        lambda s, seat: {"target": other(s, seat), "card": missing_theme_card(s, seat)},
        "theme_not_held",
    )


async def test_asking_someone_out_of_turn_is_refused(game):
    _, table, _ = game
    state = await db(game_state)(table)
    waiting = next(seat for seat in range(3) if seat != state.turn)
    await engine_refusal(
        game,
        lambda s, seat: {"target": s.turn, "card": "thema-1-1"},
        "not_your_turn",
        seat=waiting,
    )


async def test_an_ask_while_paused_is_refused(game):
    workshop, table, _players = game
    await db(play.table_pause)(table=table, by=workshop.facilitator)
    await engine_refusal(
        game, lambda s, seat: {"target": other(s, seat), "card": "thema-1-1"}, "paused"
    )


async def test_an_ask_while_the_session_is_paused_is_refused(game):
    workshop, _, _ = game
    await db(play.workshop_pause)(workshop=workshop, by=workshop.facilitator)
    await engine_refusal(
        game, lambda s, seat: {"target": other(s, seat), "card": "thema-1-1"}, "paused"
    )


async def test_an_ask_after_the_session_ended_is_refused(game):
    workshop, _, _ = game
    await db(play.workshop_end)(workshop=workshop, by=workshop.facilitator)
    await engine_refusal(
        game, lambda s, seat: {"target": other(s, seat), "card": "thema-1-1"}, "session_ended"
    )


async def test_an_ask_before_the_game_starts_is_refused():
    _, _table, players = await db(session_with_table)(start=False)
    socket = await connected(players[0])
    await socket.send_json_to({"type": "ask", "id": "s", "target": 1, "card": "thema-1-1"})
    assert (await socket.receive_json_from())["code"] == "not_started"
    await socket.disconnect()


async def test_an_ask_by_someone_not_seated_is_refused(game):
    workshop, _, _ = game
    late = await db(sessions.player_join)(code=workshop.code, name="Laat")
    socket = await connected(late)
    await socket.send_json_to({"type": "ask", "id": "s", "target": 1, "card": "thema-1-1"})
    assert (await socket.receive_json_from())["code"] == "not_seated"
    await socket.disconnect()


async def test_an_ask_after_a_bot_took_over_is_refused(game):
    workshop, table, players = game
    state = await db(game_state)(table)
    await db(play.player_replace_with_bot)(player=players[state.turn], by=workshop.facilitator)
    replaced = await db(Player.objects.get)(pk=players[state.turn].pk)
    socket = await connected(replaced)
    await socket.send_json_to({"type": "ask", "id": "s", "target": 1, "card": "thema-1-1"})
    assert (await socket.receive_json_from())["code"] == "seat_taken_over"
    await socket.disconnect()


async def test_an_ask_after_the_game_is_over_is_refused():
    from game import engine

    _workshop, table, players = await db(session_with_table)(("Anna", "Bob"), themes=2, seed=1)
    state = await db(game_state)(table)
    while state.turn is not None:
        ask = engine.legal_actions(state, state.turn)[0]
        await db(play.table_ask)(
            player=players[ask.seat], target=ask.target, card=ask.card, action_id=f"{state.seq}"
        )
        state = await db(game_state)(table)
    socket = await connected(players[0])
    await socket.send_json_to({"type": "ask", "id": "late", "target": 1, "card": "thema-1-1"})
    assert (await socket.receive_json_from())["code"] == "game_over"
    await socket.disconnect()


async def test_errors_speak_english_when_the_page_does():
    _, table, players = await db(session_with_table)()
    state = await db(game_state)(table)
    waiting = next(seat for seat in range(3) if seat != state.turn)
    socket = player_socket(players[waiting], language="en")
    await socket.connect()
    await socket.receive_json_from()
    await socket.send_json_to({"type": "ask", "id": "x", "target": state.turn, "card": "thema-1-1"})
    assert (await socket.receive_json_from())["message"] == "It is not your turn."
    await socket.disconnect()


async def test_a_connection_from_another_origin_is_refused(game):
    from innovation_track.asgi import application
    from tests.tables import Socket, cookie_for

    _, _, players = game
    socket = Socket(
        application,
        "/ws/play/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie_for(players[0]))],
    )
    connected, _ = await socket.connect()
    assert not connected
