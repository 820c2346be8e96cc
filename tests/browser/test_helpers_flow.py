"""Who can help, end to end, in real browsers against a real SMTP server on loopback: an
organiser makes a programme, adds a session and imports helpers from their own CSV
through the programme page's upload form; the session plays (two phones seated and
started); a player writes a plan with the card a helper is for and leaves her address;
the session ends and her plan mail names the helper for that card (without the helper's
address, which the organiser did not tick to show); on her first follow-up's check-in
page she asks that helper for help; the helper's mail arrives with her address as
Reply-To, the card in its subject and her question in its text; the helper opens the
mail's link (a GET, which counts nothing) and taps "Ik heb contact opgenomen"; the
programme page then counts one request and one contact for that helper, and never shows
the player's address.

Screenshots in tests/browser/screenshots/ (helpers-*.png): the programme page's helpers
section at 1280x800, the check-in page's help form on the phone at 360x640, the helper's
page before and after the tap.
"""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import date, timedelta
from typing import Any

import pytest

from tests.browser import mailed
from tests.browser.conftest import LiveServer, screenshot, wait_until
from tests.browser.test_followups import add_card
from tests.browser.test_session_flow import Session, create_session, join, start

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

# Mails go to a real SMTP server (tests/browser/mailed.py).
smtp_server, site = mailed.smtp_server, mailed.site

PLAYER = "anna@example.org"
HELPER = "Ans de Vries"
HELPER_EMAIL = "ans@kvk.example"
ORGANISATION = "KVK Oost"
OFFER = "Een gesprek van een uur over je eerste stap"
HELPER_URL = "https://www.kvk.example/hulp"
QUESTION = "Wie in Twente heeft dit al eens gedaan?"
COLUMNS = ["name", "organisation", "email", "phone", "url", "region", "themes", "cards", "offer"]


def mails_to(smtp_server, address: str, subject: str) -> list[Any]:
    return [m for m in smtp_server.received if m["To"] == address and subject in m["Subject"]]


def wait_for_mail(smtp_server, address: str, subject: str, timeout: float = 20.0) -> Any:
    """The last mail to ``address`` whose subject holds ``subject``, waiting for it at
    most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = mails_to(smtp_server, address, subject)
        if found:
            return found[-1]
        left = deadline - time.monotonic()
        if left <= 0:
            subjects = [(m["To"], m["Subject"]) for m in smtp_server.received]
            pytest.fail(f"no mail {subject!r} to {address} in {timeout:.0f} s: {subjects}")
        smtp_server.wait_for(len(smtp_server.received) + 1, timeout=min(left, 1.0))


def text_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def link_in(mail, part: str) -> str:
    return re.search(rf"https?://\S+/plan/{part}/\S+/", text_of(mail))[0]


def helpers_csv(card_title: str) -> bytes:
    """The organiser's own file: one helper for ``card_title``, with an address (not
    ticked to be shown to players: an import never ticks it)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(
        [HELPER, ORGANISATION, HELPER_EMAIL, "", HELPER_URL, "Twente", "", card_title, OFFER]
    )
    return out.getvalue().encode("utf-8")


def make_programme(page: Page, name: str, code: str, session_name: str) -> str:
    """A new programme on /host/programmes/ with the session ``code`` in it; its URL."""
    page.goto("/host/programmes/")
    page.fill("#id_name", name)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/host/programmes/\d+/$"))
    page.select_option("#add-session", code)
    page.click("button[value=add_session]")
    expect(page.locator("#programme-sessions tbody th")).to_contain_text(session_name)
    return page.url.split("#")[0]


def import_helpers(page: Page, content: bytes) -> None:
    """The organiser uploads their CSV through the programme page's form."""
    form = page.locator("form.helper-import")
    page.set_input_files(
        "#helpers-file", files=[{"name": "helpers.csv", "mimeType": "text/csv", "buffer": content}]
    )
    form.locator("button").click()
    expect(page.locator(".messages")).to_contain_text("1 helpers ingelezen")


def card_title_of(button) -> str:
    """The title on a plan page's "add" button: "<number> <title> — Toevoegen"."""
    number = button.locator(".card-number").inner_text()
    text = button.inner_text().strip()
    assert text.startswith(number), text
    return text[len(number) :].rsplit(" — ", 1)[0].strip()


