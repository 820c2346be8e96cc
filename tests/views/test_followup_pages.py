"""The pages a follow-up mail leads to, by signed token: the check-in (a GET changes
nothing, the form posts, a second post updates the first) and stopping the mails (a
confirm page, and RFC 8058's one-click post without any cookie)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from game.followups import links
from game.followups.checkins import checkin_save
from game.followups.links import CHECKIN_SALT, STOP_SALT, make_token
from game.models import CheckIn, PlanItem, PlayerContact
from tests.followups.builders import ended_session

pytestmark = pytest.mark.django_db


def checkin_url(player, kind="followup-1"):
    token = make_token(player.pk, kind, salt=CHECKIN_SALT)
    return reverse("followup_checkin", kwargs={"token": token})


def stop_url(player, kind="followup-1"):
    token = make_token(player.pk, kind, salt=STOP_SALT)
    return reverse("followup_stop", kwargs={"token": token})


@pytest.fixture
def session():
    return ended_session()


def items_of(player):
    return list(PlanItem.objects.filter(player=player).order_by("position"))


def test_opening_a_check_in_link_shows_the_plan_and_changes_nothing(session):
    anna = session.players[0]
    first, second = items_of(anna)
    page = Client().get(checkin_url(anna) + f"?status-{first.pk}=done")
    assert page.status_code == 200
    html = page.content.decode()
    assert first.card.title in html and second.card.title in html
    assert f'name="status-{first.pk}" value="done" checked' in html  # the mail's choice
    assert (
        page["Referrer-Policy"] == "same-origin"
    )  # the token in the URL stays here; Origin is sent
    assert CheckIn.objects.count() == 0


def test_a_check_in_is_saved_by_its_post_and_a_second_one_updates_it(session):
    anna = session.players[0]
    first, second = items_of(anna)
    phone, url = Client(), checkin_url(anna)
    answer = phone.post(
        url, {f"status-{first.pk}": "started", f"note-{first.pk}": "De wethouder hielp"}
    )
    assert answer.status_code == 302 and answer["Location"].endswith("?saved=1")
    assert "Dank je!" in phone.get(answer["Location"]).content.decode()
    phone.post(
        url,
        {
            f"status-{first.pk}": "done",
            f"status-{second.pk}": "dropped",
            f"by_when-{second.pk}": "nooit",
            "named": "on",
        },
    )
    rows = {c.item_id: c for c in CheckIn.objects.all()}
    assert len(rows) == 2
    assert (rows[first.pk].status, rows[first.pk].followup, rows[first.pk].named) == (
        "done",
        1,
        True,
    )
    assert (rows[second.pk].status, rows[second.pk].by_when) == ("dropped", "nooit")


def test_the_second_follow_up_keeps_its_own_check_in(session):
    anna = session.players[0]
    first, _second = items_of(anna)
    Client().post(checkin_url(anna), {f"status-{first.pk}": "started"})
    Client().post(checkin_url(anna, "followup-2"), {f"status-{first.pk}": "done"})
    assert sorted(CheckIn.objects.values_list("followup", "status")) == [
        (1, "started"),
        (2, "done"),
    ]


def test_a_bad_answer_is_refused_whole_and_changes_nothing(session):
    anna, bob = session.players[:2]
    first, second = items_of(anna)
    refused = Client().post(
        checkin_url(anna), {f"status-{first.pk}": "started", f"status-{second.pk}": "maybe"}
    )
    assert refused.status_code == 400 and "niet begrepen" in refused.content.decode()
    empty = Client().post(checkin_url(anna), {})
    assert empty.status_code == 400 and "minstens één kaart" in empty.content.decode()
    assert CheckIn.objects.count() == 0
    with pytest.raises(Exception) as refusal:
        checkin_save(
            player=anna, followup=1, answers={str(items_of(bob)[0].pk): {"status": "done"}}
        )
    assert refusal.value.code == "not_found"  # another player's card: not theirs to answer


def test_a_forged_or_expired_link_opens_nothing(session, monkeypatch):
    anna = session.players[0]
    url = checkin_url(anna)
    assert Client().get(url[:-3] + "xx/").status_code == 404
    assert (
        Client().get(stop_url(anna).replace("/stop/", "/checkin/")).status_code == 404
    )  # its own salt
    monkeypatch.setattr(links, "TOKEN_MAX_AGE", timedelta(seconds=-1))
    expired = Client().get(url)
    assert expired.status_code == 410 and "verlopen" in expired.content.decode()


def test_the_check_in_page_speaks_the_players_language(session):
    bob = session.players[1]
    assert "How is your plan going?" in Client().get(checkin_url(bob)).content.decode()


def test_the_stop_page_asks_first_and_its_button_erases_the_address(session):
    anna = session.players[0]
    url = stop_url(anna)
    page = Client().get(url)
    assert "Stop de mails en wis mijn adres" in page.content.decode()
    assert PlayerContact.objects.get(player=anna).email == "anna@example.org"
    done = Client(enforce_csrf_checks=True).post(url)
    assert done.status_code == 200 and "Je e-mailadres is gewist" in done.content.decode()
    assert PlayerContact.objects.get(player=anna).email == ""


def test_one_click_unsubscribe_works_without_a_cookie(session):
    """RFC 8058: the mail program posts List-Unsubscribe=One-Click, no cookie, no CSRF."""
    bob = session.players[1]
    answer = Client(enforce_csrf_checks=True).post(
        stop_url(bob),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    contact = PlayerContact.objects.get(player=bob)
    assert contact.email == "" and contact.stopped is not None


def test_a_link_of_a_session_whose_people_were_deleted_opens_nothing(session):
    from game.room.privacy import workshop_forget_people

    anna = session.players[0]
    url = checkin_url(anna)
    workshop_forget_people(workshop=session.workshop, by=session.workshop.facilitator)
    assert Client().get(url).status_code == 404
    assert not PlayerContact.objects.exists()  # the addresses went with the people
