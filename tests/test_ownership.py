"""The one rule of owned and shared things (innovation_track.ownership): the owner and the
admins change it; whoever it is shared with sees it, and everyone once it is published.
Decks (published or not) and programmes (never published) give the same answers."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cards.models import Deck
from game.models import Programme
from innovation_track.ownership import Owned
from tests.factories import DeckFactory, UserFactory, facilitator

pytestmark = pytest.mark.django_db

DECKS, PROGRAMMES = Owned(published="published"), Owned()


@pytest.fixture
def people():
    return {
        "owner": facilitator("olga"),
        "shared": facilitator("sanne"),
        "other": facilitator("otto"),
        "admin": UserFactory(username="ada", is_superuser=True),
        "nobody": AnonymousUser(),
    }


def a_programme(people) -> Programme:
    programme = Programme.objects.create(owner=people["owner"], name="Overijssel 2027")
    programme.shared_with.add(people["shared"])
    return programme


def a_private_deck(people) -> Deck:
    deck = DeckFactory(owner=people["owner"], published=False)
    deck.shared_with.add(people["shared"])
    return deck


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_the_owner_and_an_admin_may_change_it(people, who):
    """The owner and an admin change a programme and a deck."""
    assert PROGRAMMES.may_change(people[who], a_programme(people))
    assert DECKS.may_change(people[who], a_private_deck(people))


@pytest.mark.parametrize("who", ["shared", "other", "nobody"])
def test_no_one_else_may_change_it_not_even_whom_it_is_shared_with(people, who):
    """Sharing lets someone see a thing, never change it."""
    assert not PROGRAMMES.may_change(people[who], a_programme(people))
    assert not DECKS.may_change(people[who], a_private_deck(people))


def test_whom_it_is_shared_with_sees_it_and_another_facilitator_does_not(people):
    """A shared programme or private deck: seen by whom it is shared with, in the one check
    and in the one query, and by no other facilitator or visitor."""
    programme, deck = a_programme(people), a_private_deck(people)
    for rule, thing in ((PROGRAMMES, programme), (DECKS, deck)):
        things = type(thing).objects.all()
        assert rule.may_see(people["shared"], thing)
        assert list(rule.visible(people["shared"], things)) == [thing]
        for who in ("other", "nobody"):
            assert not rule.may_see(people[who], thing)
            assert list(rule.visible(people[who], things)) == []


def test_a_published_thing_is_seen_by_everyone_even_without_an_account(people):
    """Published opens a deck to every facilitator and visitor; ownerless, it is the
    admins' to change."""
    deck = DeckFactory(owner=None, published=True)
    for who in ("other", "nobody"):
        assert DECKS.may_see(people[who], deck)
        assert list(DECKS.visible(people[who], Deck.objects.all())) == [deck]
        assert not DECKS.may_change(people[who], deck)
    assert DECKS.may_change(people["admin"], deck)
