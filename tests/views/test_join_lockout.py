"""No one can lock a room out of joining: a curious phone at the venue or a flood of
guesses from elsewhere never stops a room joining by its QR code's signed link, the
facilitator can let the room's address type its code again, and guessing someone's
session stays as hard as before."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from game.models import Player
from game.room import sessions
from game.room.join_links import link_key
from game.table import play
from tests.factories import client_speaking, facilitator, playable_deck

pytestmark = pytest.mark.django_db

VENUE = "203.0.113.7"  # every phone in the room shares the venue Wi-Fi's address


@pytest.fixture
def workshop():
    return sessions.workshop_create(facilitator=facilitator(), name="Regio", deck=playable_deck())


def typed(code, name, address=VENUE, client=None):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reverse("join"), {"code": code, "name": name})


def link(workshop, key=None):
    return reverse("join_link", kwargs={"code": workshop.code, "key": key or link_key(workshop)})


def by_link(url, name, address=VENUE):
    return Client(REMOTE_ADDR=address).post(url, {"name": name})


def wrong_codes(count, address=VENUE):
    """``count`` wrong codes typed from ``address``; their statuses."""
    return [typed("WRONG1", f"Gok {n}", address).status_code for n in range(count)]


def page_text(response, code):
    """The page, without its CSRF tokens and with ``code`` masked: what tells apart."""
    html = re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())
    return html.replace(code, "CODE")


def facilitator_client(user):
    client = Client()
    client.force_login(user)
    return client


def panel(workshop):
    url = reverse("host:panel", kwargs={"code": workshop.code})
    return facilitator_client(workshop.facilitator).get(url).content.decode()


def lift(workshop, address=VENUE, by=None):
    client = facilitator_client(by or workshop.facilitator)
    url = reverse("host:action", kwargs={"code": workshop.code})
    data = {"action": "lift_limit", "address": address}
    return client.post(url, data, headers={"accept": "application/json"})


def test_after_40_wrong_codes_from_the_rooms_address_its_qr_link_still_joins(workshop):
    statuses = wrong_codes(40)
    assert statuses[:30] == [400] * 30 and statuses[30:] == [429] * 10
    assert by_link(link(workshop), "Anna").status_code == 302
    assert Player.objects.filter(workshop=workshop, name="Anna").exists()


def test_the_qr_link_asks_only_for_a_name(workshop):
    wrong_codes(40)
    page = Client(REMOTE_ADDR=VENUE).get(link(workshop))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Je doet mee aan Regio." in html
    assert 'name="code"' not in html and 'name="name"' in html


def test_after_40_wrong_codes_the_typed_code_joins_once_the_facilitator_lifts_the_limit(
    workshop,
):
    by_link(link(workshop), "Anna")  # the room's first phone, by the QR code
    wrong_codes(40)
    assert typed(workshop.code, "Bram").status_code == 429  # right, but limited
    assert lift(workshop).json() == {"ok": True}
    assert typed(workshop.code, "Bram").status_code == 302
    assert typed(workshop.code.lower(), "Cees").status_code == 302


def test_the_dashboard_shows_the_rooms_address_is_limited_until_it_is_lifted(workshop):
    by_link(link(workshop), "Anna")
    assert "Getypte codes worden beperkt" not in panel(workshop)
    wrong_codes(40)
    html = panel(workshop)
    assert f"Getypte codes worden beperkt vanaf adres {VENUE}" in html
    assert "(40 verkeerde codes)" in html
    assert 'value="lift_limit"' in html
    lift(workshop)
    assert "Getypte codes worden beperkt" not in panel(workshop)


def test_a_room_phone_refused_its_own_code_makes_the_dashboard_look_again(workshop, monkeypatch):
    by_link(link(workshop), "Anna")
    wrong_codes(40)
    looks = []
    monkeypatch.setattr("game.room.joining.live.publish_dashboard", looks.append)
    assert typed("WRONG1", "Bram").status_code == 429
    assert looks == []  # a wrong code names no session
    assert typed(workshop.code, "Bram").status_code == 429
    assert looks == [workshop.pk]


def test_a_room_locked_out_before_its_first_phone_joined_is_shown_and_lifted(workshop):
    wrong_codes(40)  # a curious phone, before anyone of the room joined
    assert typed(workshop.code, "Anna").status_code == 429
    html = panel(workshop)
    assert (
        f"Getypte codes worden beperkt vanaf adres {VENUE}, waar de code van deze sessie "
        "is getypt en geweigerd"
    ) in html
    assert lift(workshop).json() == {"ok": True}
    assert typed(workshop.code, "Anna").status_code == 302
    assert "Getypte codes worden beperkt" not in panel(workshop)


def test_a_wrong_code_from_a_limited_address_names_it_to_no_dashboard(workshop):
    wrong_codes(40)
    assert "Getypte codes worden beperkt" not in panel(workshop)
    assert lift(workshop).json()["code"] == "not_found"


def test_the_dashboard_says_when_the_limited_address_is_the_facilitators_own(workshop):
    by_link(link(workshop), "Anna")
    wrong_codes(40)
    mine = Client(REMOTE_ADDR=VENUE)
    mine.force_login(workshop.facilitator)
    url = reverse("host:panel", kwargs={"code": workshop.code})
    assert "Dit is ook je eigen adres" in mine.get(url).content.decode()
    assert "Dit is ook je eigen adres" not in panel(workshop)  # from elsewhere


def test_the_dashboard_names_no_address_its_players_did_not_join_from(workshop):
    by_link(link(workshop), "Anna")
    wrong_codes(40, address="198.51.100.9")
    assert "198.51.100.9" not in panel(workshop)


def test_another_facilitator_cannot_lift_the_limit_for_a_session(workshop):
    by_link(link(workshop), "Anna")
    wrong_codes(40)
    response = lift(workshop, by=facilitator("gerrit"))
    assert response.status_code == 404
    assert typed(workshop.code, "Bram").status_code == 429


def test_an_address_no_player_joined_from_cannot_be_lifted(workshop):
    wrong_codes(40, address="198.51.100.9")
    response = lift(workshop, address="198.51.100.9")
    assert response.status_code == 400
    assert response.json()["code"] == "not_found"
    assert typed(workshop.code, "Bram", address="198.51.100.9").status_code == 429


def test_a_lift_lets_the_address_type_only_this_sessions_code(workshop):
    """The guesser sharing the room's address learns nothing of other sessions."""
    other = sessions.workshop_create(
        facilitator=facilitator("gerrit"), name="B", deck=playable_deck()
    )
    by_link(link(workshop), "Anna")
    wrong_codes(40)
    lift(workshop)
    assert typed(other.code, "Bram").status_code == 429
    assert not Player.objects.filter(workshop=other).exists()


