"""The facilitator's dashboard socket: every table's public events, for the session's
own facilitator only."""

import pytest
from channels.db import database_sync_to_async as db
from django.contrib.auth import get_user_model

from game import engine
from game.models import Player, Table, TableEvent, Workshop
from game.realtime import batching, live
from game.room import sessions
from game.table import play, record
from tests.factories import UserFactory, facilitator
from tests.tables import WAIT, Socket, game_state, host_socket, session_with_table

pytestmark = pytest.mark.django_db(transaction=True)


async def open_dashboard(workshop) -> tuple[Socket, dict]:
    """The session's facilitator's dashboard, open, and its hello."""
    host = await db(get_user_model().objects.get)(pk=workshop.facilitator_id)
    socket = host_socket(workshop.code, host)
    assert (await socket.connect())[0]
    hello = await socket.receive_json_from()
    assert hello["type"] == "hello"
    return socket, hello


def session_with_two_tables() -> tuple[Workshop, list[Table]]:
    """Six players at two started tables of three."""
    names = ("Anna", "Bob", "Cees", "Daan", "Eva", "Fien")
    workshop, first, _ = session_with_table(names, table_size=3)
    second = Table.objects.exclude(pk=first.pk).get(workshop=workshop)
    play.table_start(table=second, by=workshop.facilitator, seed=8)
    second.refresh_from_db()
    return workshop, [first, second]


def move(table: Table) -> record.Change:
    """One legal ask by the seat to move at ``table``."""
    state = game_state(table)
    ask = engine.legal_actions(state, state.turn)[0]
    player = Player.objects.get(table=table, seat=ask.seat, removed=False)
    return play.table_ask(
        player=player, target=ask.target, card=ask.card, action_id=f"{table.pk}-{table.seq}"
    )


def stored_events(table: Table, after: int) -> list[dict]:
    return list(
        TableEvent.objects.filter(table=table, seq__gt=after)
        .order_by("seq")
        .values_list("data", flat=True)
    )


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


async def test_a_quiet_rooms_first_move_reaches_the_dashboard_at_once(settings):
    settings.DASHBOARD_BATCH_SECONDS = 60  # a batch would arrive long after the wait
    workshop, table, _ = await db(session_with_table)()
    socket, _ = await open_dashboard(workshop)
    change = await live.collecting(move, table=table)  # as a socket makes it: batched
    update = await socket.receive_json_from(timeout=WAIT)
    assert update == {
        "type": "update",
        "tables": [
            {
                "table": table.pk,
                "number": table.number,
                "seq": change.seq,
                "events": list(change.events),
            }
        ],
    }
    await socket.disconnect()


async def test_a_busy_rooms_moves_arrive_batched_per_table_in_order_and_complete(
    settings, batch_clock
):
    window = settings.DASHBOARD_BATCH_SECONDS = 3
    workshop, tables = await db(session_with_two_tables)()
    group = live.workshop_group(workshop.pk)
    socket, hello = await open_dashboard(workshop)
    rounds = 3
    await live.collecting(move, table=tables[0])  # as sockets make them: pushed, batched
    assert batch_clock.delays() == [0.0]  # a quiet room's first: at once
    await batch_clock.advance(0)
    first = await socket.receive_json_from()
    for number in range(rounds):  # the rest within one window: held
        for table in tables[1:] if number == 0 else tables:
            await live.collecting(move, table=table)
    assert batch_clock.delays() == [window]
    assert len(batching._waiting[group]) == rounds * len(tables) - 1
    assert socket.output_queue.empty()
    await batch_clock.advance(window)
    second = await socket.receive_json_from()
    # Everything went: nothing waits, nothing is due, not even when a window ends.
    assert group not in batching._waiting and not batch_clock.timers
    await batch_clock.advance(window)
    assert socket.output_queue.empty()

    final = {table.pk: (await db(Table.objects.get)(pk=table.pk)).seq for table in tables}
    seen = {table.pk: hello["tables"][str(table.pk)] for table in tables}
    events = {table.pk: [] for table in tables}
    for update in (first, second):
        assert update["type"] == "update"
        batch_tables = [batch["table"] for batch in update["tables"]]
        assert len(batch_tables) == len(set(batch_tables))  # one entry per table
        for batch in update["tables"]:
            number = next(t.number for t in tables if t.pk == batch["table"])
            assert batch["number"] == number
            # Each batch follows on from the last one of its table, without a gap.
            assert [e["seq"] for e in batch["events"]] == list(
                range(seen[batch["table"]] + 1, batch["seq"] + 1)
            )
            seen[batch["table"]] = batch["seq"]
            events[batch["table"]].extend(batch["events"])
    assert seen == final
    # Both tables' entries in the second carry more than one move: batches were merged.
    assert all(sum(e["type"] == "asked" for e in batch["events"]) > 1 for batch in second["tables"])
    for table in tables:
        after = hello["tables"][str(table.pk)]
        assert events[table.pk] == await db(stored_events)(table, after)
    await socket.disconnect()


async def test_an_arrival_is_sent_at_once_while_a_batch_waits(settings, batch_clock):
    # The second move waits for the window's end; the arrival, before it, must not.
    window = settings.DASHBOARD_BATCH_SECONDS = 8
    workshop, table, _ = await db(session_with_table)()
    socket, _ = await open_dashboard(workshop)
    await live.collecting(move, table=table)
    await batch_clock.advance(0)
    await socket.receive_json_from()  # a quiet room's: at once, and the window starts
    waiting = await live.collecting(move, table=table)
    assert batch_clock.delays() == [window]
    player = await db(sessions.player_join)(code=workshop.code, name="Daan")
    assert await socket.receive_json_from() == {
        "type": "update",
        "table": None,
        "player": player.pk,
    }
    assert batch_clock.delays() == [window]  # the batch still waits
    await batch_clock.advance(window)
    update = await socket.receive_json_from()  # the batch, when due
    assert update["tables"][0]["events"] == list(waiting.events)
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


@pytest.mark.parametrize(
    ("raw", "code"),
    [("[" * 2000 + "]" * 2000, "bad_message"), ('{"type": ["ping"]}', "bad_message")],
    ids=["nested 2,000 levels deep", "a type that is a list"],
)
async def test_a_hostile_message_to_the_dashboard_gets_an_error_and_it_stays_open(raw, code):
    workshop, _table, _players = await db(session_with_table)()
    socket, _hello = await open_dashboard(workshop)
    await socket.send_to(text_data=raw)
    assert (await socket.receive_json_from())["code"] == code
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()
