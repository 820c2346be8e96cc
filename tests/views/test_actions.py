"""The facilitator's dashboard actions: each button's name is an action, and what a
button carries is checked by a form before anything changes."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from game.models import Player, Poll, Table
from game.views.actions import ACTIONS
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


def act(workshop, **data):
    client = Client()
    client.force_login(workshop.facilitator)
    return client.post(
        reverse("host:action", kwargs={"code": workshop.code}),
        data,
        headers={"accept": "application/json"},
    )


def test_every_dashboard_button_is_an_action_and_every_action_has_a_button():
    panel = Path(settings.BASE_DIR, "templates/game/host_panel.html").read_text()
    buttons = set(re.findall(r'name="action" value="(\w+)"', panel))
    assert buttons == set(ACTIONS)


def test_an_unknown_action_is_refused_by_name():
    workshop, _, _ = session_with_table(start=False)
    response = act(workshop, action="launch_rockets")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_type"


@pytest.mark.parametrize("table", ["", "abc", "-1", "999999"])
def test_a_missing_or_strange_table_id_is_not_found(table):
    workshop, _, _ = session_with_table(start=False)
    response = act(workshop, action="start", table=table)
    assert response.json()["code"] == "not_found"
    assert Table.objects.get().status == Table.Status.WAITING


def test_an_unknown_bot_level_is_refused_and_no_bot_is_added():
    workshop, table, _ = session_with_table(start=False)
    response = act(workshop, action="add_bot", table=table.pk, level="genius")
    assert response.json()["code"] == "bad_message"
    assert "genius" in response.json()["message"]
    assert not Player.objects.exclude(bot_level="").exists()


def test_a_bot_is_added_at_the_level_chosen():
    workshop, table, _ = session_with_table(start=False)
    assert act(workshop, action="add_bot", table=table.pk, level="easy").json() == {"ok": True}
    assert Player.objects.get(bot_level__gt="").bot_level == "easy"


@pytest.mark.parametrize(
    ("question", "answers"),
    [("", "Ja\nNee"), ("Vraag?", ""), ("Vraag?", "Alleen ja"), ("x" * 201, "Ja\nNee")],
)
def test_a_bad_poll_is_refused_and_not_created(question, answers):
    workshop, _, _ = session_with_table(start=False)
    response = act(workshop, action="poll_new", question=question, answers=answers)
    assert response.json()["code"] == "bad_poll"
    assert not Poll.objects.exists()


def test_a_new_poll_opens_with_its_answers():
    workshop, _, _ = session_with_table(start=False)
    act(workshop, action="poll_new", question="Koffie?", answers="Ja\n\nNee\n")
    poll = Poll.objects.get()
    assert (poll.question, poll.answers, poll.status) == ("Koffie?", ["Ja", "Nee"], "open")


def test_a_player_of_another_session_cannot_be_moved_or_removed():
    workshop, table, _ = session_with_table(start=False)
    _, _, strangers = session_with_table(start=False)
    for action in ("move", "remove", "replace"):
        response = act(workshop, action=action, player=strangers[0].pk, table=table.pk)
        assert response.json()["code"] == "not_found"
    strangers[0].refresh_from_db()
    assert not strangers[0].removed and strangers[0].table_id is not None


def test_a_player_is_moved_to_another_waiting_table():
    workshop, first, players = session_with_table(start=False)
    assert act(workshop, action="add_table").json() == {"ok": True}
    second = Table.objects.exclude(pk=first.pk).get()
    assert act(workshop, action="move", player=players[0].pk, table=second.pk).json()["ok"]
    players[0].refresh_from_db()
    assert players[0].table_id == second.pk and players[0].seat == 0
