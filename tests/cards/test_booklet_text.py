"""Every card of the deck shows the booklet's words as the booklet prints them: on its
page, in the game's card dialog, on the sheet to print and in the quartet, with bold
as bold and never a Markdown mark or an entity shown as text."""

import pytest
from django.core.management import call_command
from django.test import Client

from cards.models import Card
from tests.cards.booklet import booklet_cards, contains, marks_in, visible, words
from tests.cards.test_fixture import FIXTURE

pytestmark = pytest.mark.django_db

DECK = "innovation-on-track"


@pytest.fixture(scope="module")
def booklet():
    cards = booklet_cards()
    assert len(cards) == 20, [(c.theme, c.number) for c in cards]
    return cards


@pytest.fixture
def deck():
    call_command("import_deck", FIXTURE, "--skip-existing")


def card_of(printed) -> Card:
    return Card.objects.select_related("theme").get(
        theme__deck__slug=DECK, theme__name=printed.theme, number=printed.number
    )


def assert_the_words_of(printed, shown, where: str, *, links: bool = True) -> None:
    """Every paragraph of the printed card appears in ``shown`` word for word (without
    ``links``: but the lines of nothing but links)."""
    seen = words(shown.text)
    paragraphs = [p for p in printed.paragraphs if links or p not in printed.link_lines]
    for paragraph in [printed.title, printed.call_to_action, *paragraphs]:
        assert contains(seen, words(paragraph)), f"{where}: missing {paragraph!r}"
    assert not marks_in(shown), f"{where} shows marks: {marks_in(shown)}"


def test_the_booklet_is_read_as_twenty_cards_with_their_parts(booklet):
    by_key = {(c.theme, c.number): c for c in booklet}
    assert by_key[("Kennisoverdracht", 4)].paragraphs[-2] == "TEDx"
    assert by_key[("Geld", 4)].tip and by_key[("Geld", 4)].paragraphs[-1].startswith("Breng op")
    assert by_key[("Beleid", 3)].title == "Beleidsterreinen koppelen"
    assert ("www.ncsi.nl", "http://www.ncsi.nl") in by_key[("Geld", 3)].links
    assert not by_key[("Beleid", 4)].links  # "[dit onderzoek](#)": words, no link
    assert "Postbus" not in " ".join(by_key[("Beleid", 4)].paragraphs)


def test_every_card_page_shows_the_booklets_words_and_links(booklet, deck):
    client = Client()
    for printed in booklet:
        card = card_of(printed)
        html = client.get(card.get_absolute_url()).content.decode()
        shown = visible(html, "card")
        assert_the_words_of(printed, shown, f"the page of {card}")
        cta = visible(html, "card-cta")
        assert words(cta.text) == words(printed.call_to_action), card
        for link in printed.links:
            assert link in shown.links, f"{card}: no link {link}"
        if printed.tip and card.tip:
            assert "TIP" in shown.text


def test_the_card_dialog_of_the_game_shows_the_same(booklet, deck):
    client = Client()
    for printed in booklet:
        card = card_of(printed)
        html = client.get(card.get_absolute_url() + "?fragment=1").content.decode()
        assert_the_words_of(printed, visible(html, "card"), f"the dialog of {card}")


def test_bold_in_the_booklet_is_bold_on_the_page(deck):
    card = Card.objects.get(theme__deck__slug=DECK, title="Good practices 3.0")
    html = Client().get(card.get_absolute_url()).content.decode()
    assert "<strong>TEDx</strong>" in html and "**" not in html
    geld = Card.objects.get(theme__deck__slug=DECK, title="Innovatiesucces")
    html = Client().get(geld.get_absolute_url()).content.decode()
    assert "<strong>Technologische Innovatie</strong>" in html
    assert "<li>R&amp;D en ICT investeringen</li>" in html


def test_every_card_on_the_print_sheets_shows_the_booklets_words(booklet, deck):
    html = Client().get(f"/kaarten/{DECK}/print/").content.decode()
    for printed in booklet:
        card = card_of(printed)
        shown = visible(html, attr=("data-card", card.key))
        # A printed card's QR code leads to its page with the links.
        assert_the_words_of(printed, shown, f"the print of {card}", links=False)
        assert shown.nodes and "pc-qr" in html


def test_the_quartets_and_the_deck_page_show_calls_to_action_without_marks(booklet, deck):
    client = Client()
    for theme in {printed.theme for printed in booklet}:
        slug = Card.objects.filter(theme__name=theme).first().theme.slug
        shown = visible(client.get(f"/kaarten/{DECK}/{slug}/").content.decode(), "quartet")
        for printed in (c for c in booklet if c.theme == theme):
            assert contains(words(shown.text), words(printed.call_to_action)), printed.title
        assert not marks_in(shown)
    assert not marks_in(visible(client.get(f"/kaarten/{DECK}/").content.decode(), "theme"))
