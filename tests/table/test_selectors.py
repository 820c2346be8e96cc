"""The read model of a session's tables: one shape for the dashboard, the projector
and the results page, built from public information only."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from game import engine
from game.plans.selectors import results
from game.room import seating
from game.table import play
from game.table.selectors import room_ranking, room_tables
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db


def play_until_a_quartet(table, players) -> engine.GameState:
    state = game_state(table)
    for move in range(300):
        if players[state.turn] is None:  # a bot's seat: it moves itself
            play.bot_move(table_id=table.pk)
        else:
            options = engine.legal_actions(state, state.turn)
            ask = max(options, key=lambda a: a.card in state.hands[a.target])
            player = players[ask.seat]
            play.table_ask(player=player, target=ask.target, card=ask.card, action_id=f"m{move}")
        state = game_state(table)
        if any(state.laid) or state.turn is None:
            return state
    raise AssertionError("no quartet in 300 moves")


def test_a_started_table_shows_counts_quartets_and_the_turn():
    workshop, table, players = session_with_table(themes=3, seed=2)
    state = play_until_a_quartet(table, players)
    (view,) = room_tables(workshop)
    assert view.started and not view.over
    assert [m.player.name for m in view.members] == ["Anna", "Bob", "Cees"]
    assert [m.cards for m in view.members] == [len(hand) for hand in state.hands]
    names = {theme.slug: theme.name for theme in workshop.deck.themes.all()}
    assert [m.quartets for m in view.members] == [
        [names[key] for key in laid] for laid in state.laid
    ]
    assert [m.turn for m in view.members] == [seat == state.turn for seat in range(3)]
    assert view.ranked[0].score == max(len(laid) for laid in state.laid)
    assert "hand" not in view.block or view.block["hand"] == []


def test_a_waiting_table_has_members_but_no_counts():
    workshop, _, _ = session_with_table(start=False)
    (view,) = room_tables(workshop)
    assert not view.started
    assert [m.cards for m in view.members] == [None, None, None]
    assert all(m.quartets == [] and not m.turn and not m.winner for m in view.members)


def test_the_last_event_is_worded_only_when_asked_for():
    workshop, _, _ = session_with_table()
    assert room_tables(workshop)[0].last is None
    assert room_tables(workshop, with_last=True)[0].last  # "It is Anna's turn." or alike


def test_the_ranking_leaves_out_bots_when_asked_and_marks_the_leaders():
    workshop, table, players = session_with_table(start=False)
    seating.bot_add(table=table, level="easy", by=workshop.facilitator)
    play.table_start(table=table, by=workshop.facilitator, seed=2)
    play_until_a_quartet(table, [*players, None])
    views = room_tables(workshop)
    everyone, humans = room_ranking(views), room_ranking(views, humans_only=True)
    assert len(everyone) == 4 and len(humans) == 3
    assert all(not entry["name"].startswith("Bot") for entry in humans)
    top = everyone[0]["score"]
    assert [entry["first"] for entry in everyone] == [e["score"] == top > 0 for e in everyone]
    # Equal scores share a place; the next score's place counts everyone above it.
    for index, entry in enumerate(everyone):
        above = sum(e["score"] > entry["score"] for e in everyone)
        assert entry["place"] == above + 1, (index, everyone)


def test_dashboard_projector_and_results_show_the_same_table():
    workshop, table, players = session_with_table(themes=3, seed=2)
    play_until_a_quartet(table, players)
    (view,) = room_tables(workshop)
    client = Client()
    client.force_login(workshop.facilitator)
    code = {"code": workshop.code}
    panel = client.get(reverse("host:panel", kwargs=code)).context
    screen = client.get(reverse("host:projector_panel", kwargs=code)).context
    page = results(workshop)
    for rows in (panel["rows"], screen["started"], page["tables"]):
        assert [(m.player.name, m.cards, m.quartets, m.turn) for m in rows[0].members] == [
            (m.player.name, m.cards, m.quartets, m.turn) for m in view.members
        ]


def test_equal_scores_share_a_place_in_the_room():
    """1, 1, 3: the ranking's places as a sports table gives them."""

    def member(name, score):
        player = SimpleNamespace(name=name, is_bot=False)
        return SimpleNamespace(player=player, score=score, quartets=[])

    view = SimpleNamespace(
        started=True,
        table=SimpleNamespace(number=1),
        members=[member("Ans", 2), member("Bo", 3), member("Cas", 3), member("Dirk", 0)],
    )
    ranking = room_ranking([view])
    assert [(e["name"], e["place"], e["first"]) for e in ranking] == [
        ("Bo", 1, True), ("Cas", 1, True), ("Ans", 3, False), ("Dirk", 4, False)
    ]  # fmt: skip
