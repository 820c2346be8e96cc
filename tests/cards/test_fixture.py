"""The product's deck: the booklet's 5 themes and 20 cards, loaded idempotently."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cards.models import Card, CardLink, Deck

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "innovation-on-track.json"
# The game's booklet, the deck's source (../shared/seeds/000_…txt), kept beside the deck.
BOOKLET = Path(settings.BASE_DIR) / "fixtures" / "innovation-on-track-booklet.txt"

TITLES = {
    "Netwerk": [
        "Samenwerking onderwijs en bedrijven",
        "Co-creatie",
        "Kruisbestuiving",
        "Broedplaats",
    ],
    "Beleven": ["Proeverij", "Maatwerkadvies", "Laboratorium", "Spel"],
    "Kennisoverdracht": [
        "Nieuwe leiders",
        "Synergie in onderwijs",
        "'Tweetalige' masterclass",
        "Good practices 3.0",
    ],
    "Geld": [
        "Integratie subsidiecriteria",
        "Innovatiesucces",
        "Less is more",
        "Slimmer geld verdelen in de regio",
    ],
    "Beleid": [
        "Regionale 'vuurtorens'",
        "Innovatieparagraaf in regionaal actieplan",
        "Beleidsterreinen koppelen",
        "Sociale partners slaan handen ineen",
    ],
}


@pytest.fixture
def deck() -> Deck:
    call_command("import_deck", FIXTURE, "--skip-existing")
    return Deck.objects.get(slug="innovation-on-track")


def test_the_deck_has_the_booklets_five_themes_in_order(deck):
    assert list(deck.themes.values_list("name", flat=True)) == list(TITLES)
    assert deck.is_playable


def test_the_deck_has_the_twenty_cards_with_their_titles(deck):
    for theme in deck.themes.all():
        assert list(theme.cards.values_list("title", flat=True)) == TITLES[theme.name]
    assert Card.objects.filter(theme__deck=deck).count() == 20


def test_every_card_has_its_call_to_action_and_example(deck):
    co_creatie = Card.objects.get(title="Co-creatie")
    assert co_creatie.call_to_action.startswith("Betrek bij de ontwikkeling van nieuwe producten")
    assert co_creatie.example.startswith("Ikea is een voorbeeld van een bedrijf")
    assert all(card.call_to_action and card.example for card in Card.objects.all())


def test_the_known_blemishes_are_mended(deck):
    texts = json.dumps(json.loads(FIXTURE.read_text(encoding="utf-8")), ensure_ascii=False)
    assert "**" not in "".join(Card.objects.values_list("title", flat=True))
    assert "Beleidssterreinen koppelen" not in texts
    assert "(#)" not in texts
    beleid_4 = Card.objects.get(theme__slug="beleid", number=4)
    assert "dit onderzoek" in beleid_4.example


def test_tips_and_links_are_carried(deck):
    assert Card.objects.get(title="Slimmer geld verdelen in de regio").tip.startswith("Breng")
    rdm = Card.objects.get(title="Samenwerking onderwijs en bedrijven")
    assert list(rdm.links.values_list("url", flat=True)) == [
        "http://www.rdmcampus.nl",
        "http://www.tno.nl/mkb-rijnmond",
    ]


def test_every_link_of_the_booklets_cards_is_in_the_deck(deck):
    card_pages = BOOKLET.read_text(encoding="utf-8").split("\n# Netwerk", 1)[1]
    booklet_urls = set(re.findall(r"\]\((https?://[^)]+)\)", card_pages))
    deck_urls = set(CardLink.objects.values_list("url", flat=True))
    assert booklet_urls == deck_urls


def test_the_about_text_is_the_booklets_introduction(deck):
    assert "## 1 + 1 = 4" in deck.about
    assert "Speel het spel in uw regio" in deck.about
    assert "Ieder een eigen stap" in deck.about


def test_loading_twice_changes_nothing(deck):
    call_command("import_deck", FIXTURE, "--skip-existing")
    assert Deck.objects.count() == 1
    assert Card.objects.count() == 20
