"""Bring your own deck, in a real browser: a facilitator uploads a CSV of six themes she
wrote, fixes the two problems the studio names, plays it at a table with bots to the end
on a phone, edits a card while that session runs (which keeps the old text), and prints
the deck (the PDF's first page turned into a PNG, in tests/browser/screenshots/). A
second facilitator gets 404 on the deck. A file that is no spreadsheet is refused.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re

import pytest

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.rooms import Room
from tests.browser.test_csp import Violations
from tests.browser.test_print_deck import OVERFLOWS, first_page_png, pdf_pages
from tests.browser.test_quality import axe, report
from tests.browser.test_session_flow import (
    Session,
    close_dialog,
    is_over,
    join,
    play,
    ranking,
    texts,
)

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = object
    expect = None

HEADER = ["theme", "colour", "number", "title", "call_to_action", "example", "tip", "links"]
# A region's own deck: six themes of four cards, written for this test.
THEMES = {
    "Zorg": (
        "#c2185b",
        ["Buurtzorgteams", "Zorgrobot in de wijk", "Mantelzorg-app", "Samen met de huisarts"],
    ),
    "Water": (
        "#0277bd",
        ["Slimme dijken", "Waterschap en school", "Regenwater in de stad", "Droogte-alarm"],
    ),
    "Energie": (
        "#2e7d32",
        ["Energiecoöperatie", "Zonnedaken op scholen", "Warmtenet", "Energiecoach"],
    ),
    "Onderwijs": (
        "#6a1b9a",
        ["Leerwerkplaats", "Hybride docent", "Praktijkroute", "Leven lang leren"],
    ),
    "Wonen": ("#ef6c00", ["Tiny houses", "Woningdelen", "Klushuis", "Wijkraad"]),
    "Mobiliteit": ("#455a64", ["Deelauto", "Buurtbus", "Fietsstraat", "Slim parkeren"]),
}
OLD_TITLE = "Buurtzorgteams"
NEW_TITLE = "Buurtzorg, nieuw geschreven"


def deck_csv(*, bad_colour: bool = False, empty_title: bool = False) -> bytes:
    """The deck as LibreOffice saves a CSV: UTF-8, commas, the colour on each theme's first
    row. ``bad_colour``: Water's colour as a word (row 6); ``empty_title``: no title on
    row 12 (Energie 3)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for theme, (colour, titles) in THEMES.items():
        for number, title in enumerate(titles, start=1):
            writer.writerow(
                [
                    theme,
                    ("blauw" if bad_colour and theme == "Water" else colour) if number == 1 else "",
                    number,
                    title,
                    f"Zet in uw regio de stap naar {title.lower()}: sociaal en technisch samen.",
                    f"In Drenthe werken bewoners, bedrijven en de gemeente samen aan {title.lower()}."
                    "\n\nZo leren ze van elkaar en blijft de kennis in de regio.",
                    "Begin klein en deel wat werkt." if number == 2 else "",
                    "NCSI | https://www.ncsi.nl" if number == 1 else "",
                ]
            )
    text = out.getvalue()
    if empty_title:
        text = text.replace(",Warmtenet,", ",,")
    return text.encode("utf-8")


