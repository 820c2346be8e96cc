"""send_followups against a real SMTP server on loopback: what arrives (headers, both
parts, links, language), the schedule (--as-of, --dry-run), a server that refuses or is
down (retried at the next run, never sent twice), and a bounce (no more reminders)."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from game.followups.consent import contact_set, plan_mail_request
from game.followups.mail import followups_run
from game.followups.schedule import end_of_day, workshop_set_followups
from game.models import Mail, PlayerContact, Workshop
from tests.followups.builders import BASE, ended_session, links
from tests.followups.smtp import parts

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_followups", "--base-url", BASE, *args, stdout=out)
    return out.getvalue()


def test_the_plan_goes_right_after_the_session_with_its_cards_and_links(smtp):
    """A run after the end sends each plan once: text and HTML, the cards' call to action
    and absolute link, the stop headers of RFC 8058, in the player's language."""
    session = ended_session()
    assert "Sent 2," in run()
    by_to = {m["To"]: m for m in smtp.received}
    assert set(by_to) == {"anna@example.org", "bob@example.org"}
    anna, bob = by_to["anna@example.org"], by_to["bob@example.org"]
    assert anna["Subject"] == "Je actieplan van Regio Twente"
    assert bob["Subject"] == "Your action plan from Regio Twente"
    assert anna["From"] == "Innovation on Track <kwartet@example.org>"
    assert anna["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(anna["List-Unsubscribe"]).strip().startswith(f"<{BASE}/plan/stop/")
    assert anna.get_content_type() == "multipart/alternative"
    text, html = parts(anna)
    card = session.players[0].plan.order_by("position").first().card
    assert card.title in text and card.call_to_action in text
    assert f"{BASE}{card.get_absolute_url()}" in text and f"{BASE}{card.get_absolute_url()}" in html
    assert "Wat ik ga doen: Plan 0 één" in text
    assert "Stop deze mails" in text and "Stop deze mails" in html
    assert "<img" not in html  # no remote images, no trackers
    assert all(link.startswith(BASE) for link in links(text))
    assert "What I will do: Plan 1 één" in parts(bob)[0]  # Bob chose English
    assert run().startswith("Sent 0,")  # the same day again: nothing twice
    assert len(smtp.received) == 2


def test_a_session_name_with_a_line_break_still_makes_a_one_line_subject(smtp):
    """Names were not checked before: such a row must not fail its mails forever."""
    session = ended_session()
    Workshop.objects.filter(pk=session.workshop.pk).update(name="Regio\r\nTwente\n")
    assert "Sent 2," in run()
    subjects = {m["Subject"] for m in smtp.received}
    assert subjects == {"Je actieplan van Regio Twente", "Your action plan from Regio Twente"}


def test_the_follow_ups_keep_to_the_schedule_of_the_session(smtp):
    """Nothing more before four weeks; the first follow-up on its day, with a check-in
    link per card; the second at twelve weeks; none after."""
    session = ended_session()
    run()  # the plans
    assert run(
        "--as-of",
        session.day(
            weeks=4,
        )
        .__sub__(timedelta(days=1))
        .isoformat(),
    ).startswith("Sent 0,")
    assert run("--as-of", session.day(weeks=4).isoformat()).startswith("Sent 2,")
    followup = smtp.received[-1]
    text, html = parts(followup)
    assert "/plan/checkin/" in text
    for value in ("done", "started", "not_yet", "dropped"):
        assert "status-" in html and f"={value}#card-" in html
    assert run("--as-of", session.day(weeks=11).isoformat()).startswith("Sent 0,")
    assert run("--as-of", session.day(weeks=12).isoformat()).startswith("Sent 2,")
    assert run("--as-of", session.day(weeks=30).isoformat()).startswith("Sent 0,")
    kinds = sorted(Mail.objects.filter(status="sent").values_list("kind", flat=True))
    assert kinds == ["followup-1"] * 2 + ["followup-2"] * 2 + ["plan"] * 2


def test_a_dry_run_lists_what_would_go_and_sends_and_writes_nothing(smtp):
    session = ended_session()
    out = run("--dry-run", "--as-of", session.day(weeks=4).isoformat())
    assert out.count("would send followup-1 (instead of plan)") == 2
    assert "2 mail(s) would be sent." in out
    assert "@" not in out.replace("Innovation", "")  # no address in the listing
    assert smtp.received == [] and Mail.objects.count() == 0


def test_follow_ups_set_to_0_are_not_sent(smtp):
    session = ended_session()
    workshop_set_followups(
        workshop=session.workshop,
        by=session.workshop.facilitator,
        followup_weeks_1=0,
        followup_weeks_2=6,
    )
    assert run("--as-of", session.day(weeks=5).isoformat()).startswith("Sent 2,")  # the plans
    assert run("--as-of", session.day(weeks=6).isoformat()).startswith("Sent 2,")
    assert not Mail.objects.filter(kind="followup-1").exists()
    assert Mail.objects.filter(kind="followup-2", status="sent").count() == 2


def test_a_refusing_server_is_retried_at_the_next_run_and_each_mail_goes_once(smtp, caplog):
    """451 for the first recipient, then 250: the refused mail waits for the next run
    (10 minutes later, within the 15-minute timer) and then goes, once."""
    ended_session()
    smtp.handler.refuse = ["451 4.3.0 Try again later"]
    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="game.followups"):
        first = followups_run(now=now, base_url=BASE)
    assert (len(first.sent), len(first.retry)) == (1, 1)
    refused = Mail.objects.get(status="pending")
    assert refused.attempts == 1 and "451" in refused.last_error
    assert refused.next_attempt == now + timedelta(minutes=10)
    warnings = [r for r in caplog.records if "retry in 10 min" in r.getMessage()]
    assert len(warnings) == 1 and "\n" not in warnings[0].getMessage()
    assert len(followups_run(now=now + timedelta(minutes=5), base_url=BASE).sent) == 0
    second = followups_run(now=now + timedelta(minutes=15), base_url=BASE)
    assert len(second.sent) == 1
    assert sorted(m["To"] for m in smtp.received) == ["anna@example.org", "bob@example.org"]
    assert Mail.objects.filter(status="sent").count() == 2


