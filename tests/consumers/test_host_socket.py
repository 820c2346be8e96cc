"""The facilitator's dashboard socket: every table's public events, for the session's
own facilitator only."""

import pytest
from channels.db import database_sync_to_async as db
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model

from game import engine, play, sessions
from innovation_track.asgi import application
from tests.factories import UserFactory, facilitator
from tests.tables import ORIGIN, game_state, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


def host_socket(code: str, user=None) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, f"/ws/host/{code}/", headers=[ORIGIN])
    if user is not None:
        socket.scope["user"] = user  # as AuthMiddleware would set it from the session
    return socket


async def test_the_facilitator_hears_every_table_move():
    workshop, table, players = await db(session_with_table)()
    host = await db(get_user_model().objects.get)(pk=workshop.facilitator_id)
    socket = host_socket(workshop.code, host)
    assert (await socket.connect())[0]
    hello = await socket.receive_json_from()
    assert hello == {"type": "hello", "tables": {str(table.pk): table.seq}}
    state = await db(game_state)(table)
    ask = engine.legal_actions(state, state.turn)[0]
    await db(play.table_ask)(
        player=players[ask.seat], target=ask.target, card=ask.card, action_id="h1"
    )
    update = await socket.receive_json_from()
    assert update["type"] == "update"
    [batch] = update["tables"]
    assert batch["table"] == table.pk
    assert batch["number"] == table.number
    assert batch["events"][0]["type"] == "asked"
    assert batch["seq"] == batch["events"][-1]["seq"]
    assert "hand" not in str(update)
    await socket.disconnect()


async def test_the_dashboard_hears_players_arrive():
    workshop, _, _ = await db(session_with_table)(start=False)
    host = await db(get_user_model().objects.get)(pk=workshop.facilitator_id)
    socket = host_socket(workshop.code, host)
    await socket.connect()
    await socket.receive_json_from()
    player = await db(sessions.player_join)(code=workshop.code, name="Daan")
    assert await socket.receive_json_from() == {
        "type": "update",
        "table": None,
        "player": player.pk,
    }
    await socket.disconnect()


@pytest.mark.parametrize("who", ["anonymous", "player account", "other facilitator"])
async def test_the_dashboard_socket_refuses_everyone_else(who):
    from django.contrib.auth.models import AnonymousUser

    workshop, _, _ = await db(session_with_table)()
    user = {
        "anonymous": lambda: AnonymousUser(),
        "player account": lambda: UserFactory(username="speler"),
        "other facilitator": lambda: facilitator("otto"),
    }[who]
    socket = host_socket(workshop.code, await db(user)())
    await socket.connect()
    assert (await socket.receive_json_from())["code"] == "forbidden"
    assert (await socket.receive_output())["code"] == 4003


async def test_an_admin_may_watch_any_session():
    workshop, _, _ = await db(session_with_table)()
    admin = await db(UserFactory)(username="root", is_superuser=True, is_staff=True)
    socket = host_socket(workshop.code, admin)
    await socket.connect()
    assert (await socket.receive_json_from())["type"] == "hello"
    await socket.disconnect()
