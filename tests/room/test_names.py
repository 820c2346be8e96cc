"""A player's name is shown to the whole room: it is normalised when they join, and a
name that only looks like one already taken in the session is refused."""

import pytest

from game.errors import Refused
from game.models import Player, Workshop
from game.room import seating, sessions
from tests.factories import facilitator, playable_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def code() -> str:
    workshop = sessions.workshop_create(facilitator=facilitator(), name="S", deck=playable_deck())
    return workshop.code


def fullwidth(text: str) -> str:
    """The text in fullwidth letters (U+FF21 ...), as East Asian keyboards type them."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def refused_code(code: str, name: str) -> str:
    with pytest.raises(Refused) as refusal:
        sessions.player_join(code=code, name=name)
    return refusal.value.code


@pytest.mark.parametrize(
    "name",
    [
        "\u200b\u200b\u200b",  # zero-width spaces
        "\u200c\u200d\u2060\ufeff",  # zero-width (non-)joiner, word joiner, BOM
        "\u202e",  # right-to-left override
        "\u2066\u2067\u2068\u2069",  # the isolates
        "\x00\x07\x1b",  # control characters
        "\u3164\u3164",  # Hangul filler: a letter that shows as nothing
        " \u200b \t ",
    ],
)
def test_it_refuses_a_name_with_nothing_visible_in_it(code, name):
    assert refused_code(code, name) == "bad_name"
    assert not Player.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Eve\u202egnp.exe", "Evegnp.exe"),  # the override would show "Eveexe.png"
        ("\u2067Bob\u2069", "Bob"),
        ("An\u200bna", "Anna"),
        ("Cees\x00\x1b[31m", "Cees[31m"),
        (fullwidth("Dirk"), "Dirk"),
        ("Jan\tde\nVries", "Jan de Vries"),
    ],
)
def test_it_stores_the_name_without_controls_and_in_nfkc(code, typed, stored):
    assert sessions.player_join(code=code, name=typed).name == stored


def test_it_measures_the_length_after_normalising(code):
    assert sessions.player_join(code=code, name="A" * 30 + "\u200b" * 20).name == "A" * 30
    assert refused_code(code, "B" * 30 + "\u00bd") == "bad_name"  # NFKC: 3 characters


@pytest.mark.parametrize(
    "look_alike", ["ANNA", "anna", "An\u200bna", fullwidth("Anna"), fullwidth("ANNA"), " Anna "]
)
def test_it_refuses_a_look_alike_of_a_name_taken_in_the_session(code, look_alike):
    sessions.player_join(code=code, name="Anna")
    assert refused_code(code, look_alike) == "name_taken"
    assert list(Player.objects.values_list("name", flat=True)) == ["Anna"]


def test_a_removed_players_name_can_be_taken_again(code):
    Player.objects.filter(pk=sessions.player_join(code=code, name="Anna").pk).update(removed=True)
    assert sessions.player_join(code=code, name=fullwidth("ANNA")).name == "ANNA"


def test_the_same_name_may_be_used_in_another_session(code):
    sessions.player_join(code=code, name="Anna")
    other = sessions.workshop_create(
        facilitator=facilitator("other"), name="T", deck=playable_deck()
    )
    assert sessions.player_join(code=other.code, name="An\u200bna").name == "Anna"


def test_a_bot_takes_the_next_name_when_a_person_joined_as_a_look_alike_of_bot_1(code):
    sessions.player_join(code=code, name="bot 1")
    sessions.player_join(code=code, name="Cees")
    workshop = Workshop.objects.get(code=code)
    (table,) = seating.tables_arrange(workshop=workshop, by=workshop.facilitator)
    bot = seating.bot_add(table=table, level="easy", by=workshop.facilitator)
    assert bot.name == "Bot 2"