def test_a_server_that_is_down_loses_nothing(smtp, settings):
    """Nothing listens: every mail waits with a back-off; when the server is back, each
    goes once."""
    ended_session()
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # the discard port: refused at once
    now = timezone.now()
    down = followups_run(now=now, base_url=BASE)
    assert len(down.retry) == 2 and not down.sent
    again = followups_run(now=now + timedelta(minutes=11), base_url=BASE)
    assert len(again.retry) == 2
    assert set(Mail.objects.values_list("attempts", flat=True)) == {2}
    assert Mail.objects.first().next_attempt == now + timedelta(minutes=11 + 30)
    settings.EMAIL_PORT = port
    back = followups_run(now=now + timedelta(minutes=45), base_url=BASE)
    assert len(back.sent) == 2 and len(smtp.received) == 2


def test_a_bounced_address_gets_no_more_reminders(smtp):
    session = ended_session()
    smtp.handler.bounce = {"bob@example.org"}
    report = followups_run(base_url=BASE)
    assert len(report.bounced) == 1 and len(report.sent) == 1
    bob = PlayerContact.objects.get(player=session.players[1])
    assert bob.email == "" and bob.bounced is not None
    later = followups_run(as_of=end_of_day(session.day(weeks=12)), base_url=BASE)
    assert [m["To"] for m in smtp.received] == ["anna@example.org", "anna@example.org"]
    assert len(later.sent) == 1


def test_a_session_moved_to_another_server_sends_nothing_here(smtp):
    from game.followups.transfer import workshop_mark_moved

    session = ended_session()
    workshop_mark_moved(workshop=session.workshop)
    assert run("--as-of", session.day(weeks=12).isoformat()).startswith("Sent 0,")
    assert smtp.received == []


def test_the_command_needs_absolute_links_and_a_real_date(settings):
    settings.PUBLIC_URL = ""
    with pytest.raises(CommandError, match="PUBLIC_URL"):
        call_command("send_followups", stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_followups", "--as-of", "next week", "--base-url", BASE)


def test_a_player_who_asks_gets_the_plan_before_the_session_ends(smtp):
    """ "Send me my plan now" while the session is still open; asking again at once is
    refused with the minutes to wait."""
    from game.errors import Refused
    from game.plans.services import plan_save
    from tests.tables import session_with_table

    workshop, _table, (anna, *_rest) = session_with_table(("Anna", "Bob"), start=False)
    card = workshop.deck.themes.first().cards.first()
    plan_save(player=anna, items=[{"card": card.key, "action": "Doen"}])
    contact_set(player=anna, email="anna@example.org", consent=True)
    plan_mail_request(player=anna)
    assert len(followups_run(base_url=BASE).sent) == 1
    assert smtp.received[0]["To"] == "anna@example.org"
    with pytest.raises(Refused) as refused:
        plan_mail_request(player=anna)
    assert refused.value.code == "mail_just_sent"
