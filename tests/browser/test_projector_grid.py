"""The projector during play fills a 1920x1080 screen whatever the size of the room:
one table large, up to twenty in a grid, every name readable from the back of the
room (at least 28 px with up to eight tables) and nothing running off the screen. The
same screens on a 1280x720 and a 1024x768 projector fit as well, with no text under
18 px (many tables: compact cards, a name on one line and the quartets as dots).

Rooms of bots (and, from four tables on, two people with long names at table 1, who
never move: their table waits for them) play a moment and are paused from the dashboard; the projector keeps showing
the tables. Screenshots land in tests/browser/screenshots/ (projector-grid-*.png).
"""

from __future__ import annotations

from typing import Any

from tests.browser import measure
from tests.browser.conftest import screenshot, wait_until
from tests.browser.rooms import Room
from tests.browser.test_quality import axe, report

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

SCREEN_AREA = 1920 * 1080
SMALL_PROJECTORS = ((1280, 720), (1024, 768))
READABLE_PX = 28
PEOPLE = ("Annemarie van den Broek", "Mohammed El Amrani")  # seated at table 1 together

GRID_AREA = """() => {
  const box = document.querySelector('.pj-tables').getBoundingClientRect();
  return box.width * box.height;
}"""
NAME_PX = """() => [...document.querySelectorAll('.pj-table .pj-name')]
  .map((name) => parseFloat(getComputedStyle(name).fontSize))"""
# What runs off the screen: the page itself, a card outside the viewport, a card whose
# content is taller or wider than the card; the side column taller than the screen,
# or a line of its lists cut off.
OVERFLOW = """() => {
  const page = document.documentElement;
  const cards = [...document.querySelectorAll('.pj-table')];
  const outside = (box) => box.left < 0 || box.top < 0 || box.right > innerWidth || box.bottom > innerHeight;
  const side = document.querySelector('.pj-side');
  const cut = [...side.querySelectorAll('section li:not([hidden])')].filter((item) =>
    item.getBoundingClientRect().bottom > item.closest('section').getBoundingClientRect().bottom);
  return {
    side: side.scrollHeight > side.clientHeight || outside(side.getBoundingClientRect()),
    cut: cut.map((item) => item.textContent.trim()),
    scrollbars: page.scrollHeight > innerHeight || page.scrollWidth > innerWidth,
    outside: cards.filter((card) => outside(card.getBoundingClientRect())).map((c) => c.id),
    clipped: cards.filter((card) => card.scrollHeight > card.clientHeight
      || card.scrollWidth > card.clientWidth).map((c) => c.querySelector('h2').textContent),
    badges: [...document.querySelectorAll('.pj-table h2 .pj-badge')]
      .filter((badge) => badge.scrollWidth > badge.clientWidth + 1).map((b) => b.textContent),
    seats: [...document.querySelectorAll('.pj-table .pj-who')]
      .filter((who) => who.scrollWidth > who.clientWidth + 1).map((who) => who.textContent.trim()),
    cards: cards.length,
  };
}"""


def seated_room(browser, site, dashboard: Page, sizes: tuple[int, ...], *, people=PEOPLE) -> Room:
    """Tables of these sizes, waiting: ``people`` at table 1, bots in every other seat."""
    room = Room(browser, site, dashboard, f"Zaal van {len(sizes)}")
    for name in people:
        room.join(name)
    if people:
        room.do("arrange")  # one table for the people
    while len(room.tables()) < len(sizes):
        room.do("add_table")
    for n, (table, size) in enumerate(zip(room.tables(), sizes, strict=True)):
        for _ in range(size - (len(people) if n == 0 else 0)):
            room.do("add_bot", table=table, level="smart")
    return room


# At least n quartets laid, and (when a number is given) a table of that number or
# higher over: its band, "TAFEL 20 ✓", is the widest a card has.
PLAYED = """([chips, overFrom]) => document.querySelectorAll('.pj-chip').length >= chips
  && (!overFrom || [...document.querySelectorAll('.pj-table.is-over')].some(
    (card) => Number(card.getAttribute('aria-labelledby').split('-').pop()) >= overFrom))"""


def play_a_while(room: Room, big: Page, *, chips: int, over_from: int = 0) -> None:
    """Start every table, let the bots lay ``chips`` quartets (and, with ``over_from``,
    finish a game at a table numbered that or higher), then pause the session; a fresh
    page shows the tables without a quartet in the spotlight. Whether other tables are
    over by then is up to the bots: every screen must fit either way."""
    room.do("start_all")
    wait_until(big, PLAYED, [chips, over_from], timeout_ms=180_000)
    room.do("pause_all")
    big.reload()
    expect(big.locator(".pj-top-code .pj-badge")).to_be_visible()  # "gepauzeerd"
    expect(big.locator("#spotlight")).to_be_hidden()


def overflow(big: Page, tables: int) -> dict[str, Any]:
    found = big.evaluate(OVERFLOW)
    assert found["cards"] == tables
    return found


def assert_fits(big: Page, tables: int) -> None:
    found = overflow(big, tables)
    assert not found["scrollbars"], "the page scrolls"
    assert found["outside"] == [], f"cards off the screen: {found['outside']}"
    assert found["clipped"] == [], f"cards whose seats do not fit: {found['clipped']}"
    assert not found["side"], "the side column runs off the screen"
    assert found["cut"] == [], f"lines cut off in the side column: {found['cut']}"
    assert found["badges"] == [], f"a table's word cut short: {found['badges']}"
    assert found["seats"] == [], f"seats running into their counts: {found['seats']}"


def fitted(big: Page, width: int, height: int) -> None:
    """The screen is this size now, and projector.js has laid the panel out for it."""
    big.set_viewport_size({"width": width, "height": height})
    expect(big.locator("#projector-panel")).to_have_attribute("data-fitted", f"{width}x{height}")


