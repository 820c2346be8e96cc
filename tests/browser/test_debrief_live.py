"""The debrief keeps up with the room by itself: open on the projector while a table of
bots plays its game, it shows that table's asks once the game is over, without a
reload (a mark left on the page's window survives).

The state the test waits for cannot go away: a finished game has no more events, so
the debrief the server renders after it is final, and the page must come to show it.
"""

from __future__ import annotations

import re
import time

from tests.browser.conftest import screenshot
from tests.browser.rooms import Room

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    expect = None

GAME_S = 120  # a table of three bots at 200 ms a move plays in well under a minute


def wait_until_over(room: Room, table: str) -> None:
    """The server says the table's game is over (its card on the dashboard's panel)."""
    deadline = time.monotonic() + GAME_S
    over = re.compile(rf'id="table-card-{table}" class="table-card is-over')
    while not over.search(room.dashboard.request.get(f"/host/{room.code}/panel/").text()):
        assert time.monotonic() < deadline, f"table {table} did not finish in {GAME_S} s"
        time.sleep(0.5)


def test_a_table_that_finishes_appears_on_the_open_debrief_without_a_reload(
    browser, site, facilitator_page, projector
):
    room = Room(browser, site, facilitator_page, "Nabespreking live")
    room.do("add_table")
    room.do("add_table")
    first, second = room.tables()
    room.bots(first, 3)
    room.bots(second, 3)
    room.do("start", table=first)
    wait_until_over(room, first)

    big = projector(room.code)
    big.goto(f"/host/{room.code}/projector/debrief/")
    debrief = big.locator("#debrief")
    expect(big.locator(".net-svg .net-table")).to_have_count(1)
    # Listening, and the read after its socket's hello is done: from here on it hears
    # every game that starts or ends.
    expect(debrief).to_have_attribute("data-live", "on")
    expect(debrief).to_have_attribute("data-seq", re.compile(r"[1-9]"))
    big.evaluate("window.__stillHere = 'yes'")
    screenshot(big, "debrief-live-before", full_page=False)

    room.do("start", table=second)
    wait_until_over(room, second)
    final = room.dashboard.request.get(f"/host/{room.code}/projector/debrief/?fragment=1").text()
    asks = re.findall(r"<li>([^<]* vroeg [^<]*)</li>", final.split("</figcaption>")[0])
    assert len(asks) > 2, "the second table's game left no asks in the debrief"

    expect(big.locator(".net-svg .net-table")).to_have_count(2, timeout=15_000)
    expect(big.locator("figcaption ul").nth(1)).to_contain_text(" vroeg ")
    # Everything the server now says about the room's asks is on the page.
    caption = big.locator("figcaption")
    for ask in asks:
        expect(caption).to_contain_text(ask)
    assert big.evaluate("window.__stillHere") == "yes", "the page was reloaded"
    screenshot(big, "debrief-live-after", full_page=False)
