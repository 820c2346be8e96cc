"""The dashboard shows a table stuck on a player who left, lets a bot stand in, and
sets when a player counts as away, when a bot stands in and when a nudge comes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from game.models import Player, Workshop
from game.table import away
from tests.tables import cookie_for, game_state, session_with_table
from tests.views.test_actions import act

pytestmark = pytest.mark.django_db


def panel(workshop) -> str:
    client = Client()
    client.force_login(workshop.facilitator)
    return client.get(reverse("host:panel", kwargs={"code": workshop.code})).content.decode()


def test_the_dashboard_flags_the_table_waiting_for_a_player_who_left():
    workshop, table, _ = session_with_table(away_after=60)
    anna = Player.objects.get(table=table, seat=game_state(table).turn)
    assert "De tafel wacht op" not in panel(workshop)
    away.scan(now=timezone.now() + timedelta(seconds=61))
    html = panel(workshop)
    assert f"De tafel wacht op <bdi>{anna.name}</bdi>." in html
    assert 'value="stand_in"' in html
    response = act(workshop, action="stand_in", player=anna.pk)
    assert response.status_code == 200, response.content
    anna.refresh_from_db()
    assert anna.stand_in
    html = panel(workshop)
    assert "De tafel wacht op" not in html  # a bot plays: the table goes on
    assert "weg · bot speelt" in html


def test_a_player_without_connection_is_marked_offline():
    workshop, _table, players = session_with_table()
    Player.objects.filter(pk=players[0].pk).update(seen=timezone.now() - timedelta(minutes=5))
    assert panel(workshop).count(">offline<") == 1


def test_the_facilitator_sets_the_timing_of_the_session():
    workshop, _, _ = session_with_table()
    response = act(workshop, action="timing", away_after=90, stand_in_after=180, nudge_after=0)
    assert response.status_code == 200, response.content
    workshop.refresh_from_db()
    assert (workshop.away_after, workshop.stand_in_after, workshop.nudge_after) == (90, 180, 0)


@pytest.mark.parametrize(
    "values",
    [
        {"away_after": 5, "stand_in_after": 0, "nudge_after": 0},  # would flag present phones
        {"away_after": 60, "stand_in_after": -1, "nudge_after": 0},
        {"away_after": 60, "stand_in_after": 0, "nudge_after": 9999},
        {"away_after": "soon", "stand_in_after": 0, "nudge_after": 0},
        {"away_after": 60},
    ],
)
def test_bad_timing_is_refused_and_changes_nothing(values):
    workshop, _, _ = session_with_table()
    before = Workshop.objects.values("away_after", "stand_in_after", "nudge_after").get()
    response = act(workshop, action="timing", **values)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_message"
    assert Workshop.objects.values("away_after", "stand_in_after", "nudge_after").get() == before


def test_a_player_cannot_stand_a_bot_in_for_someone():
    workshop, _table, players = session_with_table()
    phone = Client()
    phone.cookies.load(cookie_for(players[1]).decode())
    response = phone.post(
        reverse("host:action", kwargs={"code": workshop.code}),
        {"action": "stand_in", "player": players[0].pk},
    )
    assert response.status_code in (302, 403)
    assert not Player.objects.filter(stand_in=True).exists()


@pytest.mark.parametrize("away_after", [40, 60])
def test_the_table_waits_at_the_sessions_away_time_and_not_before(away_after):
    """Issue 31, item 1: a player who left was flagged "De tafel wacht op …" about 26 s
    after their phone closed (the dashboard's "offline", two missed presence refreshes),
    where the session's away time was 60 s."""
    workshop, table, _ = session_with_table(away_after=away_after)
    anna = Player.objects.get(table=table, seat=game_state(table).turn)

    def unseen_for(seconds: float) -> str:
        Player.objects.filter(pk=anna.pk).update(seen=timezone.now() - timedelta(seconds=seconds))
        return panel(workshop)

    html = unseen_for(30)
    assert ">offline<" in html  # the seat says the phone is gone ...
    assert "De tafel wacht op" not in html  # ... but the table does not wait yet
    assert "De tafel wacht op" not in unseen_for(away_after - 3)
    assert f"De tafel wacht op <bdi>{anna.name}</bdi>." in unseen_for(away_after + 1)


def test_the_banner_goes_at_once_when_a_bot_stands_in():
    """Issue 31, item 2: after "Bot laten spelen" the banner stayed beside the badge."""
    workshop, table, _ = session_with_table(away_after=60)
    anna = Player.objects.get(table=table, seat=game_state(table).turn)
    Player.objects.filter(pk=anna.pk).update(seen=timezone.now() - timedelta(seconds=90))
    assert "De tafel wacht op" in panel(workshop)
    assert act(workshop, action="stand_in", player=anna.pk).status_code == 200
    html = panel(workshop)  # the bot has not moved yet: the turn is still hers
    assert "weg · bot speelt" in html and "De tafel wacht op" not in html