def assert_fits_small_projectors(big: Page, tables: int, name: str) -> None:
    """The same screen on a 1280x720 and on a 1024x768 projector: nothing off the screen
    or cut short, no text under 18 px; then back to 1920x1080."""
    for width, height in SMALL_PROJECTORS:
        fitted(big, width, height)
        where = f"{name} at {width}x{height}"
        assert_fits(big, tables)
        measure.smallest_text(big, where, measure.READABLE_PX)
        compact = big.locator(".pj-board.pj-compact").count() == 1
        print(f"{where}: fits; compact cards: {compact}")
        screenshot(big, f"{name}-{width}x{height}", full_page=False)
    fitted(big, 1920, 1080)


def assert_no_serious_axe(big: Page, where: str) -> None:
    found: dict[str, list[str]] = {}
    minor: list[str] = []
    axe(big, where, found, minor)
    print(f"\naxe on {where}, moderate and minor (not failing):\n" + "\n".join(minor or ["none"]))
    assert not any(found.values()), report(found)


def smallest_name(big: Page) -> float:
    return min(big.evaluate(NAME_PX))


def test_one_table_fills_most_of_the_screen(browser, site, facilitator_page, projector):
    """One table: a card over half the screen, names far above 28 px."""
    room = seated_room(browser, site, facilitator_page, (5,), people=())
    big = projector(room.code)
    play_a_while(room, big, chips=1)
    expect(big.locator(".pj-table")).to_have_count(1)
    area = big.evaluate(GRID_AREA)
    print(
        f"\n1 table: the grid covers {area / SCREEN_AREA:.0%} of the screen;"
        f" names {smallest_name(big):.0f} px"
    )
    assert area >= 0.5 * SCREEN_AREA
    assert smallest_name(big) >= 2 * READABLE_PX
    assert_fits(big, 1)
    expect(big.locator(".pj-seat.is-turn")).to_have_count(1)
    assert_no_serious_axe(big, "projector, one table")
    screenshot(big, "projector-grid-1", full_page=False)
    assert_fits_small_projectors(big, 1, "projector-grid-1")


def test_four_tables_with_one_over_show_its_winner(browser, site, facilitator_page, projector):
    """Four tables in two rows; the one that finished first shows its winner."""
    room = seated_room(browser, site, facilitator_page, (5, 6, 4, 2))
    big = projector(room.code)
    room.do("start", table=room.tables()[3])  # two bots: the quickest game
    expect(big.locator(".pj-table.is-over .pj-win").first).to_be_visible(timeout=60_000)
    play_a_while(room, big, chips=8)
    expect(big.locator(".pj-table")).to_have_count(4)
    expect(big.locator(".pj-table").nth(3)).to_contain_text("Winnaar")
    print(f"\n4 tables: names at least {smallest_name(big):.1f} px")
    assert smallest_name(big) >= READABLE_PX
    assert_fits(big, 4)
    assert_no_serious_axe(big, "projector, four tables")
    screenshot(big, "projector-grid-4", full_page=False)
    assert_fits_small_projectors(big, 4, "projector-grid-4")

    # In English: the same screen, the game's title untranslated.
    big.context.add_cookies([{"name": "django_language", "value": "en", "url": big.url}])
    big.reload()
    expect(big.locator(".pj-table").first).to_contain_text("Table 1")
    expect(big.locator(".pj-table").nth(3)).to_contain_text("Winner")
    expect(big.locator(".pj-brand")).to_have_text("Mag ik van u ...")
    assert_fits(big, 4)
    screenshot(big, "projector-grid-4-en", full_page=False)


def test_eight_tables_keep_every_name_at_28_px(browser, site, facilitator_page, projector):
    """Eight tables of up to six: every name at least 28 px, every seat on its card."""
    sizes = (6, 5, 4, 3, 6, 5, 4, 3)
    room = seated_room(browser, site, facilitator_page, sizes)
    big = projector(room.code)
    play_a_while(room, big, chips=12)
    print(f"\n8 tables: names at least {smallest_name(big):.1f} px")
    assert smallest_name(big) >= READABLE_PX
    assert_fits(big, len(sizes))
    screenshot(big, "projector-grid-8", full_page=False)
    assert_fits_small_projectors(big, len(sizes), "projector-grid-8")


def test_twelve_tables_fit_on_the_screen(browser, site, facilitator_page, projector):
    """Twelve tables in a grid of four by three: nothing off the screen or clipped. (An
    open poll takes the whole screen: test_projector_end.py.)"""
    sizes = (6, 5, 4, 3) * 3
    room = seated_room(browser, site, facilitator_page, sizes)
    big = projector(room.code)
    play_a_while(room, big, chips=20, over_from=10)
    print(f"\n12 tables: names at least {smallest_name(big):.1f} px")
    assert_fits(big, len(sizes))
    assert_no_serious_axe(big, "projector, twelve tables")
    screenshot(big, "projector-grid-12", full_page=False)
    assert_fits_small_projectors(big, len(sizes), "projector-grid-12")


def test_twenty_full_tables_fit_on_the_screen(browser, site, facilitator_page, projector):
    """Twenty tables of six, the most the grid is made for: still nothing overflows."""
    sizes = (6,) * 20
    room = seated_room(browser, site, facilitator_page, sizes)
    big = projector(room.code)
    play_a_while(room, big, chips=30, over_from=10)
    print(f"\n20 tables: names at least {smallest_name(big):.1f} px")
    assert_fits(big, len(sizes))
    screenshot(big, "projector-grid-20", full_page=False)
    assert_fits_small_projectors(big, len(sizes), "projector-grid-20")
