"""Learning circles across a programme, end to end, in real browsers against a real SMTP
server on loopback: an organiser makes two sessions and a programme with both in it;
five players (three of one session, two of the other) join on their phones, write a plan
with the same card, leave their address with consent and tick "ik wil met anderen verder
in een leerkring". On the programme page the organiser proposes circles (one circle of
the five) and sends the invitations: five invitation mails. Three of them, of both
sessions, open the link in their mail on their phone and tap "Meedoen"; one taps "Nee
dank je"; one does nothing. Exactly those three get the introduction mail, each with the
other two's first names and addresses and nobody else's; the programme page shows the
circle with five proposed and three yeses, and no address at all.

Screenshots in tests/browser/screenshots/ (circles-*.png): the plan page with the
opt-in ticked at 360x640, the programme page's circles section at 1280x800, the answer
page on the phone at 360x640 before and after the tap.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser import mailed
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_followups import add_card
from tests.browser.test_session_flow import create_session, join

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

# Mails go to a real SMTP server (tests/browser/mailed.py).
smtp_server, site = mailed.smtp_server, mailed.site

PROGRAMME = "Leerkringen Twente 2027"
SESSIONS = {"Kring Enschede": ("Anna", "Bob", "Cees"), "Kring Hengelo": ("Dirk", "Els")}
YES = ("Anna", "Dirk", "Els")
NO = "Bob"
SILENT = "Cees"
INVITE = "Een uitnodiging voor de leerkring"
INTRO = "Maak kennis met je leerkring"
OPTED_IN = "Opgeslagen: je krijgt per mail een uitnodiging voor een leerkring."


def address(name: str) -> str:
    return f"{name.lower()}@example.org"


def mails_with(smtp_server, subject: str) -> list[Any]:
    return [m for m in smtp_server.received if subject in m["Subject"]]


def wait_for_mails(smtp_server, subject: str, count: int, timeout: float = 20.0) -> list[Any]:
    """The mails whose subject holds ``subject``, once there are ``count`` of them,
    waiting at most ``timeout`` seconds; then a moment longer, so that one too many
    would show."""
    deadline = time.monotonic() + timeout
    while len(mails_with(smtp_server, subject)) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            subjects = [(m["To"], m["Subject"]) for m in smtp_server.received]
            pytest.fail(f"not {count} mails {subject!r} in {timeout:.0f} s: {subjects}")
        smtp_server.wait_for(len(smtp_server.received) + 1, timeout=min(left, 1.0))
    time.sleep(1.0)
    return mails_with(smtp_server, subject)


def subject_of(mail) -> str:
    """The subject as a mail client shows it: Python's compat32 folding puts a non-ASCII
    subject's encoded word on a continuation line, which the parser keeps a space of."""
    return " ".join(mail["Subject"].split())


def text_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def answer_link(mail) -> str:
    return re.search(r"https?://\S+/plan/circle/\S+/", text_of(mail))[0]


def make_programme(page: Page, name: str, sessions: dict[str, str]) -> str:
    """A new programme on /host/programmes/ with the sessions (name -> code) in it; its
    URL."""
    page.goto("/host/programmes/")
    page.fill("#id_name", name)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/host/programmes/\d+/$"))
    for session_name, code in sessions.items():
        page.select_option("#add-session", code)
        page.click("button[value=add_session]")
        expect(page.locator("#programme-sessions tbody th")).to_contain_text([session_name])
    expect(page.locator("#programme-sessions tbody th")).to_have_count(len(sessions))
    return page.url.split("#")[0]


def opt_in(phone: Page, name: str) -> None:
    """On the plan page: one card (the same first card for everyone), the address with
    consent, and the learning circle ticked."""
    phone.goto("/plan/")
    add_card(phone, 0)
    phone.fill("#plan-email", address(name))
    phone.locator("#plan-consent").tap()
    expect(phone.locator("#plan-mail-status")).to_contain_text("je plan komt naar")
    circle = phone.locator("#plan-circle")
    expect(circle).not_to_be_checked()
    circle.tap()
    expect(phone.locator("#plan-mail-status")).to_have_text(OPTED_IN)
    expect(circle).to_be_checked()


