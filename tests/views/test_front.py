"""The front page (issue 31, item 14): `/` says what the product is and offers joining
with a code, hosting a session, and the cards; in Dutch, and in English on request."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import playable_deck

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ("Meedoen met een code", "Een sessie leiden", "kwartetspel")),
        ("en", ("Join with a code", "Host a session", "quartet game")),
    ],
)
def test_the_front_page_offers_to_join_host_and_read_the_cards(language, words):
    deck = playable_deck(slug="innovation-on-track", name="Innovation on Track")
    client = Client()
    client.cookies["django_language"] = language
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for word in words:
        assert word in page
    assert f'href="{reverse("join")}"' in page
    assert f'href="{reverse("host:home")}"' in page
    assert f'href="{deck.get_absolute_url()}"' in page


def test_the_front_page_stands_without_any_deck():
    page = Client().get("/").content.decode()
    assert "Meedoen met een code" in page and "/kaarten/" not in page
