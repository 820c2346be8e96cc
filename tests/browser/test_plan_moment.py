"""The plan moment, in real browsers against a real SMTP server on loopback: a room of
six plays; the facilitator starts the plan phase (with the minute's countdown), every
phone goes to its plan page and the projector's count rises as phones write; the
session ends and a player who had no plan yet writes one afterwards; two table-mates
become plan mates by both saying yes; one checks in "started" on a follow-up and the
other's next follow-up shows it; the programme page's funnel counts plans with a mate.

Screenshots in tests/browser/screenshots/ (plan-moment-*.png): the plan page at 360x640,
the projector at 1280x720.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from typing import Any

from tests.browser import mailed
from tests.browser.conftest import LiveServer, screenshot, wait_until
from tests.browser.test_followups import add_card
from tests.browser.test_session_flow import Session, create_session, join, play

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

# Mails go to a real SMTP server (tests/browser/mailed.py).
smtp_server, site = mailed.smtp_server, mailed.site

NAMES = ("Anna", "Bob", "Cees", "Dirk", "Els", "Fay")
WITH_ADDRESS = ("Anna", "Bob", "Cees", "Dirk")  # they write in the plan phase


def mail_to(smtp_server, address: str, subject: str, count: int) -> Any:
    """The last mail to ``address`` whose subject holds ``subject``, once the server
    has ``count`` mails."""
    received = smtp_server.wait_for(count, timeout=15)
    found = [m for m in received if m["To"] == address and subject in m["Subject"]]
    assert found, f"no mail {subject!r} to {address} in {[m['Subject'] for m in received]}"
    return found[-1]


def text_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def link_in(mail, part: str) -> str:
    return re.search(rf"https?://\S+/plan/{part}/\S+/", text_of(mail))[0]


def room_of_six(facilitator_page: Page, phones) -> Session:
    """Six phones join; the facilitator seats them (two tables of three) and starts."""
    session = Session(
        code=create_session(facilitator_page, "Planmoment Twente"), dashboard=facilitator_page
    )
    for name in NAMES:
        session.players[name] = phones()
        join(session.players[name], session.code, name)
    facilitator_page.click("button[value=arrange]")
    for phone in session.phones:
        wait_until(phone, "window.__messages.some((m) => m.type === 'view' && m.table)")
    facilitator_page.click("button[value=start_all]")
    for phone in session.phones:
        expect(phone.locator("#hand")).not_to_be_empty()
    return session


def write_plan(phone: Page, index: int, address: str = "") -> None:
    add_card(phone, index)
    if address:
        phone.fill("#plan-email", address)
        phone.locator("#plan-consent").tap()
        expect(phone.locator("#plan-mail-status")).to_contain_text("je plan komt naar")


def test_the_plan_moment_from_the_room_to_the_follow_ups(
    site: LiveServer, smtp_server, facilitator_page: Page, phones, projector
):
    session = room_of_six(facilitator_page, phones)
    play(session, random.Random(29), seconds=120, max_asks=8)
    screen = projector(session.code)
    screen.set_viewport_size({"width": 1280, "height": 720})

    # The plan phase, with the minute's countdown: every phone goes to its plan page.
    facilitator_page.locator("#dash-plans input[name=countdown]").check()
    facilitator_page.click("button[value=plan_phase]")
    for phone in session.phones:
        phone.wait_for_url("**/plan/")
    count = screen.locator("#pj-plans-count")
    expect(count).to_have_text("0 van 6 hebben een plan")
    expect(screen.locator("#pj-countdown")).to_have_text(re.compile(r"^[01]:\d\d$"))

    # The count rises as phones write, one by one.
    for n, name in enumerate(WITH_ADDRESS, start=1):
        write_plan(session.players[name], n, f"{name.lower()}@example.org")
        expect(count).to_have_text(f"{n} van 6 hebben een plan")
    expect(screen.locator(".pj-plans-tables li")).to_have_count(2)
    screen.wait_for_timeout(300)  # the bar's width eases in
    screenshot(screen, "plan-moment-projector", full_page=False)
    assert screen.evaluate("document.documentElement.scrollHeight") <= 720

    # The dashboard: who has a plan and who not yet, by name only.
    missing = facilitator_page.locator(".plans-missing")
    expect(missing).to_contain_text("Els")
    expect(missing).to_contain_text("Fay")
    expect(missing).not_to_contain_text("Anna")
    expect(facilitator_page.locator("#plans-count")).to_have_text("4 van 6 hebben een plan")
    expect(facilitator_page.locator(".badge-no-plan")).to_have_count(2)
    facilitator_page.locator("#dash-plans").scroll_into_view_if_needed()
    screenshot(facilitator_page, "plan-moment-dashboard", full_page=False)

    # Plan mates: Anna asks a table-mate with an address, who says yes on their own phone.
    anna = session.players["Anna"]
    mates = anna.locator("#mates-list .mate")
    expect(mates).to_have_count(2)
    mate_name = next(n for n in mates.locator(".mate-name").all_inner_texts() if n in WITH_ADDRESS)
    anna.locator(f"#mates-list .mate:has-text('{mate_name}') button").tap()
    expect(anna.locator(f"#mates-list .mate:has-text('{mate_name}')")).to_contain_text(
        "wacht op hun ja"
    )
    mate = session.players[mate_name]
    asked = mate.locator("#mates-list .mate:has-text('Anna')")
    expect(asked).to_contain_text("vraagt of jullie planmaatjes worden", timeout=20_000)
    asked.locator("button", has_text="Ja").tap()
    expect(asked).to_contain_text("Planmaatjes ✓")
    expect(anna.locator(f"#mates-list .mate:has-text('{mate_name}')")).to_contain_text(
        "Planmaatjes ✓", timeout=20_000
    )
    anna.locator("#plan-mates").scroll_into_view_if_needed()
    screenshot(anna, "plan-moment-plan-page", full_page=False)
    screenshot(anna, "plan-moment-plan-page-full")
    width = anna.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the plan page scrolls sideways at 360 px ({width})"
    small = anna.evaluate(
        """() => [...document.querySelectorAll('#plan-mates button')]
             .filter((b) => b.getBoundingClientRect().height < 44).length"""
    )
    assert small == 0

    # The session ends; Els, who had no plan yet, writes one afterwards.
    mails_before = len(smtp_server.received)
    facilitator_page.once("dialog", lambda dialog: dialog.accept())
    facilitator_page.click("button[value=end]")
    wait_until(facilitator_page, "document.querySelector('.badge-over') !== null")
    els = session.players["Els"]
    els.reload()
    expect(els.locator("#plan-grace")).to_be_visible()
    write_plan(els, 0)
    expect(count).to_have_text("5 van 6 hebben een plan")
    smtp_server.wait_for(mails_before + 4)  # the four plans went at the end

    # Four weeks on: the mate checks in "started" from their follow-up, on their phone.
    weeks_4 = (date.today() + timedelta(weeks=4, days=1)).isoformat()
    site.manage("send_followups", "--as-of", weeks_4, "--base-url", site.url)
    address = f"{mate_name.lower()}@example.org"
    followup = mail_to(smtp_server, address, "Hoe staat", mails_before + 8)
    assert "Anna" in text_of(followup)  # their plan mate, nothing started yet
    mate.goto(link_in(followup, "checkin"))
    card = mate.locator(".checkin-card").first
    title = card.locator("legend").inner_text()
    card.locator("input[value=started]").check()
    card.locator("input[name^=note]").fill("Een geheime notitie")
    mate.locator("main button[type=submit]").tap()
    expect(mate.locator(".checkin-saved")).to_be_visible()

    # Anna's next follow-up shows it: the card's title and "begonnen", never the note.
    weeks_12 = (date.today() + timedelta(weeks=12, days=1)).isoformat()
    site.manage("send_followups", "--as-of", weeks_12, "--base-url", site.url)
    second = mail_to(smtp_server, "anna@example.org", "Hoe staat", mails_before + 12)
    text = text_of(second)
    card_title = re.sub(r"^\d+\s*", "", title.splitlines()[0]).strip()
    assert f"{card_title} (begonnen)" in text, text
    assert "geheime notitie" not in text.lower()
    # Her thumbs-up reaches the mate by mail.
    anna.goto(link_in(second, "thumbs"))
    anna.locator("main button[type=submit]").tap()
    expect(anna.locator("h1")).to_contain_text("Verstuurd")
    thumbs = mail_to(smtp_server, address, "duimpje", mails_before + 13)
    assert thumbs["Subject"] == "Anna stuurt je een duimpje voor je plan"

    # The programme page: the funnel with "met een planmaatje", and the comparison.
    facilitator_page.set_viewport_size({"width": 1280, "height": 800})
    facilitator_page.goto("/host/programmes/")
    facilitator_page.fill("#id_name", "Twente 2027")
    facilitator_page.click("main form button[type=submit]")
    facilitator_page.wait_for_url(re.compile(r"/host/programmes/\d+/$"))
    facilitator_page.select_option("#add-session", session.code)
    facilitator_page.click("button[value=add_session]")
    tiles = facilitator_page.locator("#programme-total")
    expect(tiles.locator("[data-figure=plans] strong")).to_have_text("5")
    expect(tiles.locator("[data-figure=with_mate] strong")).to_have_text("2")
    stage = facilitator_page.locator(".funnel-with_mate")
    expect(stage).to_have_attribute("data-count", "2")
    expect(stage).to_contain_text("met een planmaatje")
    rows = facilitator_page.locator("#programme-mates tbody tr")
    expect(rows.nth(0)).to_contain_text("50%")  # of the two with a mate, one checked in
    expect(facilitator_page.locator("main")).not_to_contain_text(mate_name)
    screenshot(facilitator_page, "plan-moment-programme")
