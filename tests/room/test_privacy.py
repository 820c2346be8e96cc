"""Personal data: deleting a session's names, plans and votes; purging old sessions."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from game.models import ActionReceipt, PlanItem, Player, Table, TableEvent, Vote, Workshop
from game.plans.services import plan_save
from game.table import play
from tests.plans.builders import host_client, item
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def game():
    """A session with one started table of three players, on a deck of three themes."""
    return session_with_table(themes=3)


def personal_rows(workshop) -> int:
    return (
        Player.objects.filter(workshop=workshop).count()
        + PlanItem.objects.filter(player__workshop=workshop).count()
        + Vote.objects.filter(poll__workshop=workshop).count()
        + ActionReceipt.objects.filter(player__workshop=workshop).count()
    )


def test_the_facilitator_deletes_every_name_plan_and_vote(game):
    from game import engine
    from tests.tables import game_state

    workshop, table, players = game
    state = game_state(table)
    ask = engine.legal_actions(state, state.turn)[0]
    play.table_ask(player=players[ask.seat], target=ask.target, card=ask.card, action_id="a")
    plan_save(player=players[0], items=[item("thema-1-1")])
    other_workshop, _, other_players = session_with_table(("Zoë", "Yara"))
    plan_save(player=other_players[0], items=[item("thema-1-1")])
    assert personal_rows(workshop) > 3

    response = host_client(workshop).post(
        reverse("host:action", kwargs={"code": workshop.code}), {"action": "forget_people"}
    )
    assert response.status_code == 302
    assert personal_rows(workshop) == 0
    names = {"Anna", "Bob", "Cees"}
    leftovers = [e.data for e in TableEvent.objects.filter(table__workshop=workshop)]
    assert not any(name in json.dumps(leftovers) for name in names)
    assert personal_rows(other_workshop) == 3  # another session is untouched


def test_old_sessions_are_purged_completely(game):
    workshop, _, players = game
    plan_save(player=players[0], items=[item("thema-1-1")])
    recent, _, _ = session_with_table(("Zoë",), start=False)
    Workshop.objects.filter(pk=workshop.pk).update(created=timezone.now() - timedelta(days=31))
    out = io.StringIO()
    call_command("purge_sessions", "--days", "30", stdout=out)
    assert "Deleted 1 session(s)" in out.getvalue()
    assert not Workshop.objects.filter(pk=workshop.pk).exists()
    assert not Table.objects.filter(workshop_id=workshop.pk).exists()
    assert personal_rows(workshop) == 0
    assert Workshop.objects.filter(pk=recent.pk).exists()


def test_purging_deletes_the_deck_versions_only_purged_sessions_played():
    """A version no session plays any more goes; the newest of a deck stays for the next
    session, and a version a session still plays stays with it."""
    from cards.models import Deck
    from cards.studio import deck_version_for_session
    from game.room import sessions
    from tests.factories import facilitator, playable_deck

    host = facilitator("purger")
    deck = playable_deck(themes=2)
    old = sessions.workshop_create(facilitator=host, name="Oud", deck=deck)
    card = deck.themes.first().cards.first()
    card.title = "Nieuw"
    card.save()
    kept = sessions.workshop_create(facilitator=host, name="Nieuw", deck=deck)
    card.title = "Nog nieuwer"
    card.save()
    newest = deck_version_for_session(deck=deck)  # no session plays it yet
    Workshop.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=31))
    call_command("purge_sessions", "--days", "30", stdout=io.StringIO())
    assert set(Deck.objects.filter(source=deck).values_list("version", flat=True)) == {2, 3}
    assert kept.deck.version == 2 and newest.version == 3
