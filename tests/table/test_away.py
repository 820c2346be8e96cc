"""No table stuck on a player who left: the player on turn without a connection is
flagged, a bot stands in when the session says so, and the player gets their hand back;
a player who thinks long gets one nudge."""

from datetime import timedelta

import pytest
from django.utils import timezone

from game.errors import Refused
from game.models import Player, Table, TableEvent, Workshop
from game.realtime import presence
from game.room import sessions
from game.table import away, play, seats
from tests.factories import facilitator
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def on_turn(table: Table) -> Player:
    return Player.objects.get(table=table, seat=game_state(table).turn)


def kinds(changes) -> list[str]:
    return [event["type"] for change in changes for event in change.events]


def everyone_seen(table: Table, at) -> None:
    presence.write_seen(Player.objects.filter(table=table).values_list("pk", flat=True), at=at)


def test_the_player_on_turn_is_flagged_once_after_the_sessions_setting():
    _, table, _ = session_with_table(away_after=60)
    anna = on_turn(table)
    assert away.scan(now=later(58)) == []
    changes = away.scan(now=later(61))
    assert [event for change in changes for event in change.events] == [
        {"seq": table.seq + 1, "type": "player_away", "seat": anna.seat}
    ]
    anna.refresh_from_db()
    assert (anna.away, anna.stand_in) == (True, False)
    assert away.scan(now=later(300)) == []  # flagged once; no bot unless the session says so
    table.refresh_from_db()
    assert not table.bot_turn


def test_a_player_whose_phone_is_connected_is_never_flagged():
    _, table, _ = session_with_table(away_after=60, stand_in_after=60)
    everyone_seen(table, later(55))  # the ticker of the process with their socket wrote this
    assert away.scan(now=later(100)) == []


def test_only_the_player_on_turn_is_flagged_and_not_at_a_paused_table():
    workshop, table, _ = session_with_table(away_after=60)
    anna = on_turn(table)
    others = Player.objects.filter(table=table).exclude(pk=anna.pk)
    play.table_pause(table=table, by=workshop.facilitator)
    assert away.scan(now=later(600)) == []
    play.table_pause(table=table, by=workshop.facilitator, paused=False)
    changes = away.scan(now=later(600))
    assert [change.events[0]["seat"] for change in changes] == [anna.seat]
    assert not others.filter(away=True).exists()


def test_a_bot_stands_in_after_the_setting_and_plays_the_hand():
    _, table, _ = session_with_table(away_after=60, stand_in_after=120)
    anna = on_turn(table)
    before = game_state(table)
    assert kinds(away.scan(now=later(61))) == ["player_away"]
    assert away.scan(now=later(100)) == []
    assert kinds(away.scan(now=later(121))) == ["seat_stood_in"]
    anna.refresh_from_db()
    table.refresh_from_db()
    assert anna.stand_in and anna.bot_level == ""  # still a person: the bot only stands in
    assert table.bot_turn
    change = play.bot_move(table_id=table.pk)
    assert change.events[0]["type"] == "asked"
    assert change.events[0]["seat"] == anna.seat
    after = game_state(table)
    assert cards_in_play(after) == cards_in_play(before)


def cards_in_play(state) -> int:
    return sum(len(hand) for hand in state.hands) + 4 * sum(len(laid) for laid in state.laid)


def play_while_stood_in(table: Table, anna: Player, moves: int = 12) -> None:
    """Let the bots move (the stand-in among them) a few times."""
    for _ in range(moves):
        if play.bot_move(table_id=table.pk) is None:
            break


