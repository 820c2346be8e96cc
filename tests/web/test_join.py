"""Players join from their phones with the code and a name; no account needed."""

import pytest
from django.test import Client
from django.urls import reverse

from game import services
from game.consumers import PLAYER_COOKIE
from game.models import Player
from tests.factories import client_speaking, facilitator, playable_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    return services.workshop_create(facilitator=facilitator(), name="Regio", deck=playable_deck())


def join(client, code, name):
    return client.post(reverse("join"), {"code": code, "name": name})


def test_joining_sets_a_signed_cookie_and_opens_the_game(workshop):
    client = Client()
    response = join(client, workshop.code, "  Anna   de Vries ")
    assert response.status_code == 302
    assert response["Location"] == reverse("play")
    player = Player.objects.get()
    assert player.name == "Anna de Vries"
    cookie = response.cookies[PLAYER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert player.token not in cookie.value.split(":")[1:]  # signed, not the token alone
    assert client.get(reverse("play")).status_code == 200


def test_the_code_may_be_typed_loosely(workshop):
    code = workshop.code
    loose = f" {code[:3].lower()}-{code[3:].lower()} "
    assert join(Client(), loose, "Bob").status_code == 302


def test_a_wrong_code_says_so_and_creates_nobody(workshop):
    response = join(Client(), "ZZZZZZ", "Anna")
    assert response.status_code == 400
    assert "Er is geen open sessie met code ZZZZZZ" in response.content.decode()
    assert not Player.objects.exists()


def test_an_ended_session_says_so(workshop):
    services.workshop_end(workshop=workshop, by=workshop.facilitator)
    response = join(client_speaking("en"), workshop.code, "Anna")
    assert "This session has ended." in response.content.decode()
    assert not Player.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 31])
def test_a_name_must_have_1_to_30_characters(workshop, name):
    response = join(client_speaking("en"), workshop.code, name)
    assert response.status_code == 400
    assert not Player.objects.exists()


def test_a_name_is_unique_in_the_session_whatever_its_case(workshop):
    join(Client(), workshop.code, "Anna")
    response = join(client_speaking("en"), workshop.code, "ANNA")
    assert "already called ANNA" in response.content.decode()
    assert Player.objects.count() == 1


def test_html_in_a_name_is_shown_as_text(workshop):
    client = Client()
    join(client, workshop.code, "<b>Bob</b>")
    page = client.get(reverse("join")).content.decode()
    assert "&lt;b&gt;Bob&lt;/b&gt;" in page
    assert "<b>Bob</b>" not in page


def test_join_attempts_are_rate_limited_per_client(workshop, settings):
    settings.JOIN_ATTEMPTS_PER_MINUTE = 3
    client = client_speaking("en", REMOTE_ADDR="10.9.8.7")
    for attempt in range(3):
        assert join(client, "WRONG1", f"Naam {attempt}").status_code == 400
    response = join(client, workshop.code, "Anna")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not Player.objects.exists()
    other = Client(REMOTE_ADDR="10.9.8.8")
    assert join(other, workshop.code, "Anna").status_code == 302


def test_the_qr_link_fills_in_the_code(workshop):
    response = Client().get(reverse("join_short", kwargs={"code": workshop.code.lower()}))
    assert response["Location"] == f"{reverse('join')}?code={workshop.code}"
    page = Client().get(response["Location"]).content.decode()
    assert f'value="{workshop.code}"' in page


def test_the_game_page_sends_strangers_to_join():
    response = Client().get(reverse("play"))
    assert response["Location"] == reverse("join")


def test_a_tampered_cookie_is_no_player(workshop):
    client = Client()
    join(client, workshop.code, "Anna")
    client.cookies[PLAYER_COOKIE] = client.cookies[PLAYER_COOKIE].value + "x"
    assert client.get(reverse("play"))["Location"] == reverse("join")
