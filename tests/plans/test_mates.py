"""Plan mates: one or two people of the player's table who follow the plan with them,
only when both say yes on their own phone; either may undo. Every wrong ask is refused
with a clear message and changes nothing."""

import json
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from game.errors import Refused
from game.followups.consent import contact_set, contact_stop
from game.models import PlanMate, Workshop
from game.plans import mates as mates_module
from game.plans.mates import agreed_mates, mate_answer, mate_ask, mate_undo, table_mates
from game.room import sessions
from game.room.privacy import workshop_forget_people, workshops_purge
from game.table import play
from tests.plans.builders import host_client, phone_of
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def table():
    """Four people at one table, each with an address (mates need one)."""
    workshop, _table, people = session_with_table(("Anna", "Bob", "Cees", "Dirk"), themes=3)
    for person in people:
        contact_set(player=person, email=f"{person.name.lower()}@example.org", consent=True)
    return workshop, people


def refused(code, call, **kwargs):
    before = list(PlanMate.objects.values_list("asker", "mate", "agreed"))
    with pytest.raises(Refused) as caught:
        call(**kwargs)
    assert caught.value.code == code
    assert list(PlanMate.objects.values_list("asker", "mate", "agreed")) == before
    return caught.value


def test_a_pairing_holds_only_when_both_say_yes(table):
    _workshop, (anna, bob, *_) = table
    mate_ask(player=anna, other_id=bob.pk)
    assert agreed_mates(anna.pk) == [] and agreed_mates(bob.pk) == []
    assert next((m.player.name, m.state) for m in table_mates(bob)) == ("Anna", "asks_you")
    assert next((m.player.name, m.state) for m in table_mates(anna)) == ("Bob", "asked")
    mate_answer(player=bob, other_id=anna.pk, yes=True)
    assert agreed_mates(anna.pk) == [bob] and agreed_mates(bob.pk) == [anna]
    assert {m.player.name: m.state for m in table_mates(anna)}["Bob"] == "mates"


def test_asking_someone_who_asked_you_is_your_yes(table):
    _workshop, (anna, bob, *_) = table
    mate_ask(player=anna, other_id=bob.pk)
    mate_ask(player=bob, other_id=anna.pk)
    assert agreed_mates(anna.pk) == [bob]


def test_no_removes_the_ask_and_either_side_may_undo(table):
    _workshop, (anna, bob, cees, _) = table
    mate_ask(player=anna, other_id=bob.pk)
    mate_answer(player=bob, other_id=anna.pk, yes=False)
    assert not PlanMate.objects.exists()
    mate_ask(player=anna, other_id=cees.pk)
    mate_answer(player=cees, other_id=anna.pk, yes=True)
    mate_undo(player=cees, other_id=anna.pk)  # the one who was asked undoes it
    assert agreed_mates(anna.pk) == [] and not PlanMate.objects.exists()


def test_asking_twice_or_yourself_or_a_third_mate_is_refused(table):
    _workshop, (anna, bob, cees, dirk) = table
    mate_ask(player=anna, other_id=bob.pk)
    message = refused("mate_twice", mate_ask, player=anna, other_id=bob.pk).message("nl")
    assert "Bob" in message
    refused("mate_self", mate_ask, player=anna, other_id=anna.pk)
    mate_ask(player=anna, other_id=cees.pk)
    refused("mates_full", mate_ask, player=anna, other_id=dirk.pk)
    # Saying yes to an ask that is not there is refused too.
    refused("mate_no_ask", mate_answer, player=dirk, other_id=anna.pk, yes=True)


def test_someone_at_another_table_or_in_another_session_cannot_be_asked(table):
    workshop, (anna, *_) = table
    other_table = sessions.player_join(code=workshop.code, name="Els")  # not seated
    refused("mate_not_at_table", mate_ask, player=anna, other_id=other_table.pk)
    _other, _t, (stranger, *_rest) = session_with_table(("Zoë", "Yara"), themes=3)
    assert "sessie" in refused(
        "mate_not_found", mate_ask, player=anna, other_id=stranger.pk
    ).message("nl")
    refused("mate_not_found", mate_ask, player=anna, other_id=10**9)


def test_asking_needs_your_own_address_and_one_that_was_not_erased(table):
    _workshop, (anna, bob, cees, _) = table
    contact_set(player=anna, email="", consent=False)  # took her address back
    refused("mate_needs_address", mate_ask, player=anna, other_id=bob.pk)
    contact_stop(player=cees)  # stopped the mails: the address is erased
    refused("mate_unreachable", mate_ask, player=bob, other_id=cees.pk)
    # An ask made before the asker erased their address cannot be said yes to.
    contact_set(player=anna, email="anna@example.org", consent=True)
    mate_ask(player=anna, other_id=bob.pk)
    contact_stop(player=anna)
    refused("mate_unreachable", mate_answer, player=bob, other_id=anna.pk, yes=True)