def test_five_players_opt_in_three_say_yes_and_only_they_are_introduced(
    site: LiveServer, smtp_server, facilitator_page: Page, phones
):
    # The organiser's two sessions, and a programme with both in it, before any phone
    # opens its plan page (the opt-in shows only for a session of a programme).
    facilitator_page.set_viewport_size({"width": 1280, "height": 800})
    codes = {name: create_session(facilitator_page, name) for name in SESSIONS}
    programme = make_programme(facilitator_page, PROGRAMME, codes)
    section = facilitator_page.locator("section.circles")
    expect(section).to_contain_text("0 mensen")  # nobody opted in yet
    expect(section.locator("button[value=circles_propose]")).to_have_count(0)

    # Five phones join their session (not seated: a plan needs no game) and opt in.
    players: dict[str, Page] = {}
    for session_name, names in SESSIONS.items():
        for name in names:
            players[name] = phones()
            join(players[name], codes[session_name], name)
    for name, phone in players.items():
        opt_in(phone, name)
    anna = players["Anna"]
    anna.locator("#plan-circle").scroll_into_view_if_needed()
    screenshot(anna, "circles-plan-opt-in", full_page=False)
    width = anna.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the plan page scrolls sideways at 360 px ({width})"
    anna.reload()  # the tick is kept
    expect(anna.locator("#plan-circle")).to_be_checked()

    # The organiser proposes circles: one circle of the five, of both sessions.
    facilitator_page.goto(programme)
    expect(section).to_contain_text("5 mensen")
    section.locator("button[value=circles_propose]").click()
    circle = section.locator("article.circle")
    expect(circle).to_have_count(1)
    expect(circle).to_have_attribute("data-size", "5")
    expect(circle).to_have_attribute("data-yes", "0")
    members = circle.locator("li[data-member]")
    expect(members).to_have_count(5)
    for session_name, names in SESSIONS.items():
        for name in names:
            expect(members.filter(has_text=name)).to_contain_text(session_name)
    expect(circle.locator("h3 .badge")).to_have_text("voorgesteld")
    circle_name = circle.locator("h3").evaluate("(h) => h.firstChild.textContent").strip()
    assert circle_name.startswith("Leerkring 1"), circle_name
    expect(section.locator("button[value=circles_propose]")).to_have_count(0)  # none waiting

    # The invitations: five mails, one to each, with a link of their own.
    circle.locator("button[value=circle_invite]").click()
    circle = section.locator("article.circle")
    expect(circle).to_have_count(1)
    site.manage("send_followups", "--base-url", site.url)
    invitations = wait_for_mails(smtp_server, INVITE, 5)
    assert sorted(m["To"] for m in invitations) == sorted(address(n) for n in players)
    links = {}
    for mail in invitations:
        assert subject_of(mail) == f"{INVITE} {circle_name}", mail["Subject"]
        text = text_of(mail)
        assert "@example.org" not in text.replace(mail["To"], ""), text  # nobody else's
        links[mail["To"]] = answer_link(mail)
    assert len(set(links.values())) == 5

    # Three say yes on their phones (Anna of one session, Dirk and Els of the other).
    for n, name in enumerate(YES):
        phone = players[name]
        phone.goto(links[address(name)])
        expect(phone.locator("h1")).to_have_text(circle_name)
        join_button = phone.locator("button[name=answer][value=yes]")
        expect(join_button).to_have_text("Meedoen")
        if n == 0:
            screenshot(phone, "circles-answer", full_page=False)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"the answer page scrolls sideways at 360 px ({width})"
        join_button.tap()
        expect(phone.locator("#circle-joined")).to_be_visible()
        if n == len(YES) - 1:
            # The third yes: her page says at once that the circle has started.
            expect(phone.locator("#circle-joined")).to_contain_text("De kring is begonnen")
            screenshot(phone, "circles-answer-joined", full_page=False)
            # Opened again, her link still says so.
            phone.goto(links[address(name)])
            expect(phone.locator("#circle-joined")).to_contain_text("De kring is begonnen")
    # Bob says no thanks; Cees does nothing.
    bob = players[NO]
    bob.goto(links[address(NO)])
    no_button = bob.locator("button[name=answer][value=no]")
    expect(no_button).to_have_text("Nee dank je")
    no_button.tap()
    expect(bob.locator("#circle-declined")).to_be_visible()

    # Exactly those three get the introduction, each with the other two and no one else.
    site.manage("send_followups", "--base-url", site.url)
    intros = wait_for_mails(smtp_server, INTRO, 3)
    assert sorted(m["To"] for m in intros) == sorted(address(n) for n in YES)
    for mail in intros:
        assert subject_of(mail) == f"{INTRO} {circle_name}", mail["Subject"]
        text = text_of(mail)
        me = next(n for n in YES if address(n) == mail["To"])
        for other in YES:
            if other != me:
                assert f"- {other}: {address(other)}" in text, text
        assert f"- {me}:" not in text, text
        for outside in (NO, SILENT):
            assert address(outside) not in text, text
            assert f"- {outside}" not in text, text
    anna_intro = next(m for m in intros if m["To"] == address("Anna"))
    anna_text = text_of(anna_intro)
    assert address("Dirk") in anna_text and address("Els") in anna_text, anna_text
    assert address("Bob") not in anna_text and address("Cees") not in anna_text, anna_text

    # No more mails of either kind, however often the outbox runs.
    site.manage("send_followups", "--base-url", site.url)
    time.sleep(1.0)
    assert len(mails_with(smtp_server, INVITE)) == 5
    assert len(mails_with(smtp_server, INTRO)) == 3

    # The programme page: the circle with its counts, and never an address.
    facilitator_page.reload()
    circle = section.locator("article.circle")
    expect(circle).to_have_count(1)
    expect(circle).to_have_attribute("data-size", "5")
    expect(circle).to_have_attribute("data-yes", "3")
    expect(circle.locator(".circle-figures")).to_contain_text(
        "5 voorgesteld · 3 ja · 1 nee dank je"
    )
    expect(circle.locator("h3 .badge")).to_have_text("kennisgemaakt")
    expect(facilitator_page.locator("body")).not_to_contain_text("@example.org")
    section.scroll_into_view_if_needed()
    screenshot(facilitator_page, "circles-programme", full_page=False)
    html = facilitator_page.content()
    assert "@example.org" not in html
