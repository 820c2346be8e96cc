"""The facilitator walks the room with the dashboard on a phone (390x844) or a tablet
(768x1024), held upright and turned (844x390, 1024x768): the join code and QR code
readable, every table's card whole (its status, progress, who is on turn, who is
away), every player's "⋯" menu opens inside the screen and works by touch, every
target at least 44 px, and never a page wider than the screen.

The room: two tables waiting for someone who left (each flagged), a third not started
yet. It is set up as the dashboard's buttons do it (posted); the two people joined
and never opened the game, so once the turn reaches them their table waits for them,
and stays so while the test looks. Screenshots land in tests/browser/screenshots/
(dashboard-handheld-*.png).
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.measure import no_side_scroll, small_targets
from tests.browser.rooms import Room
from tests.browser.test_away import backdate

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

PEOPLE = ("Annemarie van den Broek", "Dirk de Wit")  # one at table 1, one at table 2
FLAG_SECONDS = 60  # easy bots miss often: the turn soon reaches the person who left
DEVICES = {
    "phone": ((390, 844), (844, 390)),  # upright, then turned
    "tablet": ((768, 1024), (1024, 768)),
}
READABLE_CODE_PX = 28
READABLE_QR_PX = 160

# The join code and the QR code: their boxes and the code's type size.
JOIN = """() => {
  const box = (el) => { const b = el.getBoundingClientRect(); return { left: b.left, right: b.right, width: b.width }; };
  const code = document.querySelector('.join-code');
  return { code: box(code), qr: box(document.querySelector('.dashboard .qr')),
           code_px: parseFloat(getComputedStyle(code).fontSize) };
}"""
# Every table's card: inside the screen's width, and what it shows.
CARDS = """() => [...document.querySelectorAll('#panel .table-card')].map((card) => {
  const b = card.getBoundingClientRect();
  const shown = (sel) => [...card.querySelectorAll(sel)].filter((el) => el.checkVisibility()).length;
  return {
    id: card.id, left: b.left, right: b.right,
    status: card.querySelector('.badge-status').textContent.trim(),
    progress: shown('.table-progress'), turn: shown('.seat.is-turn .seat-name'),
    flag: card.querySelector('.table-flag') ? card.querySelector('.table-flag p').innerText : '',
    away: shown('.seat .badge-away'), seats: card.querySelectorAll('.seat[data-player]').length,
  };
})"""
# An open menu's box and its controls' sizes, measured where it is found.
OPEN_MENU = """(details) => {
  const body = details.querySelector('.popover-body').getBoundingClientRect();
  const controls = [...details.querySelectorAll('.popover-body button, .popover-body select')]
    .map((el) => { const b = el.getBoundingClientRect(); return [b.width, b.height]; });
  return { left: body.left, right: body.right, controls };
}"""


def room_waiting_for_two(browser, site, dashboard: Page) -> Room:
    """Annemarie at table 1 and Dirk at table 2, each with three easy bots, both gone
    since ten minutes; table 3 has two bots and has not started. Returns once both
    tables wait for their person (flagged on the dashboard)."""
    room = Room(browser, site, dashboard, "Rondlopen")
    for name in PEOPLE:
        room.join(name)
    room.do("arrange")
    room.do("add_table")
    room.do("add_table")
    first, second, third = room.tables()
    room.do("move", player=room.player(PEOPLE[1]), table=second)
    room.bots(first, 3, level="easy")
    room.bots(second, 3, level="easy")
    room.bots(third, 2)
    for name in PEOPLE:
        backdate(site, room.code, name, 600)
    room.do("start", table=first)
    room.do("start", table=second)
    flags = dashboard.locator("#panel .table-flag")
    expect(flags).to_have_count(2, timeout=FLAG_SECONDS * 1000)
    return room


def check_join(page: Page, where: str) -> None:
    join = page.evaluate(JOIN)
    width = page.viewport_size["width"]
    print(f"{where}: code {join['code_px']:.0f} px, QR {join['qr']['width']:.0f} px")
    for part in ("code", "qr"):
        assert join[part]["left"] >= 0 and join[part]["right"] <= width, f"{where}: {part} {join}"
    assert join["code_px"] >= READABLE_CODE_PX, f"{where}: the code is {join['code_px']} px"
    assert join["qr"]["width"] >= READABLE_QR_PX, f"{where}: the QR code is {join['qr']}"


def check_cards(page: Page, where: str) -> None:
    """Three cards inside the screen's width: two playing, each waiting for its person
    (flagged, the person on turn and marked away), one not started."""
    cards = page.evaluate(CARDS)
    width = page.viewport_size["width"]
    assert len(cards) == 3, cards
    for card in cards:
        assert card["left"] >= 0 and card["right"] <= width, f"{where}: {card} runs off"
    waiting, other, new = cards
    for card, name in ((waiting, PEOPLE[0]), (other, PEOPLE[1])):
        assert card["status"] == "speelt", card
        assert card["progress"] == 1 and card["turn"] == 1, card
        assert f"De tafel wacht op {name}." in card["flag"], card
        assert card["away"] == 1, card
    assert new["status"] == "wacht" and new["progress"] == 0 and new["seats"] == 2, new


def check_menus(page: Page, where: str) -> int:
    """Every "⋯" menu opens by a tap, inside the screen's width, with thumb-sized
    controls, and closes by a tap elsewhere; so do the session's settings."""
    width = page.viewport_size["width"]
    buttons = page.locator("#panel summary.seat-menu-button")
    count = buttons.count()
    assert count == 4, f"{where}: {count} menus"  # a person each at tables 1 and 2, two bots
    summaries = [buttons.nth(n).get_attribute("aria-label") for n in range(count)]
    summaries += ["Spelers die weg zijn en lange beurten", "Opvolgmails"]
    for label in summaries:
        summary = page.locator("#panel summary").filter(has_text=label)
        if label.startswith("Acties voor"):
            summary = page.locator(f'#panel summary[aria-label="{label}"]')
        summary.scroll_into_view_if_needed()
        summary.tap()
        opened = page.locator("#panel details[open]")
        expect(opened).to_have_count(1)
        menu = opened.evaluate(OPEN_MENU)
        assert menu["left"] >= 0 and menu["right"] <= width, f"{where}: {label} opens at {menu}"
        small = [size for size in menu["controls"] if min(size) < 44]
        assert not small, f"{where}: {label}: controls of {small}"
        no_side_scroll(page, f"{where}, {label} open")
        page.locator("h1").tap()  # a tap elsewhere closes it
        expect(page.locator("#panel details[open]")).to_have_count(0)
    return len(summaries)


