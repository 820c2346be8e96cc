"""A deck on paper: the real deck's print page as Chromium prints it. A4 PDF pages, each
sheet of fronts followed by its backs; no card's text runs out of its card; the backs
mirror the fronts for a duplex print; and a QR code on the printed page (at 80 dpi,
through poppler's pdftoppm) reads as its card's address.

The PDF, its first page as PNG and a screenshot of the screen view land in
tests/browser/screenshots/ (print-deck*) for a human to look at.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests import services
from tests.browser.conftest import DECK, DESKTOP, SCREENSHOTS, screenshot
from tests.qr import decode_png

try:
    from playwright.sync_api import Page
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any

CARDS_PER_SHEET = 4  # 2 x 2 cards of 90 x 130 mm (static/cards/print.css)
PDFTOPPM = shutil.which("pdftoppm")
FIXTURE = json.loads(DECK.read_text())
CARD_PATHS = [  # in the deck's order, as the sheets have them
    f"/kaarten/{FIXTURE['slug']}/{theme['slug']}/{card['number']}/"
    for theme in FIXTURE["themes"]
    for card in sorted(theme["cards"], key=lambda card: card["number"])
]

# Every place where a card's text does not fit its box: the colour band (theme, the four
# titles, the QR code) and the body below it (title, call to action, example, tip).
OVERFLOWS = """() => [...document.querySelectorAll(".print-front")].flatMap((card) =>
  [...card.querySelectorAll(".pc-band, .pc-body")]
    .filter((box) => box.scrollHeight > box.clientHeight || box.scrollWidth > box.clientWidth)
    .map((box) => `${card.dataset.card} ${box.className}: ${box.scrollWidth}x${box.scrollHeight}`
      + ` in ${box.clientWidth}x${box.clientHeight}`))"""

# The room left under the text of the fullest card, in mm (96 CSS px to the inch).
SPARE_MM = """() => Math.min(...[...document.querySelectorAll(".pc-body")].map((body) =>
  (body.getBoundingClientRect().bottom - parseFloat(getComputedStyle(body).paddingBottom)
   - body.lastElementChild.getBoundingClientRect().bottom) * 25.4 / 96))"""

# For each card, where its front is on its sheet and where its back is on the next one.
PLACES = """() => [...document.querySelectorAll(".sheet-fronts")].flatMap((fronts) => {
  const place = (el, sheet) => {
    const box = el.getBoundingClientRect(), page = sheet.getBoundingClientRect();
    return {left: box.left - page.left, right: page.right - box.right, top: box.top - page.top};
  };
  const backs = fronts.nextElementSibling;
  return [...fronts.querySelectorAll(".print-front")].map((front) => ({
    key: front.dataset.card,
    front: place(front, fronts),
    back: place(backs.querySelector(`.print-back[data-card="${front.dataset.card}"]`), backs),
  }));
})"""


@pytest.fixture
def print_page(browser, site) -> Iterator[Page]:
    """The print page of the real deck on a laptop's screen, in Dutch (the default); the
    console's Content-Security-Policy complaints are kept in ``page.complaints``."""
    context = browser.new_context(base_url=site.url, **DESKTOP)
    page = context.new_page()
    page.complaints = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.complaints.append(m))
    page.goto(f"/kaarten/{FIXTURE['slug']}/print/")
    try:
        yield page
    finally:
        context.close()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def first_page_png(pdf: bytes) -> bytes:
    """The PDF's first page at 80 dpi, through poppler's pdftoppm; a skip without it (a
    failure where the services are required)."""
    if not PDFTOPPM:
        reason = "pdftoppm is not installed (apt-get install poppler-utils)"
        if services.required():
            pytest.fail(f"the print test needs pdftoppm here, but {reason}")
        pytest.skip(reason)
    command = [PDFTOPPM, "-png", "-r", "80", "-f", "1", "-l", "1", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True, timeout=60).stdout


def test_the_deck_prints_as_a4_sheets_of_fronts_and_backs_with_readable_qr_codes(print_page, site):
    """20 cards at 4 a sheet: 5 sheets of fronts, each followed by its backs, 10 pages."""
    pdf = print_page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "print-deck.pdf").write_bytes(pdf)
    sheets = math.ceil(len(CARD_PATHS) / CARDS_PER_SHEET)
    print(f"\n{len(CARD_PATHS)} cards: {pdf_pages(pdf)} pages of PDF")
    assert pdf_pages(pdf) == 2 * sheets
    assert print_page.complaints == []

    png = first_page_png(pdf)
    (SCREENSHOTS / "print-deck-page-1.png").write_bytes(png)
    read = decode_png(png)
    first_sheet = {site.url + path for path in CARD_PATHS[:CARDS_PER_SHEET]}
    print(f"QR codes read on the first page at 80 dpi: {read}")
    assert read, "no QR code could be read on the first printed page"
    assert set(read) <= first_sheet


def test_every_card_fits_its_box_and_its_back_lies_behind_it(print_page):
    """Printed (print media), no text runs out of a card, and flipped on the long edge
    every back is where its front is: as far from the right edge as the front is from the
    left, at the same height."""
    print_page.set_viewport_size({"width": 1280, "height": 1600})  # the steps, a sheet
    screenshot(print_page, "print-deck-screen", full_page=False)
    print_page.emulate_media(media="print")
    assert print_page.locator(".print-front").count() == len(CARD_PATHS)
    assert print_page.evaluate(OVERFLOWS) == []
    print(f"\nroom left under the fullest card's text: {print_page.evaluate(SPARE_MM):.1f} mm")
    places = print_page.evaluate(PLACES)
    assert len(places) == len(CARD_PATHS)
    for card in places:
        front, back = card["front"], card["back"]
        assert abs(back["right"] - front["left"]) < 0.5, card
        assert abs(back["top"] - front["top"]) < 0.5, card
    assert print_page.locator("[data-print]").is_hidden()
