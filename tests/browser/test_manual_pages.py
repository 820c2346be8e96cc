"""The manual's pages in a real browser (issue 32): reached from /host/ by its button, in
the UI's language (its language button switches the manual too), and every page, in
Dutch and in English, read on a phone of 360x640 and on a laptop of 1280x800: no
sideways scroll, every picture loaded and inside the page, its headings and its table of
contents; printed: no navigation, no picture cut across two sheets.

Screenshots in tests/browser/screenshots/ (manual-*.png).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.measure import no_side_scroll

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

PAGES = {"index": "/host/handleiding/", "begeleiders": "/host/handleiding/begeleiders/"}
PAGES["organisatoren"] = "/host/handleiding/organisatoren/"
SIZES = ((360, 640), (1280, 800))

# What a reader sees of the page, measured in one step.
READING = """() => {
  const images = [...document.querySelectorAll('.manual img')];
  return {
    h1: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()),
    h2: document.querySelectorAll('.manual h2').length,
    toc: [...document.querySelectorAll('.manual-toc a')].map((a) => a.getAttribute('href')),
    missing: [...document.querySelectorAll('.manual-toc a')]
      .filter((a) => !document.getElementById(decodeURIComponent(a.hash.slice(1))))
      .map((a) => a.hash),
    images: images.length,
    unloaded: images.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
    outside: images.filter((i) => i.getBoundingClientRect().right > innerWidth + 0.5)
      .map((i) => `${i.src}: ${Math.round(i.getBoundingClientRect().right)}`),
    lang: document.querySelector('.manual').lang,
  };
}"""

# Printed: what is hidden, and whether a picture may be split between two sheets.
PRINTED = """() => {
  const shown = (selector) => [...document.querySelectorAll(selector)]
    .some((el) => el.checkVisibility());
  const links = [...document.querySelectorAll('.manual .shot-link')];
  return {
    header: shown('.site-header'),
    crumbs: shown('.crumbs'),
    print_button: shown('[data-print]'),
    split: links.filter((a) => !['avoid', 'avoid-page'].includes(getComputedStyle(a).breakInside))
      .map((a) => a.href),
    wide: document.documentElement.scrollWidth > innerWidth,
  };
}"""


def read(page: Page, where: str, name: str, lang: str) -> dict[str, Any]:
    reading = page.evaluate(READING)
    print(f"{where}: {reading['h2']} sections, {reading['images']} pictures")
    assert len(reading["h1"]) == 1 and reading["h1"][0], f"{where}: {reading['h1']}"
    assert reading["lang"] == lang, where
    assert reading["h2"] >= 2, f"{where}: {reading['h2']} sections"
    if name != "index":
        assert len(reading["toc"]) >= 3, f"{where}: contents {reading['toc']}"
        assert reading["images"] >= 2, f"{where}: {reading['images']} pictures"
    assert not reading["missing"], f"{where}: contents lead nowhere: {reading['missing']}"
    assert not reading["unloaded"], f"{where}: pictures not loaded: {reading['unloaded']}"
    assert not reading["outside"], f"{where}: pictures wider than the page: {reading['outside']}"
    return reading


def in_language(page: Page, lang: str) -> None:
    host = page.url.split("/")[2].split(":")[0]
    cookie = {"name": "django_language", "value": lang, "domain": host, "path": "/"}
    page.context.add_cookies([cookie])


def test_the_manual_is_reached_from_the_start_page_and_follows_the_language(facilitator_page):
    page = facilitator_page
    in_language(page, "nl")
    page.goto("/host/")
    manual = page.get_by_role("link", name="Handleiding", exact=True)
    expect(manual).to_be_visible()
    manual.click()
    page.wait_for_url("**/host/handleiding/")
    expect(page.locator("h1")).to_have_text("Handleiding")
    page.get_by_role("link", name="Handleiding voor begeleiders").click()
    page.wait_for_url("**/host/handleiding/begeleiders/")
    expect(page.locator("h1")).to_have_text("Handleiding voor begeleiders")
    # The language button: the same page, in English.
    page.locator(".lang-switch button").click()
    page.wait_for_url("**/host/handleiding/begeleiders/")
    expect(page.locator("h1")).to_have_text("Manual for facilitators")
    expect(page.locator(".manual-toc")).to_contain_text("Before the day")
    page.get_by_role("link", name="Manual", exact=True).click()  # the crumbs
    page.wait_for_url("**/host/handleiding/")
    expect(page.locator("h1")).to_have_text("Manual")
    in_language(page, "nl")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_page_reads_on_a_phone_and_a_laptop_and_prints(lang, browser, site):
    problems = []
    for width, height in SIZES:
        phone = width < 600
        context = browser.new_context(
            base_url=site.url,
            viewport={"width": width, "height": height},
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=1,
        )
        context.add_cookies([{"name": "django_language", "value": lang, "url": site.url}])
        try:
            page = context.new_page()
            for name, path in PAGES.items():
                where = f"{name} ({lang}) at {width}x{height}"
                page.goto(path)  # waits for the load event: every picture is in
                read(page, where, name, lang)
                no_side_scroll(page, where)
                screenshot(page, f"manual-{lang}-{name}-{width}x{height}")
                if width > 600:
                    page.emulate_media(media="print")
                    printed = page.evaluate(PRINTED)
                    page.emulate_media(media="screen")
                    shown = [k for k in ("header", "crumbs", "print_button") if printed[k]]
                    if shown or printed["split"] or printed["wide"]:
                        problems.append(f"{where}, printed: {printed}")
        finally:
            context.close()
    assert not problems, "\n".join(problems)
