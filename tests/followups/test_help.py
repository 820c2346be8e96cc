"""Asking a helper for help from a check-in, over a real SMTP server: one mail to the
helper through the outbox (first name, card, question, the player's address as
Reply-To), a one-tap "contact made", the next check-in asks whether help came, and the
programme counts it. Every wrong request is refused with a message and changes nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from game.errors import Refused
from game.followups.consent import contact_stop
from game.followups.help import help_ask
from game.followups.links import CHECKIN_SALT, make_token
from game.followups.mail import followups_run
from game.models import Helper, HelpRequest, Mail, PlanItem, PlayerContact
from game.programmes.selectors import help_figures
from game.programmes.services import programme_add_session, programme_create
from game.room.privacy import workshop_forget_people
from tests.followups.builders import BASE, after_weeks, ended_session, links, path_of
from tests.followups.smtp import parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    session = ended_session()
    owner = session.workshop.facilitator
    programme = programme_create(owner=owner, name="Twente 2027")
    programme_add_session(programme=programme, by=owner, code=session.workshop.code)
    anna = session.players[0]
    item = PlanItem.objects.filter(player=anna).order_by("position").first()
    helper = Helper.objects.create(
        programme=programme,
        name="Ans de Vries",
        offer="Advies",
        cards=item.card.title,
        email="ans@kvk.example",
    )
    return session, programme, anna, item, helper


def checkin_path(player, followup=1) -> str:
    token = make_token(player.pk, f"followup-{followup}", salt=CHECKIN_SALT)
    return reverse("followup_checkin", kwargs={"token": token})


def ask(player, item, helper, **fields):
    data = {
        "item": item.pk,
        "helper": helper.pk,
        "question": "Wie kent de wethouder?",
        "consent": "on",
    }
    return Client().post(checkin_path(player) + "help/", {**data, **fields}, follow=True)


def test_the_helper_gets_one_mail_with_the_players_address_to_reply_to(setup, smtp):
    session, programme, anna, item, helper = setup
    page = ask(anna, item, helper)
    assert "Verstuurd" in page.content.decode()
    followups_run(base_url=BASE)
    mail = next(m for m in smtp.received if m["To"] == "ans@kvk.example")
    assert mail["Reply-To"] == "anna@example.org"
    assert mail["Subject"] == f"Vraag om hulp bij {item.card.title} van Anna"
    text, html = parts(mail)
    assert "Wie kent de wethouder?" in text and item.card.title in html
    assert "Bob" not in text and "bob@example.org" not in text  # nobody else's
    assert Mail.objects.filter(kind="help", status="sent").count() == 1
    followups_run(base_url=BASE)  # a second run sends nothing again
    assert len([m for m in smtp.received if m["To"] == "ans@kvk.example"]) == 1

    contact = next(link for link in links(text) if "/plan/help/" in link)
    client = Client()
    assert "contact gehad" in client.get(path_of(contact)).content.decode()
    assert HelpRequest.objects.get().contacted is None  # opening the link changed nothing
    assert "Genoteerd" in client.post(path_of(contact)).content.decode()
    assert HelpRequest.objects.get().contacted is not None

    # The next check-in asks whether help came; Anna says yes and started the card.
    page = Client().get(checkin_path(anna, 2)).content.decode()
    request = HelpRequest.objects.get()
    assert f'name="help_came-{request.pk}"' in page
    posted = Client().post(
        checkin_path(anna, 2), {f"status-{item.pk}": "started", f"help_came-{request.pk}": "yes"}
    )
    assert posted.status_code == 302
    assert HelpRequest.objects.get().help_came is True
    figures = help_figures([session.workshop])
    assert [(r.name, r.asked, r.contacted, r.activated) for r in figures["helpers"]] == [
        ("Ans de Vries", 1, 1, 1)
    ]
    assert [(r.name, r.asked) for r in figures["themes"]] == [(item.card.theme.name, 1)]
    assert [(r.name, r.activated) for r in figures["cards"]] == [(item.card.title, 1)]
    page = programme_page(programme)
    assert 'data-helper="Ans de Vries"' in page and "anna@example.org" not in page


def programme_page(programme) -> str:
    client = Client()
    client.force_login(programme.owner)
    return client.get(reverse("host:programme", kwargs={"pk": programme.pk})).content.decode()


def test_the_next_follow_up_asks_whether_help_came(setup, smtp):
    _session, _programme, anna, item, helper = setup
    help_ask(player=anna, item_id=item.pk, helper_id=helper.pk, question="Vraag", consent=True)
    followups_run(as_of=after_weeks(4), base_url=BASE)
    mail = next(m for m in smtp.received if m["To"] == "anna@example.org")
    text, _html = parts(mail)
    assert "Je vroeg Ans de Vries om hulp. Kwam die hulp?" in text


def refused(code, player, **kwargs):
    before = (HelpRequest.objects.count(), Mail.objects.filter(kind="help").count())
    with pytest.raises(Refused) as caught:
        help_ask(player=player, **{"question": "Vraag", "consent": True, **kwargs})
    assert caught.value.code == code
    assert (HelpRequest.objects.count(), Mail.objects.filter(kind="help").count()) == before
    return caught.value


def test_wrong_requests_are_refused_and_change_nothing(setup):
    session, programme, anna, item, helper = setup
    bob = session.players[1]
    ids = {"item_id": item.pk, "helper_id": helper.pk}
    assert "vakje" in refused("help_needs_consent", anna, consent=False, **ids).message("nl")
    refused("help_question", anna, question="", **ids)
    refused("help_question", anna, question="x" * 201, **ids)
    refused("help_not_in_plan", bob, **ids)  # Anna's card, Bob asks
    other = Helper.objects.create(programme=programme, name="Elders", offer="x", cards="Geen")
    refused("help_no_helper", anna, item_id=item.pk, helper_id=other.pk)
    no_address = Helper.objects.create(
        programme=programme, name="Zonder", offer="x", cards=item.card.title
    )
    refused("help_no_helper", anna, item_id=item.pk, helper_id=no_address.pk)
    help_ask(player=anna, **ids, question="Vraag", consent=True)
    refused("help_twice", anna, **ids)
    # A page post without the tick says so, and changes nothing either.
    page = ask(anna, item, helper, consent="").content.decode()
    assert "Vink eerst het vakje aan" in page
    assert HelpRequest.objects.count() == 1
    contact_stop(player=anna)
    assert not HelpRequest.objects.exists()  # stopping erases the requests with the address
    refused("no_address", anna, **ids)


def test_a_helper_address_that_bounces_keeps_the_players_address(setup, smtp):
    _session, _programme, anna, item, helper = setup
    smtp.handler.bounce.add("ans@kvk.example")
    help_ask(player=anna, item_id=item.pk, helper_id=helper.pk, question="Vraag", consent=True)
    followups_run(base_url=BASE)
    assert Mail.objects.get(kind="help").status == "failed"
    assert PlayerContact.objects.get(player=anna).reachable


def test_deleting_the_sessions_people_erases_the_requests(setup):
    session, _programme, anna, item, helper = setup
    help_ask(player=anna, item_id=item.pk, helper_id=helper.pk, question="Vraag", consent=True)
    workshop_forget_people(workshop=session.workshop, by=session.workshop.facilitator)
    assert not HelpRequest.objects.exists() and not Mail.objects.filter(kind="help").exists()


def test_a_helper_stops_the_requests_with_one_click(setup, smtp):
    _session, _programme, anna, item, helper = setup
    help_ask(player=anna, item_id=item.pk, helper_id=helper.pk, question="Vraag", consent=True)
    followups_run(base_url=BASE)
    mail = next(m for m in smtp.received if m["To"] == "ans@kvk.example")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert "Geen hulpvragen meer" in Client().get(path_of(stop)).content.decode()
    assert Helper.objects.get(pk=helper.pk).email == "ans@kvk.example"  # opening: nothing
    one_click = Client(enforce_csrf_checks=True).post(
        path_of(stop), {"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200
    assert Helper.objects.get(pk=helper.pk).email == ""
    with pytest.raises(Refused) as refused:  # no address: nobody can ask them any more
        help_ask(
            player=anna,
            item_id=item.pk,
            helper_id=helper.pk,
            question="Nog een",
            consent=True,
            now=timezone.now() + timedelta(days=2),
        )
    assert refused.value.code == "help_no_helper"
