"""The issue's scenario, end to end: a session of 3 players (2 with an address),
`send_followups --as-of` four weeks later delivers exactly 2 mails to a real SMTP server
on loopback; each link opens its check-in page without changing anything until it is
posted; after one player posts one card "started", the programme page says 3 reached,
3 plans, 2 addresses, 2 follow-ups sent, 1 checked in, 1 activated; a second run sends
nothing; the unsubscribe erases the address."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from game.models import CheckIn, Mail, PlanItem, PlayerContact
from game.programmes.services import programme_add_session, programme_create
from tests.followups.builders import BASE, ended_session, links, path_of
from tests.followups.smtp import parts

pytestmark = pytest.mark.django_db


def figures_on(page: str) -> dict[str, int]:
    return {
        key: int(value)
        for key, value in re.findall(r'data-figure="(\w+)"><strong>(\d+)</strong>', page)
    }


def test_the_plan_comes_back_and_the_programme_counts_what_it_set_in_motion(smtp):
    """The whole story of issue 20 against a real SMTP server."""
    session = ended_session()
    anna, bob, cees = session.players
    four_weeks = session.day(weeks=4).isoformat()

    call_command("send_followups", "--as-of", four_weeks, "--base-url", BASE, stdout=None)

    mails = smtp.received
    assert sorted(m["To"] for m in mails) == ["anna@example.org", "bob@example.org"]
    assert Mail.objects.filter(status=Mail.Status.SENT, kind="followup-1").count() == 2
    # The plan was due too; the follow-up carries the whole plan, so it went instead.
    assert set(Mail.objects.filter(kind="plan").values_list("status", flat=True)) == {"skipped"}

    to_anna = next(m for m in mails if m["To"] == "anna@example.org")
    text, _html = parts(to_anna)
    checkin = next(link for link in links(text) if "/plan/checkin/" in link)
    phone = Client()
    for link in [checkin, *(lk for lk in links(_html) if "/plan/checkin/" in lk)]:
        page = phone.get(path_of(link.replace("&amp;", "&")))
        assert page.status_code == 200
    assert CheckIn.objects.count() == 0  # opening the links (a mail scanner too) changed nothing

    item = PlanItem.objects.filter(player=anna).order_by("position").first()
    posted = phone.post(path_of(checkin), {f"status-{item.pk}": "started", f"note-{item.pk}": ""})
    assert posted.status_code == 302
    assert CheckIn.objects.get().status == "started"

    host = Client()
    host.force_login(session.workshop.facilitator)
    programme = programme_create(owner=session.workshop.facilitator, name="Twente 2027")
    programme_add_session(
        programme=programme, by=session.workshop.facilitator, code=session.workshop.code
    )
    page = host.get(f"/host/programmes/{programme.pk}/").content.decode()
    assert figures_on(page) == {
        "reached": 3,
        "plans": 3,
        "addresses": 2,
        "with_mate": 0,
        "followups_sent": 2,
        "checked_in": 1,
        "activated": 1,
    }
    assert "anna@example.org" not in page and "bob@example.org" not in page

    call_command("send_followups", "--as-of", four_weeks, "--base-url", BASE, stdout=None)
    assert len(smtp.received) == 2  # a second run sends nothing

    stop = str(to_anna["List-Unsubscribe"]).strip().strip("<>")
    one_click = Client(enforce_csrf_checks=True).post(
        path_of(stop),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    contact = PlayerContact.objects.get(player=anna)
    assert contact.email == "" and contact.stopped is not None
    assert PlayerContact.objects.get(player=bob).email == "bob@example.org"
    assert not PlayerContact.objects.filter(player=cees).exists()
