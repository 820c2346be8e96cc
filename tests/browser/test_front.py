"""The front page on a phone (issue 31, item 14): at 360x640 it says what the product is
and offers "Meedoen met een code" and "Een sessie leiden" as large buttons, and the cards.

Screenshot: tests/browser/screenshots/front-phone.png."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None


def test_the_front_page_leads_a_phone_to_joining_and_a_facilitator_to_hosting(phones):
    phone = phones()
    phone.goto("/")
    join = phone.locator(".front-join")
    host = phone.locator(".front-host")
    expect(join).to_have_text("Meedoen met een code")
    expect(host).to_have_text("Een sessie leiden")
    expect(phone.locator(".front-cards a")).to_contain_text("Lees de kaarten")
    for button in (join, host, phone.locator(".front-cards a")):
        box = button.bounding_box()
        assert box and box["height"] >= 44, box
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # Both choices are on the first screen, without scrolling.
    assert host.bounding_box()["y"] + host.bounding_box()["height"] <= 640
    screenshot(phone, "front-phone", full_page=False)
    join.tap()
    phone.wait_for_url("**/join/")
    expect(phone.locator("#id_code")).to_be_visible()
    phone.goto("/")
    phone.locator(".front-host").tap()
    phone.wait_for_url("**/login/**")