def test_a_mate_who_erased_their_address_drops_out_of_the_follow_ups(table):
    _workshop, (anna, bob, *_) = table
    mate_ask(player=anna, other_id=bob.pk)
    mate_answer(player=bob, other_id=anna.pk, yes=True)
    contact_stop(player=bob)
    assert agreed_mates(anna.pk) == []


def test_after_the_grace_period_no_mate_can_be_asked(table):
    workshop, (anna, bob, *_) = table
    play.workshop_end(workshop=workshop, by=workshop.facilitator)
    Workshop.objects.filter(pk=workshop.pk).update(ended=timezone.now() - timedelta(days=8))
    refused("plans_closed", mate_ask, player=anna, other_id=bob.pk)


def test_deleting_the_sessions_people_removes_the_mates(table):
    workshop, (anna, bob, cees, _) = table
    mate_ask(player=anna, other_id=bob.pk)
    mate_answer(player=bob, other_id=anna.pk, yes=True)
    mate_ask(player=cees, other_id=anna.pk)
    workshop_forget_people(workshop=workshop, by=workshop.facilitator)
    assert not PlanMate.objects.exists()


def test_purging_old_sessions_removes_their_mates(table):
    workshop, (anna, bob, *_) = table
    mate_ask(player=anna, other_id=bob.pk)
    Workshop.objects.filter(pk=workshop.pk).update(
        created=timezone.now() - timedelta(days=400), followup_weeks_1=0, followup_weeks_2=0
    )
    assert workshops_purge(older_than_days=365) == 1
    assert not PlanMate.objects.exists()


# --- the phone's requests ---------------------------------------------------------------


def post(client, body):
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(reverse("plan_mates"), raw, content_type="application/json")


def test_the_phone_asks_and_the_other_phone_says_yes(table):
    _workshop, (anna, bob, *_) = table
    state = post(phone_of(anna), {"action": "ask", "player": bob.pk}).json()
    assert {m["name"]: m["state"] for m in state["mates"]}["Bob"] == "asked"
    seen = phone_of(bob).get(reverse("plan_mates")).json()
    assert {m["name"]: m["state"] for m in seen["mates"]}["Anna"] == "asks_you"
    state = post(phone_of(bob), {"action": "yes", "player": anna.pk}).json()
    assert {m["name"]: m["state"] for m in state["mates"]}["Anna"] == "mates"
    # The plan page carries the same state for its first drawing.
    page = phone_of(anna).get(reverse("plan"))
    assert b'"state": "mates"' in page.content and b"plan_mates.js" in page.content


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        {"action": "marry", "player": 1},
        {"action": "ask", "player": "2"},
        {"action": "ask", "player": True},
        {"action": "ask", "player": 1, "extra": 1},
        {"action": "ask"},
        '{"action": "ask", "player": 1, "x": ' + "[" * 60 + "]" * 60 + "}",
    ],
)
def test_malformed_requests_are_refused_and_change_nothing(table, body):
    _workshop, (anna, *_) = table
    response = post(phone_of(anna), body)
    assert response.status_code == 400 and response.json()["message"]
    assert not PlanMate.objects.exists()


def test_no_player_no_mates_and_a_facilitator_sees_counts_only(table):
    workshop, (anna, bob, *_) = table
    assert post(phone_of(anna).__class__(), {"action": "ask", "player": bob.pk}).status_code == 403
    mate_ask(player=anna, other_id=bob.pk)
    mate_answer(player=bob, other_id=anna.pk, yes=True)
    # The dashboard shows nothing of who follows whom.
    page = host_client(workshop).get(reverse("host:session", kwargs={"code": workshop.code}))
    assert b"plan mate" not in page.content.lower() and b"planma" not in page.content.lower()


def test_one_row_a_pair_whoever_asked(table):
    _workshop, (anna, bob, *_) = table
    PlanMate.objects.create(asker=anna, mate=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanMate.objects.create(asker=bob, mate=anna)


def test_two_phones_asking_each_other_at_the_same_moment_make_one_pair(table, monkeypatch):
    """Bob's ask lands between Anna's look for one and her own ask being written."""
    _workshop, (anna, bob, *_) = table
    erased = mates_module._erased

    def bob_asks_meanwhile(player_id):
        if not PlanMate.objects.exists():
            PlanMate.objects.create(asker=bob, mate=anna)
        return erased(player_id)

    monkeypatch.setattr(mates_module, "_erased", bob_asks_meanwhile)
    mate_ask(player=anna, other_id=bob.pk)
    assert PlanMate.objects.count() == 1
    assert agreed_mates(anna.pk) == [bob] and agreed_mates(bob.pk) == [anna]
