"""One player in several tabs: a phone needs one socket, so a player cookie holds three at
most. A fourth tab closes the oldest, which says so and waits until it is shown again
instead of reconnecting on a timer (two tabs would keep closing each other)."""

from __future__ import annotations

from typing import Any

from tests.browser.test_session_flow import create_session, join, texts

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None


def status(page: Page):
    return page.locator("#live-status")


def test_a_fourth_tab_replaces_the_first_which_comes_back_when_shown(facilitator_page, phones):
    code = create_session(facilitator_page, "Tabbladen")
    first = phones()
    join(first, code, "Anna")
    words = texts(first)
    others = [first.context.new_page() for _ in range(3)]
    for page in others:
        page.goto("/play/")
        expect(status(page)).to_have_text(words["online"])
    expect(status(first)).to_have_text(words["replaced"])
    first.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # shown again
    expect(status(first)).to_have_text(words["online"])
    expect(status(others[0])).to_have_text(words["replaced"])  # now the oldest
    for page in (first, *others[1:]):
        expect(status(page)).to_have_text(words["online"])
