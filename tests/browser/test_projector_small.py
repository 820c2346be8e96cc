"""Beamers that are not 1080p: the projector's lobby with names arriving, tables
waiting for people who left, the quartet spotlight when the games end, and the debrief,
on a 1280x720 and a 1024x768 projector (and 1920x1080 where the screen changed): no
scrolling, nothing off the screen or cut short, no text under 18 px, and the spotlight
never over the "Nabespreking" button.

(The grid of 1 to 20 tables at these sizes: test_projector_grid.py.) Rooms are set up
as the dashboard's buttons do it; people join as the join form does and never open
the game. Screenshots land in tests/browser/screenshots/ (projector-small-*.png).
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser import measure
from tests.browser.conftest import SOCKET_RECORDER, screenshot, settled, wait_until
from tests.browser.rooms import Room
from tests.browser.test_away import backdate
from tests.browser.test_debrief import slide_fits, tables_of_bots, wait_for_the_end
from tests.browser.test_projector_grid import assert_fits, fitted

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

SMALL_PROJECTORS = ((1280, 720), (1024, 768))
GAME_MS = 120_000
FLAG_MS = 60_000  # easy bots miss often: the turn soon reaches the person who left
# fmt: off
NAMES = ["Annemarie van den Broek", "Mohammed El Amrani", "Eva Smit", "Gijs de Boer",
         "Dewi Visser", "Sanne Jansen", "Lars de Vries", "Fatima Bakker", "Pieter van Dijk",
         "Noor Hendriks", "Bram Vos", "Lotte Mulder", "Joost de Graaf", "Karin Peters",
         "Mila Dekker", "Noah Brouwer", "Olga Meijer", "Ruben Kok", "Femke Bos", "Daan Smits"]
# fmt: on
ARRIVALS = [f"{name} {n}" if n else name for n in range(3) for name in NAMES]  # sixty

# The join screen: the code's and the QR code's boxes, the names shown and the count of
# those that gave way.
LOBBY = """() => {
  const box = (el) => { const b = el.getBoundingClientRect();
    return { left: b.left, top: b.top, right: b.right, bottom: b.bottom, width: b.width }; };
  const chips = [...document.querySelectorAll('.pj-names .chip')];
  const more = document.querySelector('.pj-names .pj-more');
  return {
    code: box(document.querySelector('.pj-code')),
    code_px: parseFloat(getComputedStyle(document.querySelector('.pj-code')).fontSize),
    qr: box(document.querySelector('.pj-qr')),
    shown: chips.filter((c) => !c.hidden && !c.classList.contains('pj-more')).map((c) => c.textContent.trim()),
    earlier: more ? Number(more.textContent.match(/\\d+/)[0]) : 0,
    names: document.querySelector('.pj-names .chips').getBoundingClientRect().bottom,
  };
}"""


def fits_the_window(page: Page, where: str) -> None:
    """Neither wider nor taller than the window, and no text under 18 px."""
    widths = page.evaluate(measure.WIDTHS)
    assert widths["scrollWidth"] <= widths["innerWidth"], f"{where}: scrolls sideways {widths}"
    assert widths["scrollHeight"] <= widths["innerHeight"], f"{where}: scrolls down {widths}"
    measure.smallest_text(page, where, measure.READABLE_PX)


def check_lobby(big: Page, where: str, joined: list[str]) -> dict[str, Any]:
    """The code and the QR code large and inside the screen; the newest names shown in
    the order they joined, the earlier ones counted."""
    fits_the_window(big, where)
    lobby = big.evaluate(LOBBY)
    width, height = big.viewport_size["width"], big.viewport_size["height"]
    for part in ("code", "qr"):
        box = lobby[part]
        inside = box["left"] >= 0 and box["top"] >= 0 and box["right"] <= width
        assert inside and box["bottom"] <= height, f"{where}: the {part} is off the screen: {box}"
    assert lobby["code_px"] >= 80, f"{where}: the code is {lobby['code_px']} px"
    assert lobby["qr"]["width"] >= 250, f"{where}: the QR code is {lobby['qr']['width']} px"
    assert lobby["names"] <= height, f"{where}: the names run off the screen"
    assert lobby["shown"] == joined[lobby["earlier"] :], f"{where}: {lobby}"
    print(f"{where}: {len(lobby['shown'])} names shown, {lobby['earlier']} earlier ones counted")
    return lobby


def test_the_lobby_fits_a_small_projector_as_names_arrive(
    browser, site, facilitator_page, projector
):
    """Twenty people, then sixty: every name while they fit, then the newest ones with
    "+N eerder" for the rest; the join code and QR code large all along."""
    room = Room(browser, site, facilitator_page, "Aankomst")
    big = projector(room.code)
    chips = big.locator(".pj-names .chip:not(.pj-more)")
    joined = 0
    for count in (len(NAMES), len(ARRIVALS)):
        for name in ARRIVALS[joined:count]:
            room.join(name)
        joined = count
        expect(big.locator(".pj-count")).to_have_text(f"{count} spelers doen mee.")
        expect(chips.last).to_have_text(ARRIVALS[count - 1])  # the newest, live
        for width, height in (*SMALL_PROJECTORS, (1920, 1080)):
            fitted(big, width, height)
            where = f"lobby of {count} at {width}x{height}"
            lobby = check_lobby(big, where, ARRIVALS[:count])
            if count == len(NAMES):
                assert lobby["earlier"] == 0, f"{where}: twenty names fit, yet {lobby}"
            screenshot(big, f"projector-small-lobby-{count}-{width}x{height}", full_page=False)
    expect(big.locator(".pj-names .pj-more")).to_have_text(re.compile(r"^\+\d+ eerder$"))


def test_tables_waiting_for_people_who_left_keep_the_grid_on_one_screen(
    browser, site, facilitator_page, projector
):
    """Twelve tables, four of them waiting each for a person who left: each says so in
    its band and marks the person's row, and the grid stays on one screen."""
    room = Room(browser, site, facilitator_page, "Vier wachten")
    people = NAMES[:4]
    for name in people:
        room.join(name)
    room.do("arrange")
    while len(room.tables()) < 12:
        room.do("add_table")
    tables = room.tables()
    for name, table in zip(people[1:], tables[1:4], strict=True):
        room.do("move", player=room.player(name), table=table)
    for n, table in enumerate(tables):
        room.bots(table, 3 if n < 4 else 5, level="easy" if n < 4 else "smart")
    for name in people:
        backdate(site, room.code, name, 600)
    big = projector(room.code)
    room.do("start_all")
    expect(big.locator(".pj-table.is-stuck")).to_have_count(4, timeout=FLAG_MS)
    room.do("pause_all")  # the room stands still: no spotlight, no changes
    big.reload()
    expect(big.locator(".pj-table.is-stuck")).to_have_count(4)
    expect(big.locator(".pj-seat.is-away")).to_have_count(4)
    for width, height in ((1920, 1080), *SMALL_PROJECTORS):
        fitted(big, width, height)
        where = f"four tables waiting at {width}x{height}"
        assert_fits(big, 12)
        fits_the_window(big, where)
        stuck = big.locator(".pj-table.is-stuck")
        for n in range(4):
            expect(stuck.nth(n).locator("h2 .pj-badge-wait")).to_be_visible()
            expect(stuck.nth(n).locator(".pj-seat.is-away .pj-name")).to_have_text(people[n])
        screenshot(big, f"projector-small-waiting-{width}x{height}", full_page=False)