def walk(page: Page, device: str) -> None:
    """At each of the device's sizes: the checks, and a screenshot of the whole page."""
    for width, height in DEVICES[device]:
        page.set_viewport_size({"width": width, "height": height})
        where = f"{device} {width}x{height}"
        expect(page.locator("#panel .table-flag")).to_have_count(2)
        no_side_scroll(page, where)
        small = small_targets(page, where)
        assert not small, "touch targets under 44x44 px:\n" + "\n".join(small)
        check_join(page, where)
        check_cards(page, where)
        menus = check_menus(page, where)
        print(f"{where}: {menus} menus opened inside the screen")
        screenshot(page, f"dashboard-handheld-{width}x{height}")


def test_the_dashboard_works_on_a_phone_and_a_tablet_either_way_up(
    browser, site, facilitator_page, handheld
):
    """Phone and tablet, upright and turned; then a bot is taken out of table 3 with its
    menu, by touch, on the phone."""
    room = room_waiting_for_two(browser, site, facilitator_page)
    for device, sizes in DEVICES.items():
        width, height = sizes[0]
        page = handheld(f"/host/{room.code}/", width, height)
        walk(page, device)

    page.set_viewport_size({"width": 390, "height": 844})
    third = page.locator("#panel .table-card").nth(2)
    bot = third.locator(".seat-name").first.inner_text()
    summary = third.locator(f'summary[aria-label="Acties voor {bot}"]')
    summary.scroll_into_view_if_needed()
    summary.tap()
    menu = third.locator("details[open]")
    screenshot(page, "dashboard-handheld-menu-390x844", full_page=False)
    page.once("dialog", lambda dialog: dialog.accept())
    menu.get_by_role("button", name="Verwijderen").tap()
    expect(third.locator(".seat[data-player]")).to_have_count(1)
    expect(third).not_to_contain_text(bot)
    no_side_scroll(page, "phone 390x844, after the removal")
