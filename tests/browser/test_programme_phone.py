"""The organiser's programme page on a phone (issue 31, item 10): at 390x844 it never
scrolls sideways (the per-session table becomes a labelled list per session) and the
funnel's words are readable (a list with bars there, where the drawing's would be about
6 px).

Screenshot: tests/browser/screenshots/programme-phone.png."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.measure import no_side_scroll, text_sizes
from tests.browser.test_session_flow import create_session

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

READABLE = 12  # px: the page's smallest type on a phone


def test_the_programme_page_fits_a_phone_with_its_funnel_readable(facilitator_page, handheld):
    # Another session of hers with a long name: the "add a session" menu names it.
    create_session(facilitator_page, "Werksessie Noordoost-Overijssel met de ondernemers")
    code = create_session(facilitator_page, "Overijssel op de telefoon")
    facilitator_page.goto("/host/programmes/")
    facilitator_page.fill("#id_name", "Overijssel 2027 met een lange naam die doorloopt")
    facilitator_page.click("main form button[type=submit]")
    facilitator_page.wait_for_url(re.compile(r"/host/programmes/\d+/$"))
    facilitator_page.select_option("#add-session", code)
    facilitator_page.click("button[value=add_session]")
    path = facilitator_page.url.split(":", 2)[-1].split("/", 1)[-1]
    phone = handheld("/" + path, 390, 844, is_mobile=True, has_touch=True)
    expect(phone.locator("#programme-total")).to_be_visible()
    no_side_scroll(phone, "programme page at 390 px")
    # The per-session table is a labelled list there.
    row = phone.locator("#programme-sessions tbody tr").first
    expect(row.locator("td[data-label]").first).to_be_visible()
    assert row.evaluate("(tr) => getComputedStyle(tr).display") == "block"
    funnel = phone.locator(".funnel-list")
    expect(funnel).to_be_visible()
    expect(phone.locator(".funnel-svg")).to_be_hidden()
    expect(funnel.locator("li")).to_have_count(5)
    sizes = [size["px"] for size in text_sizes(phone, funnel)]
    assert sizes and min(sizes) >= READABLE, sizes
    funnel.scroll_into_view_if_needed()
    screenshot(phone, "programme-phone", full_page=False)
    # On a laptop the drawing is back.
    facilitator_page.reload()
    expect(facilitator_page.locator(".funnel-svg")).to_be_visible()
    expect(facilitator_page.locator(".funnel-list")).to_be_hidden()
