"""A session's settings: changing them makes the dashboard look again, once they are saved."""

import pytest

from game.room import sessions
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


def test_new_timing_makes_the_dashboard_look_again_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    workshop, _, _ = session_with_table(start=False)
    looks = []
    monkeypatch.setattr("game.room.sessions.live.publish_dashboard", looks.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sessions.workshop_set_timing(workshop=workshop, by=workshop.facilitator, nudge_after=60)
    assert looks == []
    for callback in callbacks:
        callback()
    assert looks == [workshop.pk]
