"""After the day in a real browser: a phone leaves its address on "Mijn actieplan" at
360x640 (type=email, the consent box, a wrong address told so, autosaved); the session
ends and the plan mail is written; a follow-up's check-in link opens on the phone and its
form posts; the organiser's programme page at 1280x800 counts it all.

Screenshots land in tests/browser/screenshots/ (followups-*.png).
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.browser.conftest import screenshot, wait_until
from tests.browser.test_session_flow import create_session, join

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

SEPARATOR = "\n" + "-" * 79 + "\n"


def mails_in(folder: Path) -> list[email.message.EmailMessage]:
    """The messages Django's file backend wrote into ``folder``."""
    found = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_text().split(SEPARATOR):
            if chunk.strip():
                found.append(email.message_from_string(chunk.lstrip(), policy=email.policy.default))
    return found


def add_card(phone: Page, index: int = 0) -> None:
    add = phone.locator(".plan-add").nth(index)
    add.tap()
    expect(add).to_be_disabled()
    phone.fill(
        f"#item-{phone.locator('#plan-items > li').count() - 1}-action", "Een proeverij organiseren"
    )
    expect(phone.locator("#plan-status")).to_have_text("Opgeslagen")


def test_a_phone_leaves_its_address_on_the_plan_and_gets_the_plan_back(
    site, facilitator_page, phones
):
    """360x640: the address field and consent, a clear message for a wrong address,
    autosave, kept over a reload; the session ends and the plan is mailed at once."""
    mail_folder = site.log.parent / "mail"
    before = len(mails_in(mail_folder))
    code = create_session(facilitator_page, "Na de dag")
    phone = phones()
    join(phone, code, "Anna")
    phone.goto("/plan/")
    add_card(phone)
    field = phone.locator("#plan-email")
    expect(field).to_have_attribute("type", "email")
    consent = phone.locator("#plan-consent")
    box = phone.locator("label[for=plan-consent]").bounding_box()
    assert box and box["height"] >= 44, box  # a touch target

    field.fill("anna@")
    field.blur()
    error = phone.locator("#plan-email-error")
    expect(error).to_contain_text("nog geen e-mailadres")
    expect(field).to_have_attribute("aria-invalid", "true")
    screenshot(phone, "followups-plan-wrong-address", full_page=False)

    field.fill("anna@example.org")
    field.blur()
    expect(error).to_be_hidden()
    expect(phone.locator("#plan-mail-status")).to_contain_text("Vink het vakje aan")
    consent.tap()
    expect(phone.locator("#plan-mail-status")).to_contain_text("je plan komt naar anna@example.org")
    expect(phone.locator("#plan-send")).to_be_visible()
    phone.locator("#plan-mail").scroll_into_view_if_needed()
    screenshot(phone, "followups-plan-address", full_page=False)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the plan page scrolls sideways at 360 px ({width})"

    phone.reload()
    expect(phone.locator("#plan-email")).to_have_value("anna@example.org")
    expect(phone.locator("#plan-consent")).to_be_checked()

    facilitator_page.once("dialog", lambda dialog: dialog.accept())
    facilitator_page.click("button[value=end]")
    wait_until(
        facilitator_page,
        "document.querySelector('.badge-over') !== null",
    )
    deadline_mails = []
    for _ in range(100):  # the plan goes in a thread right after the end: bounded wait
        deadline_mails = [
            m for m in mails_in(mail_folder)[before:] if m["To"] == "anna@example.org"
        ]
        if deadline_mails:
            break
        facilitator_page.wait_for_timeout(100)
    assert len(deadline_mails) == 1
    plan = deadline_mails[0]
    assert plan["Subject"] == "Je actieplan van Na de dag"
    assert plan["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_programme_page_counts_what_the_session_set_in_motion(site, facilitator_page, phones):
    """Three phones plan, two leave an address; four weeks later their follow-ups go; one
    checks in on the phone; the programme page at 1280x800 shows it, with its funnel."""
    mail_folder = site.log.parent / "mail"
    code = create_session(facilitator_page, "Overijssel dag 1")
    people = {}
    for index, name in enumerate(("Anna", "Bob", "Cees")):
        phone = phones()
        join(phone, code, name)
        phone.goto("/plan/")
        add_card(phone, index)
        add_card(phone, index + 5)
        if name != "Cees":
            phone.fill("#plan-email", f"{name.lower()}@example.org")
            phone.locator("#plan-consent").tap()
            expect(phone.locator("#plan-mail-status")).to_contain_text("je plan komt naar")
        people[name] = phone
    facilitator_page.once("dialog", lambda dialog: dialog.accept())
    facilitator_page.click("button[value=end]")
    wait_until(facilitator_page, "document.querySelector('.badge-over') !== null")

    day = (date.today() + timedelta(weeks=4, days=1)).isoformat()  # a day to spare
    out = site.manage("send_followups", "--as-of", day, "--base-url", site.url)
    assert re.search(r"Sent [1-9]", out), out
    followup = next(
        m
        for m in reversed(mails_in(mail_folder))
        if m["To"] == "anna@example.org" and "Hoe staat" in m["Subject"]
    )
    text = followup.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/plan/checkin/\S+/", text)[0]

    anna = people["Anna"]
    anna.goto(link)
    expect(anna.locator("h1")).to_have_text("Hoe staat je plan ervoor?")
    anna.locator(".checkin-card").first.locator("input[value=started]").check()
    anna.locator(".checkin-card").first.locator("input[name^=note]").fill("De gemeente dacht mee")
    screenshot(anna, "followups-checkin", full_page=False)
    anna.locator("main button[type=submit]").tap()
    expect(anna.locator(".checkin-saved")).to_be_visible()

    facilitator_page.set_viewport_size({"width": 1280, "height": 800})
    facilitator_page.goto("/host/programmes/")
    facilitator_page.fill("#id_name", "Overijssel 2027")
    facilitator_page.click("main form button[type=submit]")
    facilitator_page.wait_for_url(re.compile(r"/host/programmes/\d+/$"))
    facilitator_page.select_option("#add-session", code)
    facilitator_page.click("button[value=add_session]")
    tiles = facilitator_page.locator("#programme-total")
    expect(tiles.locator("[data-figure=reached] strong")).to_have_text("3")
    expect(tiles.locator("[data-figure=plans] strong")).to_have_text("3")
    expect(tiles.locator("[data-figure=addresses] strong")).to_have_text("2")
    expect(tiles.locator("[data-figure=followups_sent] strong")).to_have_text("2")
    expect(tiles.locator("[data-figure=checked_in] strong")).to_have_text("1")
    expect(tiles.locator("[data-figure=activated] strong")).to_have_text("1")
    expect(facilitator_page.locator(".funnel-svg")).to_be_visible()
    expect(facilitator_page.locator(".held-back")).to_contain_text("De gemeente dacht mee")
    expect(facilitator_page.locator("main")).not_to_contain_text("@example.org")
    screenshot(facilitator_page, "followups-programme", full_page=False)
    screenshot(facilitator_page, "followups-programme-full")