def test_the_player_gets_their_hand_back_on_return_gap_free():
    _, table, _ = session_with_table(away_after=60, stand_in_after=60)
    anna = on_turn(table)
    away.scan(now=later(61))
    play_while_stood_in(table, anna)
    state = game_state(table)
    bot_events = [
        e.data
        for e in TableEvent.objects.filter(table=table).order_by("seq")
        if e.data.get("seat") == anna.seat
    ]
    change = away.player_back(player_id=anna.pk)
    [event] = change.events
    assert event["type"] == "seat_returned" and event["seat"] == anna.seat
    after_stand_in = bot_events[
        bot_events.index(next(e for e in bot_events if e["type"] == "seat_stood_in")) :
    ]
    assert event["played"] == {
        "asks": sum(e["type"] == "asked" for e in after_stand_in),
        "hits": sum(e["type"] == "hit" for e in after_stand_in),
        "quartets": [e["theme"] for e in after_stand_in if e["type"] == "quartet_laid"],
    }
    assert event["played"]["asks"] >= 1
    anna.refresh_from_db()
    table.refresh_from_db()
    assert (anna.away, anna.stand_in) == (False, False)
    assert table.bot_turn is False or table.turn != anna.seat
    # The hand is intact: handing back changes no card, and her page shows her hand.
    assert game_state(table).hands == state.hands
    view = seats.seat_snapshot(anna.pk, None)["view"]
    assert sorted(view["state"]["hand"]) == sorted(state.hands[anna.seat])
    seqs = list(
        TableEvent.objects.filter(table=table).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_player_back_before_the_bot_moved_is_told_no_bot_played():
    _, table, _ = session_with_table(away_after=60)
    anna = on_turn(table)
    away.scan(now=later(61))
    change = away.player_back(player_id=anna.pk)
    assert change.events[0]["type"] == "seat_returned"
    assert "played" not in change.events[0]
    assert away.player_back(player_id=anna.pk) is None  # back once


def test_an_ask_from_a_player_a_bot_stood_in_for_hands_back_first():
    _, table, _ = session_with_table(away_after=60, stand_in_after=60)
    anna = on_turn(table)
    away.scan(now=later(61))
    state = game_state(table)
    [ask] = [a for a in _legal(state, anna.seat)][:1]
    change = play.table_ask(player=anna, target=ask.target, card=ask.card, action_id="a1")
    events = list(
        TableEvent.objects.filter(table=table).order_by("seq").values_list("data", flat=True)
    )
    assert [e["type"] for e in events[-len(change.events) - 1 :]][:2] == ["seat_returned", "asked"]
    anna.refresh_from_db()
    assert not anna.stand_in


def _legal(state, seat):
    from game import engine

    return engine.legal_actions(state, seat)


def test_the_facilitator_can_let_a_bot_stand_in_and_no_one_else():
    workshop, table, _players = session_with_table()
    anna = on_turn(table)
    with pytest.raises(Refused) as refused:
        away.player_stand_in(player_id=anna.pk, by=facilitator("someone_else"))
    assert refused.value.code == "forbidden"
    change = away.player_stand_in(player_id=anna.pk, by=workshop.facilitator)
    assert change.events[0]["type"] == "seat_stood_in"
    with pytest.raises(Refused) as twice:
        away.player_stand_in(player_id=anna.pk, by=workshop.facilitator)
    assert twice.value.code == "seat_taken_over"


def test_a_player_thinking_long_gets_one_nudge_per_turn():
    _, table, _ = session_with_table(nudge_after=30)
    anna = on_turn(table)
    everyone_seen(table, later(29))
    assert away.scan(now=later(29)) == []
    everyone_seen(table, later(31))
    changes = away.scan(now=later(31))
    assert [(e["type"], e["seat"]) for c in changes for e in c.events] == [
        ("turn_nudge", anna.seat)
    ]
    everyone_seen(table, later(200))
    assert away.scan(now=later(200)) == []  # once per turn, and no move is forced
    assert game_state(table).turn == anna.seat
    state = game_state(table)
    ask = _legal(state, anna.seat)[0]
    play.table_ask(player=anna, target=ask.target, card=ask.card, action_id="n1")
    table.refresh_from_db()
    assert not table.nudged  # a move: the next long think is nudged again


def test_a_player_who_is_away_gets_no_nudge():
    _, _table, _ = session_with_table(nudge_after=30, away_after=600)
    assert away.scan(now=later(45)) == []


def test_sessions_without_nudges_send_none():
    _, table, _ = session_with_table(nudge_after=0)
    everyone_seen(table, later(500))
    assert away.scan(now=later(500)) == []


@pytest.mark.parametrize(
    "timing",
    [{"away_after": 29}, {"away_after": 3601}, {"stand_in_after": -1}, {"nudge_after": 601}],
)
def test_the_service_refuses_times_out_of_bounds_and_changes_nothing(timing):
    workshop, _, _ = session_with_table()
    before = Workshop.objects.values("away_after", "stand_in_after", "nudge_after").get()
    with pytest.raises(Refused) as refused:
        sessions.workshop_set_timing(workshop=workshop, by=workshop.facilitator, **timing)
    assert refused.value.code == "bad_message"
    assert Workshop.objects.values("away_after", "stand_in_after", "nudge_after").get() == before
