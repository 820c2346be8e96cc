"""Ending the session never locks a player out of their plan: plans stay writable for the
session's ``plan_days`` after it ended (7 unless the facilitator says otherwise), from the
phone's cookie or the plan mail's link; then they close. Plans written meanwhile count."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from game.errors import Refused
from game.followups.consent import contact_set
from game.followups.links import PLAN_SALT, make_token
from game.followups.mail import followups_run
from game.models import PlanItem, Workshop
from game.plans.selectors import plan_of
from game.plans.services import plan_save
from game.programmes.selectors import session_figures
from game.room.accounts import PLAYER_COOKIE
from game.table import play
from tests.followups.builders import BASE, links
from tests.followups.smtp import parts
from tests.plans.builders import host_client, item, phone_of, save

pytestmark = pytest.mark.django_db


def end(workshop: Workshop, *, days_ago: float = 0) -> Workshop:
    """End the session, ``days_ago`` days back (as if that long has passed since)."""
    play.workshop_end(workshop=workshop, by=workshop.facilitator)
    ended = timezone.now() - timedelta(days=days_ago)
    Workshop.objects.filter(pk=workshop.pk).update(ended=ended)
    workshop.refresh_from_db()
    return workshop


def test_a_player_without_a_plan_writes_one_after_the_session_ended(game):
    workshop, _, (anna, bob, _) = game
    plan_save(player=bob, items=[item("thema-1-1")])
    end(workshop, days_ago=6.9)
    assert workshop.plans_open() and workshop.plan_days == 7
    plan_save(player=anna, items=[item("thema-2-1"), item("thema-3-2")])
    assert [i.card.key for i in plan_of(anna)] == ["thema-2-1", "thema-3-2"]
    # The results count it as any other: two people made a plan.
    assert session_figures(Workshop.objects.get(pk=workshop.pk)).plans == 2


def test_after_the_grace_period_a_plan_can_no_longer_change(game):
    workshop, _, (anna, *_) = game
    plan_save(player=anna, items=[item("thema-1-1")])
    end(workshop, days_ago=7.01)
    assert not workshop.plans_open()
    with pytest.raises(Refused) as refused:
        plan_save(player=anna, items=[])
    assert refused.value.code == "plans_closed"
    assert "kan niet meer veranderen" in refused.value.message("nl")
    assert [i.card.key for i in plan_of(anna)] == ["thema-1-1"]


def test_a_session_set_to_0_days_closes_its_plans_with_it(game):
    workshop, _, (anna, *_) = game
    Workshop.objects.filter(pk=workshop.pk).update(plan_days=0)
    end(Workshop.objects.get(pk=workshop.pk))
    with pytest.raises(Refused) as refused:
        plan_save(player=anna, items=[item("thema-1-1")])
    assert refused.value.code == "plans_closed"
    assert not PlanItem.objects.exists()


def test_the_phone_keeps_writing_its_plan_after_the_end_and_is_told_until_when(game):
    workshop, _, (anna, *_) = game
    phone = phone_of(anna)
    end(workshop)
    page = phone.get(reverse("plan"))
    assert page.context["data"]["editable"] is True
    until = timezone.localtime(workshop.plans_until)
    notice = page.content.decode()
    assert "De sessie is voorbij, je plan niet" in notice
    dutch_months = ["januari", "februari", "maart", "april", "mei", "juni", "juli"]
    dutch_months += ["augustus", "september", "oktober", "november", "december"]
    assert f"{until.day} {dutch_months[until.month - 1]} {until.year}" in notice
    assert save(phone, [item("thema-2-2")]).json() == {"ok": True, "count": 1}
    # The game's end screen still leads to the plan: writing it is still possible.
    assert "Maak mijn actieplan" in phone.get(reverse("play")).content.decode()

    Workshop.objects.filter(pk=workshop.pk).update(ended=timezone.now() - timedelta(days=8))
    page = phone.get(reverse("plan"))
    assert page.context["data"]["editable"] is False
    assert "De sessie is voorbij, je plan niet" not in page.content.decode()
    refused = save(phone, [])
    assert refused.status_code == 400 and refused.json()["code"] == "plans_closed"
    assert [i.card.key for i in plan_of(anna)] == ["thema-2-2"]
    assert "Mijn actieplan" in phone.get(reverse("play")).content.decode()


@pytest.mark.parametrize("plan_days", [0, 7, 30])
def test_the_phones_cookie_lasts_the_day_and_the_days_plans_stay_open(plan_days):
    from tests.tables import session_with_table

    workshop, _, _ = session_with_table(start=False)
    Workshop.objects.filter(pk=workshop.pk).update(plan_days=plan_days)
    answer = Client().post(reverse("join"), {"code": workshop.code, "name": "Daan"})
    assert answer.status_code == 302
    assert int(answer.cookies[PLAYER_COOKIE]["max-age"]) == (1 + plan_days) * 24 * 3600


def test_the_plan_mail_links_to_the_plan_which_opens_on_any_browser(game, smtp):
    workshop, _, (anna, bob, _) = game
    contact_set(player=anna, email="anna@example.org", consent=True, language="nl")
    end(workshop)
    plan_save(player=anna, items=[{**item("thema-1-3"), "if_then": "Als het regent"}])  # after
    assert len(followups_run(base_url=BASE).sent) == 1
    (mail,) = smtp.wait_for(1)
    text, html = parts(mail)
    assert "Als … dan: Als het regent" in text and "Als het regent" in html
    assert "Je kunt je plan nog schrijven en veranderen tot" in text
    (url,) = [link for link in links(text) if "/plan/open/" in link]
    assert url in html and "Open mijn plan" in html

    laptop = Client()  # another browser: no cookie of Anna's yet
    opened = laptop.get(url[len(BASE) :])
    assert opened.status_code == 302 and opened.url == reverse("plan")
    assert opened["Referrer-Policy"] == "same-origin"
    assert laptop.get(reverse("plan")).context["player"] == anna
    assert save(laptop, [item("thema-1-3"), item("thema-2-4")]).json()["count"] == 2
    assert plan_of(bob) == []


def test_a_forged_or_other_purpose_plan_link_opens_nothing(game):
    workshop, _, (anna, *_) = game
    end(workshop)
    stop_token = make_token(anna.pk, "plan", salt="game.followups.stop")
    for token in (stop_token, make_token(anna.pk, "plan", salt=PLAN_SALT) + "x", "abc"):
        browser = Client()
        answer = browser.get(reverse("plan_open", kwargs={"token": token}))
        assert answer.status_code == 404
        assert PLAYER_COOKIE not in answer.cookies
        assert browser.get(reverse("plan")).status_code == 302  # to the join page


def test_after_the_grace_the_plan_mail_has_no_link_and_an_old_link_shows_the_plan_only(game, smtp):
    workshop, _, (anna, *_) = game
    plan_save(player=anna, items=[item("thema-1-1")])
    contact_set(player=anna, email="anna@example.org", consent=True, language="nl")
    old_link = reverse("plan_open", kwargs={"token": make_token(anna.pk, "plan", salt=PLAN_SALT)})
    end(workshop, days_ago=8)
    followups_run(base_url=BASE, as_of=workshop.ended + timedelta(hours=1))
    (mail,) = smtp.wait_for(1)
    assert not [link for link in links(parts(mail)[0]) if "/plan/open/" in link]
    browser = Client()
    assert browser.get(old_link).status_code == 302
    page = browser.get(reverse("plan"))
    assert page.context["player"] == anna and page.context["data"]["editable"] is False


def test_the_facilitator_sets_how_long_plans_stay_open(game):
    workshop, _, _ = game
    host = host_client(workshop)
    action = reverse("host:action", kwargs={"code": workshop.code})
    times = {"action": "followup_times", "followup_weeks_1": 4, "followup_weeks_2": 12}
    host.post(action, {**times, "plan_days": 14})
    assert Workshop.objects.get(pk=workshop.pk).plan_days == 14
    host.post(action, times)  # a form of before the setting: the days stay
    assert Workshop.objects.get(pk=workshop.pk).plan_days == 14
    for wrong in (91, -1, "abc", "1e3"):
        answer = host.post(action, {**times, "plan_days": wrong}, HTTP_ACCEPT="application/json")
        assert answer.status_code == 400
        assert Workshop.objects.get(pk=workshop.pk).plan_days == 14
    end(workshop)
    panel = host.get(reverse("host:panel", kwargs={"code": workshop.code})).content.decode()
    assert 'id="plans-until"' in panel and "Spelers kunnen hun plan schrijven tot" in panel
