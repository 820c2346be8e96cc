"""A deck on paper: the print page shows every card (or the chosen ones) as a playing card
with its texts and a QR code to its page, four to a sheet, each sheet followed by its
backs in mirror image; in Dutch and in English."""

import re

import pytest
from django.urls import reverse

from tests.factories import client_speaking, playable_deck
from tests.qr import decode_modules, svg_modules

pytestmark = pytest.mark.django_db

SHEET = re.compile(r'<section class="sheet (sheet-fronts|sheet-backs)".*?</section>', re.DOTALL)
FRONT = re.compile(
    r'<article class="print-card print-front"[^>]*data-card="([^"]+)".*?</article>', re.DOTALL
)


@pytest.fixture
def deck():
    """Two themes of four cards, each card with texts of its own."""
    deck = playable_deck(themes=2, name="Innovation on Track", slug="innovation-on-track")
    for card in cards_of(deck):
        card.call_to_action = f"Oproep van {card.key}."
        card.example = f"Voorbeeld van {card.key}.\n\nTweede alinea van {card.key}."
        card.tip = f"Tip van {card.key}."
        card.save()
    return deck


def cards_of(deck) -> list:
    """The deck's cards in its order: theme by theme, 1 to 4."""
    return [card for theme in deck.themes.all() for card in theme.cards.all()]


def get(deck, query: str = "", language: str = "nl", slug: str = ""):
    url = reverse("cards:print", kwargs={"deck": slug or deck.slug})
    return client_speaking(language).get(f"{url}{query}")


def sheets(page: str) -> list[tuple[str, list[str]]]:
    """Each sheet's kind (fronts or backs) and the keys of its cards, in page order."""
    return [
        (match[1], re.findall(r'data-card="([^"]*)"', match[0])) for match in SHEET.finditer(page)
    ]


def test_every_card_of_the_deck_is_on_the_page_once_with_all_its_texts(deck):
    response = get(deck)
    page = response.content.decode()
    assert response.status_code == 200
    assert FRONT.findall(page) == [card.key for card in cards_of(deck)]
    for card in cards_of(deck):
        assert page.count(f'<span class="pc-number">{card.number}</span> {card.title}</h2>') == 1
        for text in (card.call_to_action, f"Voorbeeld van {card.key}.", card.tip):
            assert page.count(text) == 1, text
        assert page.count(f"Tweede alinea van {card.key}.") == 1


def test_each_card_shows_its_theme_in_colour_with_the_four_titles_its_own_highlighted(deck):
    theme = deck.themes.first()
    theme.colour = "#8a5a00"
    theme.save()
    page = get(deck).content.decode()
    card = theme.cards.get(number=2)
    front = next(m[0] for m in FRONT.finditer(page) if m[1] == card.key)
    assert 'style="--theme: #8a5a00"' in front
    assert re.findall(r"<li[^>]*>(.*?)</li>", front) == [
        f"{c.number}. {c.title}" for c in theme.cards.all()
    ]
    assert f'<li class="current">2. {card.title}</li>' in front


def test_the_qr_codes_read_as_the_cards_addresses(deck):
    page = get(deck).content.decode()
    read = {}
    for front in FRONT.finditer(page):
        svg = re.search(r"<svg.*?</svg>", front[0], re.DOTALL)[0]
        read[front[1]] = decode_modules(svg_modules(svg))
    assert read == {
        card.key: [f"http://testserver{card.get_absolute_url()}"] for card in cards_of(deck)
    }


def test_four_cards_to_a_sheet_each_followed_by_as_many_backs_in_mirror_image(deck):
    page = get(deck).content.decode()
    keys = [card.key for card in cards_of(deck)]
    assert sheets(page) == [
        ("sheet-fronts", keys[0:4]),
        ("sheet-backs", [keys[1], keys[0], keys[3], keys[2]]),
        ("sheet-fronts", keys[4:8]),
        ("sheet-backs", [keys[5], keys[4], keys[7], keys[6]]),
    ]


