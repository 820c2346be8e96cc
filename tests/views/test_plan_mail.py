"""The plan's address on "Mijn actieplan": kept only with consent, a wrong address
refused with a clear message and nothing changed, shown to no facilitator."""

import json

import pytest
from django.urls import reverse

from game.followups.consent import contact_set
from game.followups.transfer import workshop_mark_moved
from game.models import Mail, PlayerContact
from game.plans.services import plan_save
from game.table import play
from tests.plans.builders import host_client, phone_of
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


def post_contact(client, email, consent=True):
    body = json.dumps({"email": email, "consent": consent})
    return client.post(reverse("plan_contact"), body, content_type="application/json")


@pytest.fixture
def anna():
    _workshop, _table, (anna, _bob) = session_with_table(("Anna", "Bob"), start=False)
    return anna


def test_the_plan_page_offers_an_email_field_with_a_consent_box(anna):
    page = phone_of(anna).get(reverse("plan")).content.decode()
    assert 'type="email"' in page and 'id="plan-consent" name="consent" type="checkbox"' in page
    assert "4 en 12 weken later" in page  # the consent sentence says what is sent, and when
    assert "voor niets anders gebruikt" in page and "stoppen wist je adres meteen" in page


def test_an_address_with_consent_is_kept_in_the_players_language(anna):
    phone = phone_of(anna)
    phone.cookies["django_language"] = "en"
    answer = post_contact(phone, " anna@example.org ")
    assert answer.status_code == 200 and answer.json() == {"ok": True, "kept": True}
    contact = PlayerContact.objects.get(player=anna)
    assert (contact.email, contact.language) == ("anna@example.org", "en")


def test_a_wrong_address_gets_a_clear_message_and_changes_nothing(anna):
    phone = phone_of(anna)
    post_contact(phone, "anna@example.org")
    answer = post_contact(phone, "anna@")
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_email"
    assert "anna@ is geen e-mailadres" in answer.json()["message"]
    assert PlayerContact.objects.get(player=anna).email == "anna@example.org"


def test_without_consent_no_address_is_kept(anna):
    phone = phone_of(anna)
    post_contact(phone, "anna@example.org")
    answer = post_contact(phone, "anna@example.org", consent=False)
    assert answer.json() == {"ok": True, "kept": False}
    assert not PlayerContact.objects.filter(player=anna).exists()
    truthy = post_contact(phone, "anna@example.org", consent="yes")  # only true is consent
    assert (truthy.status_code, truthy.json()["code"]) == (400, "bad_message")
    assert not PlayerContact.objects.filter(player=anna).exists()


def test_only_a_player_may_leave_an_address(client):
    assert post_contact(client, "x@example.org").status_code == 403
    assert not PlayerContact.objects.exists()


def test_a_plan_without_an_address_works_as_before(anna):
    card = anna.workshop.deck.themes.first().cards.first()
    saved = phone_of(anna).post(
        reverse("plan_save"), json.dumps([{"card": card.key}]), content_type="application/json"
    )
    assert saved.status_code == 200 and not PlayerContact.objects.exists()


def test_send_me_my_plan_needs_an_address_and_a_card(anna):
    phone = phone_of(anna)
    assert phone.post(reverse("plan_send")).json()["code"] == "no_address"
    post_contact(phone, "anna@example.org")
    assert phone.post(reverse("plan_send")).json()["code"] == "plan_empty"
    card = anna.workshop.deck.themes.first().cards.first()
    plan_save(player=anna, items=[{"card": card.key}])
    assert phone.post(reverse("plan_send")).json() == {"ok": True}
    assert Mail.objects.get(player=anna).kind == "plan"


def test_the_address_can_be_left_after_the_session_ended_but_not_once_moved(anna):
    workshop = anna.workshop
    play.workshop_end(workshop=workshop, by=workshop.facilitator)
    phone = phone_of(anna)
    assert post_contact(phone, "anna@example.org").json()["kept"] is True
    workshop_mark_moved(workshop=workshop)
    answer = post_contact(phone, "other@example.org")
    assert answer.json()["code"] == "followups_moved"
    assert PlayerContact.objects.get(player=anna).email == "anna@example.org"


def test_no_facilitator_page_shows_an_address(anna):
    contact_set(player=anna, email="anna-secret@example.org", consent=True)
    host = host_client(anna.workshop)
    code = anna.workshop.code
    for name in ("host:session", "host:panel", "host:results", "host:results_csv"):
        page = host.get(reverse(name, kwargs={"code": code})).content.decode()
        assert "anna-secret" not in page
    assert (
        "1 speler liet een adres achter"
        in host.get(reverse("host:panel", kwargs={"code": code})).content.decode()
    )