def upload(page: Page, content: bytes, name: str, filename: str = "regio-noord.csv") -> None:
    page.fill("#id_sheet-name", name)
    page.set_input_files(
        "#id_sheet-file", {"name": filename, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Controleren en kaartspel maken").click()


def test_a_facilitator_brings_her_own_deck_plays_edits_and_prints_it(
    browser, site, facilitator_page, phones
):
    watch = Violations()
    dashboard = watch.watch(facilitator_page)
    found: dict[str, list[str]] = {}
    minor: list[str] = []
    dashboard.reload()
    dashboard.get_by_role("link", name=re.compile("Mijn kaartspellen")).click()
    dashboard.wait_for_url("**/studio/")
    expect(dashboard.get_by_role("heading", level=1)).to_have_text("Mijn kaartspellen")

    # Not a spreadsheet at all: refused, and said so.
    upload(dashboard, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Regio Noord", "foto.png")
    expect(dashboard.locator("#problems")).to_contain_text(
        "Dit is geen spreadsheet die we kunnen lezen"
    )

    # Her file has two problems: the studio names both, with row and column, saves nothing.
    upload(dashboard, deck_csv(bad_colour=True, empty_title=True), "Regio Noord")
    problems = dashboard.locator("#problems li")
    expect(problems).to_have_text(
        [
            "rij 6, kolom colour: “blauw” is geen kleur als #rrggbb, bijvoorbeeld #1f6f8b",
            "rij 12, kolom title: leeg",
        ]
    )
    expect(dashboard.locator("#problems h2")).to_have_text(
        "Het bestand heeft 2 problemen. Er is niets opgeslagen."
    )
    screenshot(dashboard, "studio-01-two-problems")
    axe(dashboard, "studio, the problems of an upload", found, minor)
    expect(dashboard.locator(".studio-deck", has_text="Regio Noord")).to_have_count(
        0
    )  # nothing saved

    # Fixed, it is her deck, playable.
    upload(dashboard, deck_csv(), "Regio Noord")
    dashboard.wait_for_url("**/studio/regio-noord/")
    expect(dashboard.locator(".studio-playable")).to_have_text(
        "Speelbaar: 6 thema's van vier kaarten."
    )
    expect(dashboard.locator(".studio-theme")).to_have_count(6)
    screenshot(dashboard, "studio-02-deck")
    axe(dashboard, "studio, a deck", found, minor)

    # A session with it: one person on a phone, two bots.
    dashboard.goto("/host/")
    dashboard.select_option("#id_deck", label="Regio Noord")
    room = Room(browser, site, dashboard, "Regio Noord speelt")
    phone = phones()
    join(phone, room.code, "Anna")
    room.do("arrange")
    (table,) = room.tables()
    room.bots(table, 2, level="easy")
    room.do("start_all")
    expect(phone.locator("#hand")).not_to_be_empty()
    expect(phone.locator("#hand")).to_have_attribute("lang", "nl")
    session = Session(code=room.code, dashboard=dashboard, players={"Anna": phone})
    version = phone.evaluate("window.__messages.filter((m) => m.type === 'view').at(-1).deck.slug")
    assert version == "regio-noord-v1"
    titles = phone.evaluate(
        "window.__messages.filter((m) => m.type === 'view').at(-1).deck.themes.map((t) => t.name)"
    )
    assert titles == list(THEMES)

    # While the game runs, she rewrites a card in the studio, with its previews.
    rng = random.Random(2026)
    play(session, rng, seconds=60, max_asks=2)
    editor = dashboard.context.new_page()
    editor.on("console", watch._console)
    editor.on("pageerror", lambda error: watch.found.append(f"page error: {error}"))
    editor.goto("/studio/regio-noord/zorg/1/")
    editor.fill("#id_title", NEW_TITLE)
    editor.get_by_role("button", name="Voorbeeld bekijken").click()
    expect(editor.locator(".studio-phone .card-title")).to_contain_text(NEW_TITLE)
    expect(editor.locator(".studio-print .pc-title")).to_contain_text(NEW_TITLE)
    expect(editor.locator("#print-overflow")).to_be_hidden()
    screenshot(editor, "studio-03-card-preview")
    axe(editor, "studio, a card and its previews", found, minor)
    editor.get_by_role("button", name="Opslaan", exact=True).click()
    expect(editor.locator(".studio-message")).to_have_text("Opgeslagen.")
    expect(editor.locator("#id_title")).to_have_value(NEW_TITLE)

    # The running session keeps the old text: the card on the phone, its deck, its print.
    fragment = phone.request.get(f"/kaarten/{version}/zorg/1/?fragment=1").text()
    assert OLD_TITLE in fragment and NEW_TITLE not in fragment
    phone.reload()
    expect(phone.locator("#hand")).not_to_be_empty()
    view_titles = phone.evaluate(
        "window.__messages.filter((m) => m.type === 'view').at(-1).deck.themes[0].cards.map((c) => c.title)"
    )
    assert view_titles[0] == OLD_TITLE
    printed = dashboard.request.get(f"/kaarten/{version}/print/").text()
    assert OLD_TITLE in printed and NEW_TITLE not in printed

    # And plays on to the end.
    play(session, rng, seconds=240)
    assert is_over(session)
    close_dialog(phone)
    scores = ranking(phone)
    assert sum(score for score, _ in scores.values()) == len(THEMES)
    expect(phone.locator("#turn-banner")).to_contain_text(texts(phone)["over"])
    screenshot(phone, "studio-04-phone-end")

    # The deck as it is now prints on A4: 24 cards, 6 sheets of fronts and their backs.
    printing = dashboard.context.new_page()
    printing.goto("/kaarten/regio-noord/print/")
    expect(printing.locator(".print-front")).to_have_count(24)
    # Not published: its QR codes carry the signed parameter that opens a card's page
    # (with its links) to whoever holds the paper.
    expect(printing.locator(".pc-qr")).to_have_count(24)
    printing.emulate_media(media="print")
    assert printing.evaluate(OVERFLOWS) == []
    pdf = printing.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf_pages(pdf) == 2 * math.ceil(24 / 4)
    png = first_page_png(pdf)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "studio-05-print-page-1.png").write_bytes(png)
    first_sheet = printing.locator(".sheet-fronts").first
    expect(first_sheet.locator(".pc-theme")).to_have_text(["Zorg"] * 4)
    expect(first_sheet.locator(".pc-title").first).to_contain_text(NEW_TITLE)
    band = first_sheet.locator(".pc-band").first.evaluate(
        "(el) => getComputedStyle(el).backgroundColor"
    )
    assert band == "rgb(194, 24, 91)"  # Zorg's #c2185b

    print("\naxe, moderate and minor (not failing):\n" + "\n".join(minor or ["none"]))
    assert not any(found.values()), report(found)
    watch.assert_none()


def test_a_second_facilitator_gets_404_on_someone_elses_deck(browser, site, facilitator_page):
    """Olaf, another facilitator, finds nothing of Fenna's deck: not in the studio, not its
    pages, not in the session form."""
    if site.manage is None:
        pytest.skip("needs the embedded server's manage.py")
    studio = facilitator_page
    studio.goto("/studio/")
    upload(studio, deck_csv(), "Regio Zuid")
    studio.wait_for_url(re.compile(r"/studio/regio-zuid/$"))
    slug = studio.url.rstrip("/").rsplit("/", 1)[-1]

    printed = site.manage("create_facilitator", "olaf")
    password = re.search(r"^Password: (\S+)$", printed, re.MULTILINE)[1]
    context = browser.new_context(base_url=site.url)
    try:
        olaf = context.new_page()
        olaf.goto("/login/")
        olaf.fill("#id_username", "olaf")
        olaf.fill("#id_password", password)
        olaf.click("main button[type=submit]")
        olaf.wait_for_url("**/host/")
        expect(olaf.locator("#id_deck option", has_text="Innovation on Track")).to_have_count(1)
        expect(olaf.locator("#id_deck option", has_text="Regio Zuid")).to_have_count(0)
        for url in (
            f"/studio/{slug}/",
            f"/studio/{slug}/zorg/1/",
            f"/studio/{slug}/export.csv",
            f"/kaarten/{slug}/",
            f"/kaarten/{slug}/zorg/1/",
            f"/kaarten/{slug}/print/",
        ):
            assert olaf.goto(url).status == 404, url
        olaf.goto("/studio/")
        expect(olaf.locator("h1")).to_have_text("Mijn kaartspellen")
        expect(olaf.locator("main")).not_to_contain_text("Regio Zuid")
    finally:
        context.close()