def spotlight_beside_the_button(big: Page, where: str) -> None:
    """The spotlight is up and whole, inside the screen; the debrief button is visible,
    outside it, and a tap on it reaches it."""
    spotlight = big.locator("#spotlight")
    expect(spotlight).to_be_visible()
    # The quartet makes the panel read itself again: measure the button the read put in,
    # not the one it is about to replace (a detached button has no box).
    settled(big, "#projector-panel")
    button = big.get_by_role("link", name="Nabespreking →")
    expect(button).to_be_visible()
    hit = button.evaluate(measure.HIT)
    (spot,) = big.evaluate(measure.BOXES, "#spotlight")
    print(f"{where}: spotlight {spot}, button {hit}")
    assert not measure.overlaps(spot, hit["box"]), f"{where}: the spotlight covers the button"
    assert hit["reached"], f"{where}: a tap on the button reaches {hit['on_top']}"
    assert measure.outside(big, "#spotlight, .pj-final-next .btn") == [], where
    assert measure.clipped(big, "#spotlight") == [], f"{where}: the spotlight is cut off"
    fits_the_window(big, where)


def test_the_spotlight_leaves_the_debrief_button_free_when_the_games_end(
    browser, site, facilitator_page, projector
):
    """The last quartet of the room's last game is in the spotlight as the ranking and
    the "Nabespreking" button come up: it covers the tables only. Then a quartet with
    the longest calls to action, on a 1024x768 projector: still beside the button, whole;
    the button takes the facilitator to the debrief."""
    room = Room(browser, site, facilitator_page, "Laatste kwartet")
    room.do("add_table")
    (table,) = room.tables()
    room.bots(table, 3)
    big = projector(room.code)
    fitted(big, 1280, 720)
    room.do("start", table=table)
    expect(big.get_by_role("link", name="Nabespreking →")).to_be_visible(timeout=GAME_MS)
    spotlight_beside_the_button(big, "the last quartet at 1280x720")
    screenshot(big, "projector-small-spotlight-1280x720", full_page=False)

    # A quartet from the socket, as the server sends one, on a page that recorded it.
    big.context.add_init_script(SOCKET_RECORDER)
    big.reload()
    wait_until(big, "window.__sockets.some((ws) => ws.readyState === 1)")
    expect(big.locator("#spotlight")).to_be_hidden()
    fitted(big, 1024, 768)
    longest = big.evaluate(
        """() => Object.entries(JSON.parse(document.getElementById('themes').textContent))
          .map(([slug, theme]) => [theme.cards.reduce((n, c) => n + c.cta.length, 0), slug])
          .sort((a, b) => b[0] - a[0])[0][1]"""
    )
    quartet = {"type": "update", "tables": [{"number": 1, "events": [
        {"type": "quartet_laid", "seat": 0, "theme": longest, "dealt": False}]}]}  # fmt: skip
    big.evaluate(
        """(message) => window.__sockets.filter((ws) => ws.readyState === 1).at(-1)
          .dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }))""",
        quartet,
    )
    spotlight_beside_the_button(big, f"the quartet {longest} at 1024x768")
    screenshot(big, "projector-small-spotlight-1024x768", full_page=False)
    big.get_by_role("link", name="Nabespreking →").click()
    big.wait_for_url(f"**/host/{room.code}/projector/debrief/")


def test_the_debrief_fits_a_small_projector(facilitator_page, projector):
    """Two tables of bots play to the end; each slide of the debrief fits a 1280x720 and
    a 1024x768 projector with no text under 18 px."""
    code = tables_of_bots(facilitator_page, "Kleine beamer", (4, 3))
    big = projector(code)
    wait_for_the_end(big, 7)
    big.goto(f"/host/{code}/projector/debrief/")
    expect(big.locator(".net-svg .net-name")).to_have_count(7)
    for width, height in SMALL_PROJECTORS:
        big.set_viewport_size({"width": width, "height": height})
        for slide in ("who-asked-whom", "themes"):
            where = f"debrief {slide} at {width}x{height}"
            slide_fits(big, slide, where)
            screenshot(big, f"projector-small-debrief-{slide}-{width}x{height}", full_page=False)