def test_a_lift_gives_a_guesser_at_the_rooms_address_only_a_fresh_allowance(workshop):
    """After a lift, 30 more wrong codes from the address use it up: even this
    session's code is refused again, until the facilitator lifts once more."""
    by_link(link(workshop), "Anna")
    wrong_codes(40)
    lift(workshop)
    assert wrong_codes(30) == [429] * 30
    assert typed(workshop.code, "Bram").status_code == 429
    assert VENUE in panel(workshop)


def test_700_wrong_codes_from_25_addresses_do_not_stop_a_room_joining_by_its_link(workshop):
    for n in range(25):
        wrong_codes(28, address=f"198.51.100.{n}")
    assert by_link(link(workshop), "Anna").status_code == 302
    assert by_link(link(workshop), "Bram", address="192.0.2.44").status_code == 302


def test_a_room_that_began_joining_types_its_code_through_a_flood_of_guesses(workshop):
    by_link(link(workshop), "Anna")
    for n in range(25):
        wrong_codes(28, address=f"198.51.100.{n}")
    assert typed(workshop.code, "Bram").status_code == 302


def test_a_flood_of_guesses_keeps_everyone_elses_guesses_out(workshop, settings):
    """Past the server's limit a fresh address's typed code is not even tried: a right
    guess is refused like a wrong one."""
    settings.JOIN_WRONG_CODES_TOTAL = 50
    for n in range(5):
        wrong_codes(10, address=f"198.51.100.{n}")
    guesser = client_speaking("en", REMOTE_ADDR="192.0.2.99")
    right = typed(workshop.code, "Gok", client=guesser)
    assert right.status_code == 429
    text = right.content.decode()
    assert "Scan the QR code on the screen" in text and "this network" not in text
    assert typed("WRONG1", "Gok", client=guesser).status_code == 429
    assert not Player.objects.exists()


