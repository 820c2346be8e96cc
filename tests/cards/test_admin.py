"""Admins edit the deck in the Django admin; nobody else gets in."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CardFactory, CardLinkFactory, DeckFactory, ThemeFactory, playable_deck

pytestmark = pytest.mark.django_db

MODELS = ["deck", "theme", "card", "cardlink"]


@pytest.fixture
def objects() -> dict:
    link = CardLinkFactory(card=CardFactory(theme=ThemeFactory(deck=DeckFactory())))
    card = link.card
    return {"deck": card.theme.deck, "theme": card.theme, "card": card, "cardlink": link}


@pytest.mark.parametrize("model", MODELS)
def test_each_admin_page_loads_for_a_superuser(admin_client_logged_in, objects, model):
    for url in (
        reverse(f"admin:cards_{model}_changelist"),
        reverse(f"admin:cards_{model}_add"),
        reverse(f"admin:cards_{model}_change", args=[objects[model].pk]),
    ):
        assert admin_client_logged_in.get(url).status_code == 200, url


@pytest.mark.parametrize("model", MODELS)
def test_each_admin_page_sends_an_anonymous_user_to_log_in(objects, model):
    response = Client().get(reverse(f"admin:cards_{model}_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_player_account_without_staff_rights_is_refused(objects):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="speler"))
    response = client.get(reverse("admin:cards_card_changelist"))
    assert response.status_code == 302


def test_the_deck_list_shows_whether_each_deck_is_playable(admin_client_logged_in):
    playable_deck(themes=2, name="Compleet")
    broken = DeckFactory(name="Kapot")
    geld = ThemeFactory(deck=broken, name="Geld", slug="geld")
    for number in (1, 2, 3):
        CardFactory(theme=geld, number=number)
    admin_client_logged_in.cookies["django_language"] = "en"
    page = admin_client_logged_in.get(reverse("admin:cards_deck_changelist")).content.decode()
    assert "Yes" in page
    assert "No: The deck has 1 theme; a game needs 2 to 13. Geld has 3 cards instead of 4." in page


def test_cards_are_searchable_and_filterable_by_deck(admin_client_logged_in):
    deck = playable_deck(themes=2)
    other = playable_deck(themes=1)
    CardFactory(theme=ThemeFactory(deck=other, order=9), number=1, title="Proeverij")
    url = reverse("admin:cards_card_changelist")
    found = admin_client_logged_in.get(url, {"q": "Proeverij"})
    assert found.context["cl"].result_count == 1
    filtered = admin_client_logged_in.get(url, {"theme__deck__id__exact": deck.pk})
    assert filtered.context["cl"].result_count == 8


def test_a_theme_is_edited_with_its_cards_inline(admin_client_logged_in):
    theme = playable_deck(themes=1).themes.get()
    response = admin_client_logged_in.get(reverse("admin:cards_theme_change", args=[theme.pk]))
    formset = response.context["inline_admin_formsets"][0]
    assert formset.formset.model.__name__ == "Card"
    assert len(formset.formset.forms) == 4