def test_a_part_sheet_keeps_its_backs_behind_their_fronts(deck):
    """Three cards: the empty fourth place is on the front's bottom right, so on the
    back's bottom left."""
    cards = cards_of(deck)
    a, b, c = cards[0].key, cards[1].key, cards[5].key
    page = get(deck, f"?cards={a},{b},{c}").content.decode()
    assert sheets(page) == [("sheet-fronts", [a, b, c]), ("sheet-backs", [b, a, c])]
    fronts, backs = (m[0] for m in SHEET.finditer(page))
    places = re.compile(r'class="print-(card print-front|card print-back|slot)"')
    assert places.findall(fronts) == ["card print-front"] * 3 + ["slot"]
    assert places.findall(backs) == ["card print-back"] * 2 + ["slot", "card print-back"]


def test_cards_are_chosen_by_id_or_by_key_in_the_decks_order(deck):
    cards = cards_of(deck)
    last, first = cards[7], cards[2]
    response = get(deck, f"?cards={last.pk}, {first.key},{last.key}")
    page = response.content.decode()
    assert response.status_code == 200
    assert FRONT.findall(page) == [first.key, last.key]
    assert "2 kaarten" in page
    assert reverse("cards:print", kwargs={"deck": deck.slug}) + '">Alle kaarten printen' in page


def test_cards_that_are_not_in_the_deck_are_a_bad_request_naming_them(deck):
    other = playable_deck(themes=1).themes.first().cards.first()
    response = get(deck, f"?cards={cards_of(deck)[0].key},nope,{other.pk}")
    page = response.content.decode()
    assert response.status_code == 400
    assert f"Deze kaarten zitten niet in dit spel: nope, {other.pk}." in page
    assert sheets(page) == []


def test_an_empty_choice_prints_the_whole_deck(deck):
    page = get(deck, "?cards=").content.decode()
    assert len(FRONT.findall(page)) == 8


def test_a_deck_that_does_not_exist_is_not_found(deck):
    assert get(deck, slug="geen-spel").status_code == 404


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "nl",
            [
                "<h1>Kaarten printen</h1>",
                "8 kaarten",
                "Print op A4-papier op 100% (ware grootte)",
                "Print dubbelzijdig, omslaan langs de lange zijde",
                "Knip de kaarten uit langs de snijtekens",
                "Afdrukken of als pdf bewaren",
                'aria-label="Vel 1, achterkanten"',
            ],
        ),
        (
            "en",
            [
                "<h1>Print the deck</h1>",
                "8 cards",
                "Print on A4 paper at 100% scale",
                "Print on both sides, flipping on the long edge",
                "Cut the cards out along the marks",
                "Print or save as PDF",
                'aria-label="Sheet 1, backs"',
            ],
        ),
    ],
)
def test_the_page_speaks_the_chosen_language_but_the_cards_stay_dutch(deck, language, texts):
    page = get(deck, language=language).content.decode()
    for text in texts:
        assert text in page
    assert f'<html lang="{language}">' in page
    assert page.count('lang="nl" data-card=') == 2 * 8  # every front and back: Dutch
    assert page.count("Mag ik van u ...") == 8 + 1  # the backs, and the site's header


def test_the_print_button_and_style_sheet_come_as_files_for_the_content_security_policy(deck):
    page = get(deck).content.decode()
    assert "data-print" in page
    assert '<script src="/static/game/print.js" defer></script>' in page
    assert 'href="/static/cards/print.css"' in page
    assert "<style" not in page and " onclick=" not in page


def test_the_deck_page_links_to_its_print_page(deck):
    page = client_speaking("nl").get(deck.get_absolute_url()).content.decode()
    assert f'href="{reverse("cards:print", kwargs={"deck": deck.slug})}">Kaarten printen' in page