def test_a_limited_guesser_gets_the_same_answer_for_a_right_and_a_wrong_code(workshop):
    guesser = "198.51.100.9"
    wrong_codes(30, address=guesser)
    right = typed(workshop.code, "Gok", address=guesser)
    wrong = typed("WRONG2", "Gok", address=guesser)
    assert right.status_code == wrong.status_code == 429
    assert page_text(right, workshop.code) == page_text(wrong, "WRONG2")
    assert not Player.objects.exists()


def test_the_limit_message_points_to_the_qr_code_and_the_facilitator(workshop):
    wrong_codes(30)
    english = typed("WRONG1", "Gok", client=client_speaking("en", REMOTE_ADDR=VENUE))
    text = english.content.decode()
    assert "from this address" in text and "this network" not in text
    assert "Scan the QR code on the screen, or ask the facilitator" in text
    dutch = typed("WRONG1", "Gok").content.decode()
    assert "Scan de QR-code op het scherm, of vraag de begeleider" in dutch


def test_another_sessions_signed_link_does_not_open_this_session(workshop):
    other = sessions.workshop_create(
        facilitator=facilitator("gerrit"), name="B", deck=playable_deck()
    )
    forged = link(workshop, key=link_key(other))
    assert Client().get(forged).status_code == 404
    assert by_link(forged, "Anna").status_code == 404
    assert not Player.objects.exists()


def test_a_forged_link_says_the_same_whether_or_not_its_code_exists(workshop):
    """The link is no way around the typed-code limits to find out which codes exist."""
    key = "ABCDEFGH" if link_key(workshop) != "ABCDEFGH" else "HGFEDCBA"
    existing = Client().get(reverse("join_link", kwargs={"code": workshop.code, "key": key}))
    missing = Client().get(reverse("join_link", kwargs={"code": "ZZZZZZ", "key": key}))
    assert existing.status_code == missing.status_code == 404
    assert page_text(existing, workshop.code) == page_text(missing, "ZZZZZZ")
    assert "Deze link om mee te doen klopt niet" in existing.content.decode()


def test_a_link_stops_working_when_the_session_ends(workshop):
    url = link(workshop)
    play.workshop_end(workshop=workshop, by=workshop.facilitator)
    assert Client().get(url).status_code == 410
    response = by_link(url, "Anna")
    assert response.status_code == 410
    assert "Deze sessie is afgelopen." in response.content.decode()
    assert not Player.objects.exists()


def test_the_dashboard_and_its_qr_code_give_the_signed_link(workshop, settings):
    settings.PUBLIC_URL = "https://kwartet.example.org"
    client = facilitator_client(workshop.facilitator)
    html = client.get(reverse("host:session", kwargs={"code": workshop.code})).content.decode()
    shown = re.search(r'<strong class="join-url">([^<]+)</strong>', html)[1]
    assert shown == f"https://kwartet.example.org{link(workshop)}"
    assert by_link(link(workshop), "Anna").status_code == 302
