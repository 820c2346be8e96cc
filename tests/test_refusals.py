"""Refusals (game/errors.py): the engine gives a code and parameters, the message is
Django's gettext, so a new language needs only its catalogue (locale/*/django.po)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

from game.engine import IllegalAction, InvalidSetup
from game.engine.errors import CODES
from game.errors import MESSAGES, Refused

ROOT = Path(settings.BASE_DIR)


def test_every_code_of_the_engine_has_a_message():
    assert CODES - set(MESSAGES) == set()


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_refusal_message_is_translated_through_the_catalogue(code):
    assert isinstance(MESSAGES[code], Promise)
    with translation.override("en"):
        english = str(MESSAGES[code])
    with translation.override("nl"):
        assert str(MESSAGES[code]) != english


def test_no_refusal_text_of_another_language_is_written_out_in_python():
    """The Dutch texts live in the Dutch catalogue only, not in Python next to English."""
    with translation.override("nl"):
        dutch = [str(message) for message in MESSAGES.values()]
    sources = [path.read_text() for path in (ROOT / "game").rglob("*.py")]
    found = [text for text in dutch if any(text in source for source in sources)]
    assert found == []


def test_a_refusal_speaks_the_language_it_is_asked_in():
    refusal = Refused("name_taken", name="Anna")
    assert (
        refusal.message("en")
        == "Someone in this session is already called Anna; choose another name."
    )
    assert refusal.message("nl") == "Iemand in deze sessie heet al Anna; kies een andere naam."


def test_a_refusal_without_a_language_speaks_the_active_one():
    with translation.override("en"):
        assert Refused("paused").message() == "The game is paused."
    assert Refused("paused").message() == "Het spel is gepauzeerd."  # the site's: Dutch


def test_a_language_without_a_catalogue_gets_the_sites_language():
    assert Refused("paused").message("de") == "Het spel is gepauzeerd."


def test_a_refusal_quotes_what_a_client_sent_as_python_shows_it():
    assert Refused("unknown_type", kind="hop").message("en") == "Unknown message type 'hop'."
    assert (
        Refused("bad_seed", seed="x").message("nl")
        == "De seed moet een geheel getal zijn, niet 'x'."
    )


def test_an_engine_refusal_is_a_code_and_its_parameters():
    refusal = Refused.from_engine(IllegalAction("unknown_card", card="x9"))
    assert (refusal.code, refusal.params) == ("unknown_card", {"card": "x9"})
    assert refusal.message("nl") == "De kaart x9 zit niet in dit spel."
    assert refusal.message("en") == "There is no card x9 in this deck."


def test_the_engine_refuses_a_code_it_does_not_declare():
    with pytest.raises(KeyError):
        InvalidSetup("game_over")  # a refused action's code, not a setup's
