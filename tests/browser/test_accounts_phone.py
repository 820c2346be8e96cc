"""Logging in and "Wachtwoord vergeten?" on a phone of 360x640: no sideways scrolling,
every control a thumb's size, from the login page to "Kijk in je mail".

Screenshots land in tests/browser/screenshots/ (accounts-*.png).
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.measure import no_side_scroll, small_targets

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None


def fits(page: Page, where: str) -> None:
    no_side_scroll(page, where)
    small = small_targets(page, where)
    assert not small, "touch targets under 44x44 px:\n" + "\n".join(small)
    screenshot(page, f"accounts-{where}")


def test_a_facilitator_asks_for_a_new_password_on_a_phone(phones):
    phone = phones()
    phone.goto("/login/")
    fits(phone, "login")
    phone.get_by_role("link", name="Wachtwoord vergeten?").tap()
    expect(phone.locator("h1")).to_have_text("Wachtwoord vergeten?")
    fits(phone, "reset-form")
    phone.fill("#id_email", "nobody@example.org")
    phone.locator("main button[type=submit]").tap()
    expect(phone.locator("h1")).to_have_text("Kijk in je mail")
    fits(phone, "reset-sent")
