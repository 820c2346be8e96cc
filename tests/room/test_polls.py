"""Polls: the facilitator asks, each phone votes once while the poll is open, and the
counts reach the projector live."""

import pytest
from channels.db import database_sync_to_async as db
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from game.errors import Refused
from game.models import Poll, PollTemplate, Vote
from game.room import polls
from tests.tables import host_socket, player_socket, session_with_table


@pytest.fixture
def game(db):
    return session_with_table(start=False)


def new_poll(workshop, answers=("Ja", "Nee", "Weet niet")):
    poll = polls.poll_create(
        workshop=workshop,
        by=workshop.facilitator,
        question="Gaat u het toepassen?",
        answers=list(answers),
    )
    return polls.poll_open(poll=poll, by=workshop.facilitator)


@pytest.mark.django_db
@pytest.mark.parametrize("answers", [["Ja"], ["a", "b", "c", "d", "e", "f", "g"], ["x" * 121, "b"]])
def test_a_poll_needs_two_to_six_short_answers(game, answers):
    workshop, _, _ = game
    with pytest.raises(Refused) as error:
        polls.poll_create(
            workshop=workshop, by=workshop.facilitator, question="Vraag?", answers=answers
        )
    assert error.value.code == "bad_poll"
    assert not Poll.objects.exists()


@pytest.mark.django_db
def test_each_phone_votes_once(game):
    workshop, _, players = game
    poll = new_poll(workshop)
    polls.poll_vote(player=players[0], poll_id=poll.pk, answer=0)
    polls.poll_vote(player=players[1], poll_id=poll.pk, answer=0)
    polls.poll_vote(player=players[2], poll_id=poll.pk, answer=2)
    with pytest.raises(Refused) as error:
        polls.poll_vote(player=players[0], poll_id=poll.pk, answer=1)
    assert error.value.code == "already_voted"
    assert polls.poll_counts(poll) == [2, 0, 1]


@pytest.mark.django_db
def test_a_closed_poll_refuses_votes(game):
    workshop, _, players = game
    poll = new_poll(workshop)
    polls.poll_close(poll=poll, by=workshop.facilitator)
    with pytest.raises(Refused) as error:
        polls.poll_vote(player=players[0], poll_id=poll.pk, answer=0)
    assert error.value.code == "poll_closed"
    assert not Vote.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("poll_id", "answer", "code"),
    [
        (None, 0, "bad_message"),
        ("1", 0, "bad_message"),
        (999_999, 0, "not_found"),
        ("own", True, "bad_message"),
    ],
)
def test_a_bad_vote_is_refused(game, poll_id, answer, code):
    workshop, _, players = game
    poll = new_poll(workshop)
    with pytest.raises(Refused) as error:
        polls.poll_vote(
            player=players[0], poll_id=poll.pk if poll_id == "own" else poll_id, answer=answer
        )
    assert error.value.code == code
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_an_answer_outside_the_list_is_refused(game):
    workshop, _, players = game
    poll = new_poll(workshop)
    with pytest.raises(Refused):
        polls.poll_vote(player=players[0], poll_id=poll.pk, answer=3)


@pytest.mark.django_db
def test_opening_a_poll_closes_the_one_before(game):
    workshop, _, _ = game
    first = new_poll(workshop)
    second = new_poll(workshop, answers=("A", "B"))
    first.refresh_from_db()
    assert (first.status, second.status) == ("closed", "open")


@pytest.mark.django_db
def test_a_ready_poll_from_the_source_material_can_be_started(game):
    workshop, _, _ = game
    template = PollTemplate.objects.get(question="Hoe bekend bent u met sociale innovatie?")
    client = Client()
    client.force_login(workshop.facilitator)
    client.post(
        reverse("host:action", kwargs={"code": workshop.code}),
        {"action": "poll_ready", "template": template.pk},
    )
    poll = Poll.objects.get()
    assert poll.status == "open" and len(poll.answers) == 4
    page = client.get(reverse("host:projector", kwargs={"code": workshop.code})).content.decode()
    assert "Hoe bekend bent u met sociale innovatie?" in page


@pytest.mark.django_db(transaction=True)
async def test_phones_vote_over_their_socket_and_the_projector_hears_it():
    workshop, _, players = await db(session_with_table)(start=False)
    host = await db(get_user_model().objects.get)(pk=workshop.facilitator_id)
    projector = host_socket(workshop.code, host)
    await projector.connect()
    await projector.receive_json_from()
    phone = player_socket(players[0])
    await phone.connect()
    assert (await phone.receive_json_from())["poll"] is None

    poll = await db(new_poll)(workshop)
    pushed = await phone.receive_json_from()
    assert pushed == {
        "type": "poll",
        "poll": {
            "id": poll.pk,
            "question": "Gaat u het toepassen?",
            "answers": ["Ja", "Nee", "Weet niet"],
            "voted": None,
        },
    }
    assert (await projector.receive_json_from())["poll"] is True

    await phone.send_json_to({"type": "vote", "poll": poll.pk, "answer": 1})
    replies = [await phone.receive_json_from(), await phone.receive_json_from()]
    assert {"type": "voted", "poll": poll.pk} in replies
    assert any(r.get("type") == "poll" and r["poll"]["voted"] == 1 for r in replies)
    assert (await projector.receive_json_from())["poll"] is True
    await phone.send_json_to({"type": "vote", "poll": poll.pk, "answer": 0})
    assert (await phone.receive_json_from())["code"] == "already_voted"
    assert await db(polls.poll_counts)(poll) == [0, 1, 0]
    await phone.disconnect()
    await projector.disconnect()
