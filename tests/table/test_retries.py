"""A resent ask (the same action id) is applied once and answered as the first time.

A move does not look its receipt up first: only an ask that the rules refuse, or whose
receipt turns out to exist already (the unique constraint fails and the move rolls
back), is checked against the receipts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from game import engine
from game.errors import Refused
from game.models import ActionReceipt, TableEvent
from game.table import play
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db


def stored(table) -> tuple:
    """Everything a move changes: the table's seq and game, its events, the receipts."""
    table.refresh_from_db()
    return (
        table.seq,
        table.state,
        list(TableEvent.objects.filter(table=table).order_by("seq").values_list("seq", "data")),
        list(ActionReceipt.objects.order_by("pk").values_list("player", "action_id", "seq")),
    )


def a_miss(state: engine.GameState) -> engine.Ask:
    """A legal ask of the seat to move that misses: the turn passes."""
    return next(
        ask
        for ask in engine.legal_actions(state, state.turn)
        if ask.card not in state.hands[ask.target]
    )


def test_a_resend_the_rules_now_refuse_is_answered_as_the_first_time():
    _, table, players = session_with_table()
    ask = a_miss(game_state(table))
    asker = players[ask.seat]
    first = play.table_ask(player=asker, target=ask.target, card=ask.card, action_id="a1")
    before = stored(table)
    assert engine.why_illegal(game_state(table), ask).code == "not_your_turn"

    again = play.table_ask(player=asker, target=ask.target, card=ask.card, action_id="a1")

    assert again.duplicate
    assert again.seq == first.seq
    assert again.events == ()
    assert stored(table) == before


def test_a_refused_ask_with_a_new_id_stays_refused():
    _, table, players = session_with_table()
    ask = a_miss(game_state(table))
    play.table_ask(player=players[ask.seat], target=ask.target, card=ask.card, action_id="a1")
    before = stored(table)
    with pytest.raises(Refused) as refused:
        play.table_ask(player=players[ask.seat], target=ask.target, card=ask.card, action_id="a2")
    assert refused.value.code == "not_your_turn"
    assert stored(table) == before


def test_a_legal_ask_under_a_used_id_is_rolled_back_and_answered_as_a_duplicate():
    """The receipt's unique constraint catches a resend that the rules would allow again
    (say, the same miss once the turn came round): the move it made is undone."""
    _, table, players = session_with_table()
    state = game_state(table)
    ask = engine.legal_actions(state, state.turn)[0]
    asker = players[ask.seat]
    ActionReceipt.objects.create(player=asker, action_id="used", seq=1)
    before = stored(table)

    change = play.table_ask(player=asker, target=ask.target, card=ask.card, action_id="used")

    assert change.duplicate
    assert change.seq == 1  # the receipt's
    assert change.events == ()
    assert stored(table) == before
    assert game_state(table) == state
    # The same ask under a new id is still legal, and applies.
    fresh = play.table_ask(player=asker, target=ask.target, card=ask.card, action_id="new")
    assert not fresh.duplicate
    assert fresh.seq == before[0] + len(fresh.events)


def test_a_move_with_a_new_id_does_not_look_for_its_receipt():
    _, table, players = session_with_table()
    state = game_state(table)
    ask = engine.legal_actions(state, state.turn)[0]
    receipts = connection.ops.quote_name(ActionReceipt._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        play.table_ask(player=players[ask.seat], target=ask.target, card=ask.card, action_id="n")
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and receipts in q["sql"]]
    assert reads == []
    assert ActionReceipt.objects.filter(player=players[ask.seat], action_id="n").exists()
