"""The projector: the join code and names before, the tables during, the ranking after."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from game import engine
from game.models import Player
from game.room import seating
from game.table import away, play
from game.views.projector import grid_shape
from tests.factories import facilitator
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db


def projector(workshop) -> str:
    client = Client()
    client.force_login(workshop.facilitator)
    return client.get(reverse("host:projector", kwargs={"code": workshop.code})).content.decode()


def test_before_the_game_it_shows_the_code_the_qr_and_the_names():
    workshop, _, _ = session_with_table(start=False)
    page = projector(workshop)
    assert 'class="pj-code">' + workshop.code in page
    assert reverse("host:qr", kwargs={"code": workshop.code}) in page
    for name in ("Anna", "Bob", "Cees"):
        assert f'<li class="chip" dir="auto">{name}</li>' in page


def test_during_the_game_it_shows_every_table_and_the_quartets_laid():
    workshop, table, players = session_with_table(themes=3, seed=2)
    state = game_state(table)
    for move in range(300):
        options = engine.legal_actions(state, state.turn)
        ask = max(options, key=lambda a: a.card in state.hands[a.target])
        change = play.table_ask(
            player=players[ask.seat], target=ask.target, card=ask.card, action_id=str(move)
        )
        state = game_state(table)
        if any(e["type"] == "quartet_laid" for e in change.events) and state.turn is not None:
            break
    page = projector(workshop)
    assert "Tafel 1" in page
    assert "Gelegde kwartetten" in page
    laid = next(e for e in change.events if e["type"] == "quartet_laid")
    name = players[laid["seat"]].name
    assert f"Tafel 1: <bdi>{name}</bdi> legt {laid['name']}" in page
    theme = workshop.deck.themes.get(slug=laid["theme"])
    chip = f'<span class="pj-chip" lang="nl" style="--theme: {theme.colour}">'
    assert f'{chip}<span class="pj-chip-name">{theme.name}</span></span>' in page
    on_turn = players[state.turn].name
    assert (
        f'<span class="pj-name" dir="auto">{on_turn}</span><span class="visually-hidden"> (aan de beurt)'
        in page
    )
    assert 'data-band="1" style="--columns: 1; --rows: 1"' in page


def test_a_table_waiting_for_someone_who_left_says_so_and_marks_their_row():
    """The band says the table waits (a sign on compact cards), the row of the person
    on turn is marked, screen readers hear whom it waits for, the legend explains it;
    once a bot stands in, all of it goes."""
    workshop, table, _ = session_with_table(away_after=60)
    anna = Player.objects.get(table=table, seat=game_state(table).turn)
    page = projector(workshop)
    assert "pj-badge-wait" not in page and "is-away" not in page
    away.scan(now=timezone.now() + timedelta(seconds=61))
    page = projector(workshop)
    assert 'class="pj-table is-stuck"' in page
    assert '<span class="pj-badge pj-badge-wait" data-short="⚠" aria-hidden="true">' in page
    assert '<span class="pj-badge-text">wacht</span>' in page
    assert f'<p class="visually-hidden">De tafel wacht op <bdi>{anna.name}</bdi>.</p>' in page
    assert page.count("is-away") == 1
    assert "de tafel wacht op wie weg is" in page  # the legend
    anna.stand_in = True
    anna.save(update_fields=["stand_in"])
    page = projector(workshop)
    assert "pj-badge-wait" not in page and "is-away" not in page and "is-stuck" not in page


@pytest.mark.parametrize(
    ("tables", "columns", "rows"),
    [
        (1, 1, 1),
        (2, 2, 1),
        (3, 2, 2),
        (4, 2, 2),
        (5, 3, 2),
        (6, 3, 2),
        (7, 3, 3),
        (9, 3, 3),
        (10, 4, 3),
        (12, 4, 3),
        (13, 4, 4),
        (16, 4, 4),
        (17, 5, 4),
        (20, 5, 4),
        (21, 6, 4),
    ],
)
def test_the_grid_of_tables_fills_the_screen_in_columns_and_rows(tables, columns, rows):
    shape = grid_shape(tables)
    assert (shape["columns"], shape["rows"]) == (columns, rows)
    assert shape["columns"] * shape["rows"] >= tables


def test_no_hand_reaches_the_projector():
    workshop, table, _ = session_with_table()
    page = projector(workshop)
    hands = game_state(table).hands
    for card in {card for hand in hands for card in hand}:
        assert card not in page


def play_to_the_end(table, players) -> engine.GameState:
    state = game_state(table)
    while state.turn is not None:
        ask = engine.legal_actions(state, state.turn)[0]
        play.table_ask(
            player=players[ask.seat], target=ask.target, card=ask.card, action_id=str(state.seq)
        )
        state = game_state(table)
    return state


def test_after_the_game_it_shows_the_room_ranking_with_places():
    workshop, table, players = session_with_table(("Anna", "Bob"), themes=2, seed=3)
    state = play_to_the_end(table, players)
    page = projector(workshop)
    assert "Uitslag" in page and "De zaal" in page and "2 spelers" in page
    assert 'class="pj-table ' not in page and 'class="pj-table"' not in page  # no table cards
    best = players[engine.winners(state)[0]].name
    assert (
        f'<li class="pj-rank winner"><span class="pj-place">1</span>'
        f'<span class="pj-name" dir="auto">{best}</span>'
    ) in page
    assert reverse("host:debrief", kwargs={"code": workshop.code}) in page


def test_a_table_still_to_start_keeps_the_room_playing_when_the_first_game_ends():
    """One table's game over while another table waits to start with two at it: the
    tables, not the final ranking. A table of one cannot start: it keeps nothing
    waiting. The session's end ends the room's play."""
    workshop, table, players = session_with_table(("Anna", "Bob"), themes=2, seed=3)
    host = workshop.facilitator
    other = seating.table_add(workshop=workshop, by=host)
    seating.bot_add(table=other, level="easy", by=host)
    play_to_the_end(table, players)
    assert "Uitslag" in projector(workshop)  # one at the other table: nothing to come
    seating.bot_add(table=other, level="easy", by=host)
    page = projector(workshop)
    assert 'class="pj-table is-over"' in page and "Uitslag" not in page
    play.workshop_end(workshop=workshop, by=host)
    assert "Uitslag" in projector(workshop)


def test_the_projector_is_for_the_sessions_facilitator_only():
    workshop, _, _ = session_with_table(start=False)
    other = Client()
    other.force_login(facilitator("otto"))
    url = reverse("host:projector", kwargs={"code": workshop.code})
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302
