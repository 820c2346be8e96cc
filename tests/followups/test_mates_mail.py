"""Plan mates after the day, over a real SMTP server: a follow-up shows each mate's cards
that are started or done (titles and status only, never their notes), with a one-tap
thumbs-up that tells the mate by mail, at most one a week. The programme counts plans
with a mate; the venue's export carries the pairs."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from game.errors import Refused
from game.followups.checkins import checkin_save
from game.followups.consent import contact_stop
from game.followups.mail import followups_run
from game.followups.mates import thumbs_send
from game.followups.transfer import export_for_followups, import_for_followups
from game.models import PlanItem, PlanMate
from game.plans.mates import agreed_mates, mate_answer, mate_ask, mate_undo
from game.programmes.selectors import mate_comparison, session_figures
from game.room.privacy import workshop_forget_people
from tests.factories import facilitator
from tests.followups.builders import BASE, after_weeks, ended_session, links, path_of
from tests.followups.smtp import parts

pytestmark = pytest.mark.django_db


def mates(session):
    anna, bob, _cees = session.players
    mate_ask(player=anna, other_id=bob.pk)
    mate_answer(player=bob, other_id=anna.pk, yes=True)
    return anna, bob


def to(smtp, address):
    return [m for m in smtp.received if m["To"] == address]


def test_a_mates_check_in_shows_in_the_others_next_follow_up(smtp):
    session = ended_session()
    anna, _bob = mates(session)
    followups_run(as_of=after_weeks(4), base_url=BASE)
    first = to(smtp, "bob@example.org")[-1]
    text, _html = parts(first)
    assert "Anna" in text and "No card started or done yet." in text  # Bob's mail is English

    # Anna checks in "started" through her own follow-up's link (what a phone does).
    checkin = next(
        lk for lk in links(parts(to(smtp, "anna@example.org")[-1])[0]) if "/checkin/" in lk
    )
    card = PlanItem.objects.filter(player=anna).order_by("position").first()
    posted = Client().post(
        path_of(checkin), {f"status-{card.pk}": "started", f"note-{card.pk}": "Geheime notitie"}
    )
    assert posted.status_code == 302

    followups_run(as_of=after_weeks(12), base_url=BASE)
    second = to(smtp, "bob@example.org")[-1]
    text, html = parts(second)
    assert f"{card.card.title} (started)" in text
    assert card.card.title in html and "<strong>started</strong>" in html
    assert "Geheime notitie" not in text + html and card.action not in text + html
    # Anna's second follow-up shows Bob, nothing started.
    text, _html = parts(to(smtp, "anna@example.org")[-1])
    assert "Bob" in text and "Nog geen kaart begonnen of gedaan." in text


def test_the_thumbs_up_goes_by_mail_at_most_once_a_week(smtp):
    session = ended_session()
    anna, bob = mates(session)
    followups_run(as_of=after_weeks(4), base_url=BASE)
    text, _html = parts(to(smtp, "anna@example.org")[-1])
    thumbs = next(link for link in links(text) if "/plan/thumbs/" in link)
    phone = Client()
    page = phone.get(path_of(thumbs))
    assert page.status_code == 200 and "Bob een duimpje sturen?" in page.content.decode()
    assert not to(smtp, "bob@example.org")[1:]  # opening the link sent nothing
    before = len(smtp.received)
    sent = phone.post(path_of(thumbs))
    assert sent.status_code == 200 and "Verstuurd" in sent.content.decode()
    mail = smtp.wait_for(before + 1)[-1]
    assert mail["To"] == "bob@example.org"
    assert mail["Subject"] == "Anna sends you a thumbs-up for your plan"
    assert "List-Unsubscribe" in mail
    again = phone.post(path_of(thumbs))
    assert again.status_code == 400 and "minder dan een week" in again.content.decode()
    assert len(smtp.received) == before + 1
    # A week later the next one may go; and Bob may send one back meanwhile.
    thumbs_send(sender=bob, mate=anna, base_url=BASE)
    thumbs_send(sender=anna, mate=bob, base_url=BASE, now=timezone.now() + timedelta(days=7.01))
    assert len(smtp.wait_for(before + 3)) == before + 3


def test_a_thumbs_up_to_a_mate_who_left_or_erased_their_address_is_refused(smtp):
    session = ended_session()
    anna, bob = mates(session)
    contact_stop(player=bob)
    with pytest.raises(Refused) as refused:
        thumbs_send(sender=anna, mate=bob, base_url=BASE)
    assert refused.value.code == "mate_unreachable"
    assert agreed_mates(anna.pk) == []  # and the follow-ups no longer show him
    mate_undo(player=anna, other_id=bob.pk)
    with pytest.raises(Refused) as refused:
        thumbs_send(sender=bob, mate=anna, base_url=BASE)
    assert refused.value.code == "mate_gone"
    assert smtp.received == []


def test_a_thumbs_link_after_the_sessions_people_were_deleted_does_not_work(smtp):
    session = ended_session()
    _anna, _bob = mates(session)
    followups_run(as_of=after_weeks(4), base_url=BASE)
    thumbs = next(lk for lk in links(parts(to(smtp, "anna@example.org")[-1])[0]) if "thumbs" in lk)
    workshop_forget_people(workshop=session.workshop, by=session.workshop.facilitator)
    assert not PlanMate.objects.exists()
    before = len(smtp.received)
    page = Client().post(path_of(thumbs))
    assert page.status_code == 404 and "werkt niet" in page.content.decode()
    forged = re.sub(r"/thumbs/[^/]+/", "/thumbs/nonsense/", path_of(thumbs))
    assert Client().get(forged).status_code == 404
    assert len(smtp.received) == before


def test_the_programme_counts_plans_with_a_mate_and_compares_them():
    session = ended_session()
    anna, _bob = mates(session)
    card = PlanItem.objects.filter(player=anna).first()
    checkin_save(player=anna, followup=1, answers={str(card.pk): {"status": "started"}})
    numbers = session_figures(session.workshop)
    assert (numbers.plans, numbers.with_mate, numbers.checked_in, numbers.activated) == (3, 2, 1, 1)
    compared = mate_comparison(numbers)
    assert compared["with"] == {"plans": 2, "checked_in": 50, "activated": 50}
    assert compared["without"] == {"plans": 1, "checked_in": 0, "activated": 0}


def test_the_venue_export_carries_the_mates_and_their_names_only():
    session = ended_session()
    mates(session)
    data = json.loads(json.dumps(export_for_followups(session.workshop)))
    assert [p.get("name") for p in data["players"]] == ["Anna", "Bob", None]
    assert [p.get("mates") for p in data["players"]] == [[2], [1], None]
    host = facilitator("hanna")
    imported, made = import_for_followups(data=data, by=host)
    assert made
    people = list(imported.players.order_by("pk"))
    assert [p.name for p in people] == ["Anna", "Bob", "Speler 3"]
    assert agreed_mates(people[0].pk) == [people[1]]
    # A file whose mates do not point back at each other is refused whole.
    data["players"][1]["mates"] = []
    data["session"]["code"] = "ZZZZZZ"
    with pytest.raises(Refused):
        import_for_followups(data=data, by=host)


def test_a_thumbs_up_the_mail_server_refuses_is_not_counted(smtp):
    session = ended_session()
    anna, bob = mates(session)
    smtp.handler.refuse.append("451 4.3.0 Try again later")
    with pytest.raises(Refused) as refused:
        thumbs_send(sender=anna, mate=bob, base_url=BASE)
    assert refused.value.code == "thumbs_failed"
    pair = PlanMate.objects.get()
    assert pair.thumbs_to_mate is None and pair.thumbs_to_asker is None
    thumbs_send(sender=anna, mate=bob, base_url=BASE)  # the next try goes, not refused as too soon
    assert [m["To"] for m in smtp.wait_for(1)] == ["bob@example.org"]
