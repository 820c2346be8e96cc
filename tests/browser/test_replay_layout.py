"""The replay of a table of six with long names, on a phone (390x844, 360x640), a
projector (1280x720, 1920x1080) and a tablet (1024x768): every seat in view and apart
from the others, no name broken inside a word, and (where the table is drawn) no seat
over the felt. Every move of the game at 390x844 and 1280x720 (where issue 31 saw it
break), every fourth move at the other sizes.

One table of six bots plays to the end; then its players get the longest names a
walk-through met, and are people rather than bots (their badge would take room a
person's seat does not need). Screenshots: tests/browser/screenshots/replay-layout-*.png.
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.measure import BOXES, READABLE_PX, no_side_scroll, overlaps, smallest_text
from tests.browser.test_replay_tablet import played_out

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

NAMES = [
    "Annemarie van den Broek", "Wilhelmina van Oosterhout", "Yasmina Bouzidi-de Haan",
    "Mohammed El Amrani", "Gijs de Boer", "Maria de Groot-van den Heuvel",
]  # fmt: skip
ISSUE_PHONE, ISSUE_BEAMER = (390, 844), (1280, 720)  # where issue 31 saw it break
PHONES = (ISSUE_PHONE, (360, 640))
LARGE = (ISSUE_BEAMER, (1920, 1080), (1024, 768))
FRAMES = "JSON.parse(document.getElementById('replay-frames').textContent)"

# Each seat's name: the words (between spaces and hyphens) broken over two lines.
BROKEN_WORDS = r"""() => [...document.querySelectorAll('#rp-seats .rp-name')].flatMap((name) => {
  const text = [...name.childNodes].find((node) => node.nodeType === 3);
  const range = document.createRange();
  const broken = [];
  for (const word of text.data.matchAll(/[^\s-]+/g)) {  // a break after a hyphen is a fair one
    range.setStart(text, word.index);
    range.setEnd(text, word.index + word[0].length);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    if (lines.size > 1) broken.push(`${text.data}: ${word[0]}`);
  }
  return broken;
})"""
# The felt as an ellipse, and whether any seat's box reaches into it.
FELT = """() => {
  const felt = document.querySelector('.rp-felt');
  if (!felt.checkVisibility()) return null;
  const f = felt.getBoundingClientRect();
  const [cx, cy, rx, ry] = [f.left + f.width / 2, f.top + f.height / 2, f.width / 2, f.height / 2];
  const inside = (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 0.98;
  return {
    size: [f.width, f.height],
    covered: [...document.querySelectorAll('#rp-seats .rp-seat')].filter((seat) => {
      const b = seat.getBoundingClientRect();
      const x = Math.max(b.left, Math.min(cx, b.right));  // the box's point nearest the centre
      const y = Math.max(b.top, Math.min(cy, b.bottom));
      return inside(x, y);
    }).map((seat) => seat.querySelector('.rp-name').textContent),
  };
}"""


def long_names(browser, site, dashboard: Page) -> str:
    """A finished table of six with long names; its session's code."""
    room = played_out(browser, site, dashboard, "Lange namen", 6)
    site.manage(
        "shell",
        "-c",
        "from game.models import Player;"
        f" people = Player.objects.filter(workshop__code={room.code!r}).order_by('seat');"
        f" [Player.objects.filter(pk=p.pk).update(name=n, bot_level='') for p, n in zip(people, {NAMES!r})]",
    )
    return room.code


# What reaches past the screen's right edge (a phone would zoom the page out).
WIDE = """(width) => [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 0.5)
  .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}: ${el.textContent.slice(0, 40)}`)"""


def check_seats(page: Page, where: str, *, drawn: bool) -> None:
    wide = page.evaluate(WIDE, page.viewport_size["width"])
    assert wide == [], f"{where}: wider than the screen: {wide[:8]}"
    widths = no_side_scroll(page, where, quiet=True)
    if drawn:
        assert widths["scrollHeight"] <= widths["innerHeight"], f"{where}: the page scrolls"
    seats = page.evaluate(BOXES, "#rp-seats .rp-seat")
    assert len(seats) == 6, f"{where}: {len(seats)} seats in view"
    for n, seat in enumerate(seats):
        crowded = [m for m, other in enumerate(seats) if m > n and overlaps(seat, other)]
        assert not crowded, f"{where}: seat {n} overlaps seats {crowded}"
    if not drawn:  # a phone: the seats are read by scrolling, each whole on the page
        width = page.viewport_size["width"]
        assert all(s["left"] >= 0 and s["right"] <= width for s in seats), where
    assert page.evaluate(BROKEN_WORDS) == [], f"{where}: names broken inside a word"
    felt = page.evaluate(FELT)
    if drawn:
        assert felt and min(felt["size"]) >= 40, f"{where}: no table drawn: {felt}"
        assert felt["covered"] == [], f"{where}: seats over the felt: {felt['covered']}"
    else:
        assert felt is None, f"{where}: a felt on a phone"
    smallest_text(page, where, READABLE_PX, quiet=True)


def every_move(page: Page, where: str, *, drawn: bool, every: int = 1) -> None:
    """Each move (``every``: each such move, and the deal, first quartet and end)."""
    frames = page.evaluate(FRAMES)
    last = len(frames) - 1
    expect(page.locator("#rp-seats .rp-name").first).to_have_text(NAMES[0])
    quartet = next(f["n"] for f in frames if any(not q["dealt"] for q in f["quartets"]))
    for n in sorted({*range(0, len(frames), every), quartet, last}):
        page.locator("#rp-slider").fill(str(n))
        expect(page.locator("#rp-move")).to_have_text(f"Zet {n} van {last}")
        check_seats(page, f"{where}, move {n}", drawn=drawn)
        if n in (1, quartet, last):
            screenshot(page, f"replay-layout-{where}-{n}", full_page=not drawn)
    print(f"{where}: {len(frames)} moves, every seat apart and whole")


def test_every_move_of_a_table_of_six_fits_a_phone_a_tablet_and_a_projector(
    browser, site, facilitator_page, handheld, projector
):
    code = long_names(browser, site, facilitator_page)
    path = f"/host/{code}/tables/1/replay/"
    # Every move at the issue's sizes, every fourth at the others.
    for width, height in PHONES:
        every = 1 if (width, height) == ISSUE_PHONE else 4
        every_move(handheld(path, width, height), f"{width}x{height}", drawn=False, every=every)
    big = projector(code)
    big.goto(path)
    for width, height in LARGE:
        big.set_viewport_size({"width": width, "height": height})
        every = 1 if (width, height) == ISSUE_BEAMER else 4
        every_move(big, f"{width}x{height}", drawn=True, every=every)
