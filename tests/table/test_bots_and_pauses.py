"""Bots play server-side on the ticker; pauses hold everyone; a bot can take over."""

from datetime import timedelta

import pytest
from django.utils import timezone

from game import engine
from game.errors import Refused
from game.models import Player, Table
from game.room import seating
from game.table import play, ticker
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db


def test_a_table_of_bots_plays_to_the_end_on_the_ticker():
    workshop, table, _ = session_with_table(("Anna",), start=False)
    host = workshop.facilitator
    seating.bot_add(table=table, level="easy", by=host)
    seating.bot_add(table=table, level="smart", by=host)
    Player.objects.filter(name="Anna").update(bot_level="smart")  # Anna left before the start
    play.table_start(table=table, by=host, seed=5)
    for _ in range(2000):
        if not ticker.tick():
            break
    table.refresh_from_db()
    assert table.status == Table.Status.OVER
    assert game_state(table).turn is None


def test_a_bot_waits_for_its_human_like_pause(settings):
    settings.BOT_DELAY_SECONDS = 60
    workshop, table, _ = session_with_table(("Anna",), start=False)
    seating.bot_add(table=table, level="easy", by=workshop.facilitator)
    seating.bot_add(table=table, level="easy", by=workshop.facilitator)
    Player.objects.filter(name="Anna").update(bot_level="easy")
    play.table_start(table=table, by=workshop.facilitator, seed=5)
    assert ticker.tick() == 0
    Table.objects.filter(pk=table.pk).update(updated=timezone.now() - timedelta(seconds=61))
    assert ticker.tick() == 1


def test_a_bot_takes_over_a_hand_and_plays_it():
    workshop, table, players = session_with_table()
    state = game_state(table)
    leaver = players[state.turn]
    change = play.player_replace_with_bot(player=leaver, by=workshop.facilitator)
    assert change.events[-1] == {
        "seq": table.seq + 1,
        "type": "seat_taken_over",
        "seat": leaver.seat,
        "level": "smart",
    }
    assert ticker.tick() == 1
    after = game_state(table)
    assert after.log[-1].type in (
        "hit",
        "turn_passed",
        "game_over",
        "player_out",
        "quartet_laid",
        "pause_due",
    )
    assert after.moves == state.moves + 1


def test_bots_do_not_move_while_paused():
    workshop, table, players = session_with_table()
    state = game_state(table)
    play.player_replace_with_bot(player=players[state.turn], by=workshop.facilitator)
    play.table_pause(table=table, by=workshop.facilitator)
    assert ticker.tick() == 0
    play.table_pause(table=table, by=workshop.facilitator, paused=False)
    assert ticker.tick() == 1


def test_resuming_a_table_that_is_not_paused_is_refused():
    workshop, table, _ = session_with_table()
    with pytest.raises(Refused) as error:
        play.table_pause(table=table, by=workshop.facilitator, paused=False)
    assert error.value.code == "not_paused"


def play_until_quartet(table, players):
    state = game_state(table)
    for move in range(1000):
        ask = max(
            engine.legal_actions(state, state.turn),
            key=lambda a: a.card in state.hands[a.target],
        )
        change = play.table_ask(
            player=players[ask.seat], target=ask.target, card=ask.card, action_id=f"q{move}"
        )
        state = game_state(table)
        if any(e["type"] == "quartet_laid" for e in change.events):
            return change
    raise AssertionError("no quartet laid")


def test_a_quartet_pauses_the_table_for_the_discussion_time():
    _workshop, table, players = session_with_table(themes=4, seed=9, pause_on_quartet=30)
    change = play_until_quartet(table, players)
    assert any(e["type"] == "pause_due" and e["seconds"] == 30 for e in change.events)
    table.refresh_from_db()
    assert table.pause_until > timezone.now() + timedelta(seconds=25)
    state = game_state(table)
    if state.turn is not None:
        with pytest.raises(Refused) as error:
            ask = engine.legal_actions(state, state.turn)[0]
            play.table_ask(
                player=players[ask.seat], target=ask.target, card=ask.card, action_id="p"
            )
        assert error.value.code == "paused"
    # Time is up: the ticker resumes the table.
    Table.objects.filter(pk=table.pk).update(pause_until=timezone.now() - timedelta(seconds=1))
    ticker.tick()
    table.refresh_from_db()
    assert table.pause_until is None
    assert table.events.order_by("-seq").first().data["type"] == "resumed"


def test_the_facilitator_can_end_a_discussion_pause_early():
    workshop, table, players = session_with_table(themes=4, seed=9, pause_on_quartet=30)
    play_until_quartet(table, players)
    play.table_pause(table=table, by=workshop.facilitator, paused=False)
    table.refresh_from_db()
    assert table.pause_until is None and not table.paused


def test_taking_over_another_seat_keeps_the_bot_on_turn_moving():
    """Replacing the player on turn, then someone else, must not stall the table."""
    workshop, table, players = session_with_table()
    state = game_state(table)
    on_turn = players[state.turn]
    other = next(p for p in players if p.seat != state.turn)
    play.player_replace_with_bot(player=on_turn, by=workshop.facilitator)
    play.player_replace_with_bot(player=other, by=workshop.facilitator)
    table.refresh_from_db()
    assert table.bot_turn
    assert ticker.tick() == 1
