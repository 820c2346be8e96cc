"""Players join from their phones with the code and a name; no account needed."""

import pytest
from django.test import Client
from django.urls import reverse

from game.models import Player
from game.room import sessions
from game.room.accounts import PLAYER_COOKIE
from game.table import play
from tests.factories import client_speaking, facilitator, playable_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    return sessions.workshop_create(facilitator=facilitator(), name="Regio", deck=playable_deck())


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
    play.workshop_end(workshop=workshop, by=workshop.facilitator)
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


def test_a_name_of_zero_width_characters_is_refused_with_a_clear_message(workshop):
    response = join(client_speaking("en"), workshop.code, "\u200b\u200b\u202e")
    assert response.status_code == 400
    assert "Give a name of 1 to 30 characters." in response.content.decode()
    assert not Player.objects.exists()


def test_a_look_alike_of_a_name_in_the_session_is_refused_with_a_clear_message(workshop):
    join(Client(), workshop.code, "Anna")
    response = join(client_speaking("en"), workshop.code, "An\u200bna")
    assert response.status_code == 400
    assert "already called Anna" in response.content.decode()
    assert Player.objects.count() == 1


def test_html_in_a_name_is_shown_as_text(workshop):
    client = Client()
    join(client, workshop.code, "<b>Bob</b>")
    page = client.get(reverse("join")).content.decode()
    assert "&lt;b&gt;Bob&lt;/b&gt;" in page
    assert "<b>Bob</b>" not in page


def test_a_whole_room_behind_one_address_joins_at_once(workshop):
    """100 phones on one venue Wi-Fi share its address: none is refused."""
    clients = [Client(REMOTE_ADDR="203.0.113.7") for _ in range(100)]
    statuses = [
        join(client, workshop.code, f"Speler {n}").status_code for n, client in enumerate(clients)
    ]
    assert statuses == [302] * 100
    assert Player.objects.filter(workshop=workshop).count() == 100


def test_typos_in_a_room_do_not_lock_it_out(workshop, settings):
    """A few wrong codes and taken names from the room's one address change nothing."""
    settings.JOIN_WRONG_CODES_PER_ADDRESS = 5
    room = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(4):
        assert join(room, "WRONG1", f"Naam {attempt}").status_code == 400
    join(room, workshop.code, "Anna")
    assert join(Client(REMOTE_ADDR="203.0.113.7"), workshop.code, "Anna").status_code == 400
    assert join(Client(REMOTE_ADDR="203.0.113.7"), workshop.code, "Bob").status_code == 302


def test_wrong_codes_from_one_address_are_refused_after_the_limit(workshop, settings):
    settings.JOIN_WRONG_CODES_PER_ADDRESS = 3
    settings.JOIN_WRONG_CODE_WINDOW_SECONDS = 600
    guesser = client_speaking("en", REMOTE_ADDR="198.51.100.9")
    for attempt in range(3):
        response = join(guesser, "WRONG1", f"Naam {attempt}")
        assert response.status_code == 400
        assert "no open session with code" in response.content.decode()
    refused = join(guesser, workshop.code, "Anna")  # even the right code, now
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Too many wrong codes" in text
    minutes = int(text.split("try again in ")[1].split(" min")[0])
    assert 1 <= minutes <= 10
    assert not Player.objects.exists()
    # Meanwhile a room at another address joins as usual.
    other = Client(REMOTE_ADDR="203.0.113.7")
    assert join(other, workshop.code, "Anna").status_code == 302


def test_the_retry_time_is_the_end_of_the_window(workshop, settings, monkeypatch):
    settings.JOIN_WRONG_CODES_PER_ADDRESS = 1
    settings.JOIN_WRONG_CODE_WINDOW_SECONDS = 600
    monkeypatch.setattr("game.room.join_limits.time.time", lambda: 600 * 1000 + 30)
    guesser = client_speaking("nl", REMOTE_ADDR="198.51.100.9")
    join(guesser, "WRONG1", "Naam")
    refused = join(guesser, "WRONG2", "Naam")
    assert refused.status_code == 429
    assert "probeer het over 10 min. opnieuw" in refused.content.decode()
    monkeypatch.setattr("game.room.join_limits.time.time", lambda: 600 * 1001 + 1)
    assert join(guesser, workshop.code, "Naam").status_code == 302  # a new window


def test_wrong_codes_are_limited_for_the_whole_server(workshop, settings):
    """Many addresses guessing together are stopped by the overall limit."""
    settings.JOIN_WRONG_CODES_PER_ADDRESS = 100
    settings.JOIN_WRONG_CODES_TOTAL = 5
    for n in range(5):
        assert join(Client(REMOTE_ADDR=f"198.51.100.{n}"), "WRONG1", "X").status_code == 400
    response = join(Client(REMOTE_ADDR="198.51.100.99"), "WRONG1", "X")
    assert response.status_code == 429
    assert not Player.objects.exists()


def test_the_forwarded_address_counts_only_behind_our_proxy(workshop, settings):
    settings.JOIN_WRONG_CODES_PER_ADDRESS = 2
    # Not behind a trusted proxy: a forged X-Forwarded-For does not spread the count.
    settings.SECURE_PROXY_SSL_HEADER = None
    for n in range(2):
        forged = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        join(forged, "WRONG1", "X")
    blocked = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert join(blocked, workshop.code, "Anna").status_code == 429
    # Behind it (BEHIND_TLS_PROXY): the address our proxy added, the last one, counts;
    # what the client put in front of it does not.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = "127.0.0.1"
    for n in range(2):
        client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 192.0.2.5")
        join(client, "WRONG1", "X")
    client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 192.0.2.5")
    assert join(client, workshop.code, "Anna").status_code == 429
    room = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.6")
    assert join(room, workshop.code, "Bob").status_code == 302


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
