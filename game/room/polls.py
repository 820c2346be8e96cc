"""Short multiple-choice polls in a session: the facilitator asks, phones vote once,
the projector shows live bars."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction

from game.errors import Refused
from game.models import Player, Poll, PollTemplate, Vote, Workshop
from game.realtime import live
from game.room.accounts import check_runs

MIN_ANSWERS, MAX_ANSWERS = 2, 6


def _changed(workshop_id: int) -> None:
    transaction.on_commit(lambda: live.publish_poll(workshop_id))


def poll_create(
    *, workshop: Workshop, by: AbstractBaseUser, question: str, answers: list[str]
) -> Poll:
    check_runs(by, workshop)
    question = " ".join(question.split())
    answers = [" ".join(answer.split()) for answer in answers if answer.strip()]
    if not 1 <= len(question) <= 200:
        raise Refused("bad_poll")
    if not MIN_ANSWERS <= len(answers) <= MAX_ANSWERS or any(len(a) > 120 for a in answers):
        raise Refused("bad_poll")
    return Poll.objects.create(workshop=workshop, question=question, answers=answers)


def poll_from_template(*, workshop: Workshop, by: AbstractBaseUser, template: PollTemplate) -> Poll:
    return poll_create(
        workshop=workshop, by=by, question=template.question, answers=template.answer_list()
    )


def poll_open(*, poll: Poll, by: AbstractBaseUser) -> Poll:
    """Open a poll for voting; any other open poll of the session closes."""
    check_runs(by, poll.workshop)
    with transaction.atomic():
        Poll.objects.filter(workshop=poll.workshop, status=Poll.Status.OPEN).exclude(
            pk=poll.pk
        ).update(status=Poll.Status.CLOSED)
        poll.status = Poll.Status.OPEN
        poll.save(update_fields=["status"])
        _changed(poll.workshop_id)
    return poll


def poll_close(*, poll: Poll, by: AbstractBaseUser) -> Poll:
    check_runs(by, poll.workshop)
    with transaction.atomic():
        poll.status = Poll.Status.CLOSED
        poll.save(update_fields=["status"])
        _changed(poll.workshop_id)
    return poll


def poll_vote(*, player: Player, poll_id: Any, answer: Any) -> Vote:
    """One vote per phone, while the poll is open."""
    if not isinstance(poll_id, int) or not isinstance(answer, int) or isinstance(answer, bool):
        raise Refused("bad_message", detail="poll and answer must be numbers")
    poll = Poll.objects.filter(pk=poll_id, workshop_id=player.workshop_id).first()
    if poll is None:
        raise Refused("not_found")
    if poll.status != Poll.Status.OPEN:
        raise Refused("poll_closed")
    if not 0 <= answer < len(poll.answers):
        raise Refused("bad_message", detail="no such answer")
    try:
        with transaction.atomic():
            vote = Vote.objects.create(poll=poll, player=player, answer=answer)
            _changed(poll.workshop_id)
    except IntegrityError:
        raise Refused("already_voted") from None
    return vote


def poll_counts(poll: Poll) -> list[int]:
    counts = [0] * len(poll.answers)
    for answer in poll.votes.values_list("answer", flat=True):
        counts[answer] += 1
    return counts


def open_poll_for(player: Player) -> dict[str, Any] | None:
    """The session's open poll as a phone sees it, with the phone's own vote: one plain
    statement, as every phone of a room asks it when it reconnects."""
    q = connection.ops.quote_name
    answers = Poll._meta.get_field("answers")
    sql = (
        f"SELECT p.{q('id')}, p.{q('question')}, p.{q('answers')},"
        f" v.{q('answer')} FROM {q(Poll._meta.db_table)} p LEFT JOIN"
        f" {q(Vote._meta.db_table)} v ON v.{q('poll_id')} = p.{q('id')} AND"
        f" v.{q('player_id')} = %s WHERE p.{q('workshop_id')} = %s AND"
        f" p.{q('status')} = %s ORDER BY p.{q('id')} DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [player.pk, player.workshop_id, Poll.Status.OPEN])
        row = cursor.fetchone()
    if row is None:
        return None
    poll_id, question, values, voted = row
    values = answers.from_db_value(values, None, connection)
    return {"id": poll_id, "question": question, "answers": values, "voted": voted}
