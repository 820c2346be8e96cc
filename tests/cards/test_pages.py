"""The public deck pages: "De kaarten" and a card, in Dutch and in English."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CardLinkFactory, client_speaking, playable_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck():
    deck = playable_deck(themes=2, name="Innovation on Track", slug="innovation-on-track")
    first = deck.themes.first()
    first.name, first.colour = "Geld", "#8a5a00"
    first.save()
    card = first.cards.get(number=3)
    card.title = "Less is more"
    card.call_to_action = "Stimuleer slimmer werken."
    card.example = "Eerste alinea.\n\nTweede alinea."
    card.tip = "Kijk verder dan de subsidie."
    card.save()
    CardLinkFactory(card=card, label="www.ncsi.nl", url="http://www.ncsi.nl")
    return deck


def get(url: str, language: str = "nl"):
    return client_speaking(language).get(url, follow=True)


def test_the_deck_page_shows_each_theme_in_its_colour_with_four_cards(deck):
    page = get(reverse("cards:deck", kwargs={"deck": deck.slug})).content.decode()
    assert "--theme: #8a5a00" in page
    assert page.count('class="card-tile"') == 8
    assert "Less is more" in page


def test_the_deck_page_speaks_dutch_by_default(deck):
    page = get(reverse("cards:deck", kwargs={"deck": deck.slug})).content.decode()
    assert "<h1>De kaarten</h1>" in page
    assert '<html lang="nl">' in page


def test_the_deck_page_speaks_english_when_asked(deck):
    page = get(reverse("cards:deck", kwargs={"deck": deck.slug}), "en").content.decode()
    assert "<h1>The cards</h1>" in page
    assert '<html lang="en">' in page


def test_a_browser_set_to_english_still_gets_dutch_until_english_is_chosen(deck):
    client = Client(headers={"accept-language": "en-GB,en;q=0.9"})
    page = client.get(reverse("cards:deck", kwargs={"deck": deck.slug})).content.decode()
    assert "<h1>De kaarten</h1>" in page


def test_the_language_switch_remembers_english(deck):
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/kaarten/"})
    page = client.get(reverse("cards:deck", kwargs={"deck": deck.slug})).content.decode()
    assert "<h1>The cards</h1>" in page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_card_page_shows_the_full_card_and_its_theme(deck, language):
    card = deck.themes.first().cards.get(number=3)
    response = get(card.get_absolute_url(), language)
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Less is more", "Stimuleer slimmer werken.", "Eerste alinea.", "Tweede alinea."):
        assert text in page
    assert "Kijk verder dan de subsidie." in page
    assert 'href="http://www.ncsi.nl"' in page
    assert [s.title for s in response.context["siblings"]] == [
        c.title for c in deck.themes.first().cards.all()
    ]
    heading = {"nl": "De andere kaarten van Geld", "en": "The other cards of Geld"}[language]
    assert heading in page


def test_card_text_is_escaped(deck):
    card = deck.themes.last().cards.first()
    card.title = "<script>alert(1)</script>"
    card.save()
    page = get(card.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_an_unknown_card_is_not_found(deck):
    url = reverse("cards:card", kwargs={"deck": deck.slug, "theme": "geld", "number": 9})
    assert Client().get(url).status_code == 404


def test_the_home_page_leads_to_the_default_deck(deck):
    page = Client().get("/").content.decode()
    assert f'href="{deck.get_absolute_url()}"' in page
    assert Client().get(reverse("cards:deck_default")).url == deck.get_absolute_url()


def test_the_about_page_renders_the_introduction(deck):
    deck.about = "## 1 + 1 = 4\n\nHet NCSI ziet **veel** meerwaarde."
    deck.save()
    page = get(reverse("cards:about", kwargs={"deck": deck.slug})).content.decode()
    assert "<h2>1 + 1 = 4</h2>" in page
    assert "<strong>veel</strong>" in page


def test_a_quartet_page_shows_the_four_calls_to_action(deck):
    theme = deck.themes.first()
    page = get(reverse("cards:theme", kwargs={"deck": deck.slug, "theme": theme.slug}))
    text = page.content.decode()
    assert page.status_code == 200
    for card in theme.cards.all():
        assert card.call_to_action in text


def test_a_card_fragment_is_just_the_card_for_the_game_dialog(deck):
    card = deck.themes.first().cards.get(number=3)
    text = get(card.get_absolute_url() + "?fragment=1").content.decode()
    assert text.lstrip().startswith("<article")
    assert "Less is more" in text and "<html" not in text