def help_row(page: Page) -> list[str]:
    """The programme page's figures for the helper: asked, contact made, activated."""
    row = page.locator(f'#help-figures tr[data-helper="{HELPER}"]')
    expect(row).to_have_count(1)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_an_organisers_helper_is_asked_by_a_player_and_the_contact_is_counted(
    site: LiveServer, smtp_server, facilitator_page: Page, phones
):
    # The organiser's session, and a programme with that session in it.
    facilitator_page.set_viewport_size({"width": 1280, "height": 800})
    code = create_session(facilitator_page, "Hulp in Twente")
    dashboard = facilitator_page.url
    programme = make_programme(facilitator_page, "Twente helpt 2027", code, "Hulp in Twente")
    expect(facilitator_page.locator("#helper-list")).to_contain_text("Nog geen helpers")

    # The session plays: two phones join, are seated and start.
    session = Session(code=code, dashboard=facilitator_page)
    facilitator_page.goto(dashboard)
    for name in ("Anna", "Bob"):
        session.players[name] = phones()
        join(session.players[name], code, name)
    start(session)

    # Anna opens her plan; the card she will add is the one the helper is for.
    anna = session.players["Anna"]
    anna.goto("/plan/")
    card_title = card_title_of(anna.locator(".plan-add").first)
    assert card_title, "no card title on the first plan button"

    # The organiser imports their CSV on the programme page: the helper is listed.
    facilitator_page.goto(programme)
    import_helpers(facilitator_page, helpers_csv(card_title))
    helper = facilitator_page.locator("#helper-list .helper")
    expect(helper).to_have_count(1)
    expect(helper).to_contain_text(HELPER)
    expect(helper).to_contain_text(ORGANISATION)
    expect(helper).to_contain_text(OFFER)
    expect(helper.locator(".helper-for")).to_contain_text(card_title)
    expect(helper).to_contain_text("niet zichtbaar voor spelers")
    facilitator_page.locator("section.helpers").scroll_into_view_if_needed()
    screenshot(facilitator_page, "helpers-programme-import", full_page=False)

    # Anna writes her plan with that card (the plan page names the helper beside it) and
    # leaves her address with consent.
    anna.reload()
    add_card(anna, 0)
    item = anna.locator("#plan-items > li").first
    expect(item.locator("h2")).to_contain_text(card_title)
    expect(item.locator(".plan-helpers")).to_contain_text(HELPER)
    expect(item.locator(".plan-helpers")).not_to_contain_text(HELPER_EMAIL)
    anna.fill("#plan-email", PLAYER)
    anna.locator("#plan-consent").tap()
    expect(anna.locator("#plan-mail-status")).to_contain_text("je plan komt naar")

    # The session ends: the plan mail names the helper for the card, not their address.
    facilitator_page.goto(dashboard)
    facilitator_page.once("dialog", lambda dialog: dialog.accept())
    facilitator_page.click("button[value=end]")
    wait_until(facilitator_page, "document.querySelector('.badge-over') !== null")
    plan = text_of(wait_for_mail(smtp_server, PLAYER, "Je actieplan"))
    assert "Wie kan helpen:" in plan, plan
    after_card = plan[plan.index(card_title) :]
    assert f"- {HELPER} ({ORGANISATION}): {OFFER} {HELPER_URL}" in after_card, plan
    assert HELPER_EMAIL not in plan, plan

    # Four weeks on: the first follow-up's check-in, on her phone, offers to ask for help.
    weeks_4 = (date.today() + timedelta(weeks=4, days=1)).isoformat()
    site.manage("send_followups", "--as-of", weeks_4, "--base-url", site.url)
    followup = wait_for_mail(smtp_server, PLAYER, "Hoe staat")
    anna.goto(link_in(followup, "checkin"))
    ask = anna.locator("details.help-ask")
    expect(ask).to_have_count(1)
    summary = ask.locator("summary")
    expect(summary).to_have_text(f"Ik wil hulp hierbij: {card_title}")
    summary.tap()
    choice = ask.locator("select[name=helper] option")
    expect(choice).to_have_count(1)
    expect(choice).to_contain_text(HELPER)
    ask.locator("input[name=question]").fill(QUESTION)
    ask.locator("input[name=consent]").check()
    ask.scroll_into_view_if_needed()
    screenshot(anna, "helpers-checkin-help", full_page=False)
    width = anna.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the check-in page scrolls sideways at 360 px ({width})"
    ask.locator("button[type=submit]").tap()
    sent = anna.locator("#help .messages")
    expect(sent).to_contain_text("Verstuurd: de helper krijgt je vraag en je adres.")
    expect(sent).to_be_in_viewport()  # where the page opens after asking
    screenshot(anna, "helpers-checkin-sent", full_page=False)

    # The helper's mail: to them, the player's address as Reply-To, the card and question.
    site.manage("send_followups", "--base-url", site.url)  # if the thread did not yet
    mail = wait_for_mail(smtp_server, HELPER_EMAIL, "Vraag om hulp")
    assert mail["Subject"] == f"Vraag om hulp bij {card_title} van Anna"
    assert mail["Reply-To"] == PLAYER
    text = text_of(mail)
    assert QUESTION in text, text
    assert card_title in text, text
    contact = link_in(mail, "help")

    # Opening the link (a GET, as a mail scanner would) counts nothing yet.
    helper_phone = phones()
    helper_phone.goto(contact)
    button = helper_phone.locator("main button[type=submit]")
    expect(button).to_have_text("Ik heb contact opgenomen")
    screenshot(helper_phone, "helpers-contact-ask", full_page=False)
    facilitator_page.goto(programme)
    assert help_row(facilitator_page) == ["1", "0", "0"]

    # The helper's tap counts.
    button.tap()
    expect(helper_phone.locator("#help-contacted")).to_contain_text("Genoteerd")
    screenshot(helper_phone, "helpers-contact-done", full_page=False)
    facilitator_page.reload()
    assert help_row(facilitator_page) == ["1", "1", "0"]
    card_row = facilitator_page.locator(f'#help-figures tr[data-card="{card_title}"]')
    expect(card_row.locator("td")).to_have_text(["1", "1", "0"])
    expect(facilitator_page.locator("body")).not_to_contain_text(PLAYER)
    facilitator_page.locator("section.helpers").scroll_into_view_if_needed()
    screenshot(facilitator_page, "helpers-programme", full_page=False)

    # One mail to the helper, however the sends raced (the thread and the command).
    assert len(mails_to(smtp_server, HELPER_EMAIL, "Vraag om hulp")) == 1
