"""The dashboard while games run (issue 31, item 11): at 1280 px two tables share the
width (no half-empty screen, nothing clipped), and on a phone (390x844) the tables come
first, above the join block and the settings.

Screenshots: tests/browser/screenshots/dashboard-play-*.png."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.measure import no_side_scroll
from tests.browser.rooms import Room

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

PEOPLE = ("Annemarie van den Broek", "Bas", "Cees", "Dirk", "Els", "Fatima El Amrani")


def test_running_tables_take_the_width_and_come_first_on_a_phone(
    browser, site, facilitator_page, handheld
):
    room = Room(browser, site, facilitator_page, "Tafels voorop")
    for name in PEOPLE:
        room.join(name)
    room.do("arrange")
    room.do("start_all")
    dashboard = facilitator_page
    dashboard.reload()
    cards = dashboard.locator(".table-card.is-playing")
    expect(cards).to_have_count(2)
    widths = [card.bounding_box()["width"] for card in cards.all()]
    main = dashboard.locator("#panel").bounding_box()["width"]
    assert min(widths) > main / 2 - 40, (widths, main)  # two tables share the width
    clipped = dashboard.evaluate(
        """() => [...document.querySelectorAll('.table-card .last-event, .table-card .dash-chip')]
             .filter((el) => el.scrollWidth > el.clientWidth + 1 && !el.title).length"""
    )
    assert clipped == 0
    screenshot(dashboard, "dashboard-play-1280", full_page=False)

    phone = handheld(f"/host/{room.code}/", 390, 844, is_mobile=True, has_touch=True)
    first = phone.locator(".table-card").first
    expect(first).to_be_visible()
    head = phone.locator(".host-head").bounding_box()
    assert first.bounding_box()["y"] < head["y"], "the tables come first while games run"
    assert first.bounding_box()["y"] < 844, "a table's card is on the first screen"
    no_side_scroll(phone, "dashboard during play at 390 px")
    screenshot(phone, "dashboard-play-phone", full_page=False)
