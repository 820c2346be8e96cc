"""The debrief in a real browser at 1920x1080: two tables of bots play to the end, then
the projector's debrief ("Wie vroeg wie", "Welke thema's gingen rond"), the results
page, and the replay of a table stepped through with its buttons, the arrow keys and
the slider.

Screenshots land in tests/browser/screenshots/ (debrief-*.png) for a human to look at.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser import measure
from tests.browser.conftest import screenshot, wait_until
from tests.browser.test_csp import Violations
from tests.browser.test_quality import axe, report
from tests.browser.test_session_flow import create_session

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

GAME_MS = 180_000  # tables of smart bots, 200 ms a move, play in well under a minute
BOTS = 3
FRAMES = "JSON.parse(document.getElementById('replay-frames').textContent)"
SHOWN = """() => ({
  say: document.getElementById('rp-say').textContent,
  answer: document.getElementById('rp-answer').textContent,
  move: document.getElementById('rp-move').textContent,
  slider: Number(document.getElementById('rp-slider').value),
  counts: [...document.querySelectorAll('#rp-seats .rp-count')].map((e) => e.textContent),
  notes: [...document.querySelectorAll('#rp-notes li')].map((e) => e.textContent),
  spot: [...document.querySelectorAll('#rp-spotlight h2')].map((e) => e.textContent),
})"""
# The rendered size of the network's names: the font size times the SVG's scale.
NAME_PX = """() => {
  const svg = document.querySelector('.net-svg');
  const name = svg.querySelector('.net-name');
  return Number(getComputedStyle(name).fontSize.replace('px', '')) * svg.getScreenCTM().a;
}"""


# How far the fixed links at the bottom stay below the slide's content (negative: over it).
NAV_ROOM = """(slide) => {
  const box = slide.getBoundingClientRect();
  const content = box.bottom - parseFloat(getComputedStyle(slide).paddingBottom);
  return document.querySelector('.db-nav').getBoundingClientRect().top - content;
}"""


def slide_fits(big: Page, slide: str, where: str, minimum: float = measure.READABLE_PX) -> None:
    """The slide is on screen, whole (nothing in it cut off, nothing under the links at
    the bottom), and none of its text is under ``minimum`` px (the network's names as
    drawn, scaled); 0: the text is measured, not checked."""
    section = big.locator(f"#{slide}")
    section.evaluate("(s) => s.scrollIntoView()")
    expect(section).to_be_in_viewport(ratio=1)
    cut = section.evaluate(
        "(s) => [s.scrollWidth - s.clientWidth, s.scrollHeight - s.clientHeight]"
    )
    assert cut == [0, 0], f"{where}: the slide runs over by {cut} px"
    widths = big.evaluate(measure.WIDTHS)
    assert widths["scrollWidth"] <= widths["innerWidth"], f"{where}: scrolls sideways"
    room = section.evaluate(NAV_ROOM)
    assert room >= 0, f"{where}: the links at the bottom cover the slide by {-room} px"
    sizes = measure.text_sizes(big, section)
    small = [f"{s['px']} px {s['what']}" for s in sizes if s["px"] < minimum]
    print(f"{where}: the smallest text is {sizes[0]['px']} px ({sizes[0]['what']})")
    assert not small, f"{where}: text under 18 px:\n" + "\n".join(small[:12])


def tables_of_bots(dashboard: Page, name: str, sizes: tuple[int, ...]) -> str:
    """A session with a table of bots of each size, started; returns its code."""
    code = create_session(dashboard, name)
    for count in range(1, len(sizes) + 1):
        dashboard.click("button[value=add_table]")
        expect(dashboard.locator(".table-card")).to_have_count(count)
    for card, size in zip(dashboard.locator(".table-card").all(), sizes, strict=True):
        for count in range(1, size + 1):
            # Smart bots: a game of six easy ones can take 190 moves, smart ones 60 at most.
            level = card.locator("select[name=level]")
            level.focus()  # a chosen level is kept while its field has the focus
            level.select_option("smart")
            card.locator("button[value=add_bot]").click()
            expect(card.locator(".seats li")).to_have_count(count)
    dashboard.click("button[value=start_all]")
    return code


def wait_for_the_end(big: Page, players: int) -> None:
    """The projector shows the room's ranking, everyone in it, once every table's game
    is over."""
    expect(big.locator(".pj-room")).to_be_visible(timeout=GAME_MS)
    expect(big.locator(".pj-rank")).to_have_count(players)


def shown(page: Page) -> dict[str, Any]:
    return page.evaluate(SHOWN)


def expect_frame(page: Page, frames: list[dict], n: int) -> dict[str, Any]:
    """The page shows frame ``n``: its words, its counts, the slider at ``n``."""
    wait_until(page, "(n) => Number(document.getElementById('rp-slider').value) === n", n)
    now = shown(page)
    frame = frames[n]
    assert now["move"] == f"Zet {n} van {len(frames) - 1}"
    assert now["say"] == frame["say"] and now["answer"] == frame["answer"]
    assert now["notes"] == frame["notes"]
    assert [int(re.match(r"\d+", text)[0]) for text in now["counts"]] == frame["counts"]
    assert len(now["spot"]) == len(frame["quartets"])
    return now


def test_the_debrief_and_the_replay_on_the_big_screen(facilitator_page, projector):
    code = tables_of_bots(facilitator_page, "Nabespreking", (BOTS, BOTS))
    big = projector(code)
    wait_for_the_end(big, 2 * BOTS)
    violations = Violations()
    violations.watch(big)
    big.reload()  # without the quartets of the last moves in the spotlight
    expect(big.locator(".pj-room")).to_be_visible()
    screenshot(big, "debrief-projector-after", full_page=False)

    # The projector's "after" screen links to the debrief: two slides.
    big.get_by_role("link", name="Nabespreking →").click()
    big.wait_for_url(f"**/host/{code}/projector/debrief/")
    expect(big.locator(".net-svg .net-table")).to_have_count(2)
    expect(big.locator(".net-svg .net-name")).to_have_count(2 * BOTS)
    assert big.locator(".net-svg .net-ask").count() >= 4
    assert big.evaluate(NAME_PX) >= 28, "the names are too small for the back of the room"
    expect(big.locator("figcaption")).to_contain_text(re.compile(r"Bot \d vroeg Bot \d \d+ keer"))
    screenshot(big, "debrief-network", full_page=False)
    found: dict[str, list[str]] = {}
    minor: list[str] = []
    axe(big, "projector debrief", found, minor)
    big.locator(".db-nav a[href='#themes']").click()
    expect(big.locator("#themes-h")).to_be_in_viewport()
    expect(big.locator(".db-theme")).to_have_count(5)
    assert big.locator(".db-moments li").count() == 2 * 5  # every quartet at both tables
    screenshot(big, "debrief-themes", full_page=False)

    big.goto(f"/host/{code}/results/")
    expect(big.locator(".db-results .net-svg")).to_be_visible()
    screenshot(big, "debrief-results")
    axe(big, "results page", found, minor)

    big.get_by_role("link", name="Tafel 1 terugkijken").click()
    big.wait_for_url(f"**/host/{code}/tables/1/replay/**")
    frames = big.evaluate(FRAMES)
    last = len(frames) - 1
    assert last > 5 and frames[-1]["over"]

    first = expect_frame(big, frames, 0)
    assert first["say"] == "De kaarten zijn gedeeld." and first["answer"] == ""
    expect(big.locator("#rp-first")).to_be_disabled()
    screenshot(big, "debrief-replay-dealt", full_page=False)

    big.click("#rp-next")
    one = expect_frame(big, frames, 1)
    assert " vraagt " in one["say"] and one["answer"] in ("Ja!", "Nee, helaas.")
    big.click("#rp-next")
    expect_frame(big, frames, 2)
    big.click("#rp-prev")
    expect_frame(big, frames, 1)
    screenshot(big, "debrief-replay-ask", full_page=False)

    big.keyboard.press("ArrowRight")
    expect_frame(big, frames, 2)
    big.keyboard.press("ArrowLeft")
    expect_frame(big, frames, 1)
    big.keyboard.press("End")
    end = expect_frame(big, frames, last)
    assert any(note.startswith("Winna") for note in end["notes"])
    expect(big.locator("#rp-next")).to_be_disabled()
    expect(big.locator("#rp-seats .rp-seat.winner")).not_to_have_count(0)
    screenshot(big, "debrief-replay-end", full_page=False)
    big.keyboard.press("Home")
    expect_frame(big, frames, 0)

    # The slider: to a quartet laid during play (the spotlight), then by its own keys.
    quartet = next(f["n"] for f in frames if any(not q["dealt"] for q in f["quartets"]))
    big.locator("#rp-slider").fill(str(quartet))
    now = expect_frame(big, frames, quartet)
    assert now["spot"] and " legt het kwartet " in now["spot"][0]
    screenshot(big, "debrief-replay-quartet", full_page=False)
    axe(big, "replay", found, minor)
    print("\naxe, moderate and minor (not failing):\n" + "\n".join(minor or ["none"]))
    assert not any(found.values()), report(found)
    big.locator("#rp-slider").focus()
    big.keyboard.press("ArrowRight")
    expect_frame(big, frames, quartet + 1)
    big.click("#rp-last")
    expect_frame(big, frames, last)
    big.click("#rp-first")
    expect_frame(big, frames, 0)

    # A reload keeps the move on screen (it is in the address).
    big.click("#rp-next")
    big.reload()
    expect_frame(big, frames, 1)
    violations.assert_none()


def test_a_room_of_eight_tables_stays_readable_from_the_back(facilitator_page, projector):
    """Up to eight tables of up to six: every name at least 28 px on the network slide,
    and every quartet of the room listed on the themes slide, on one screen each; on a
    1280x720 beamer every slide whole with no text under 18 px, on a 1024x768 one whole."""
    sizes = (6, 5, 4, 3, 6, 5, 4, 3)
    code = tables_of_bots(facilitator_page, "Volle zaal", sizes)
    big = projector(code)
    wait_for_the_end(big, sum(sizes))
    big.goto(f"/host/{code}/projector/debrief/")
    expect(big.locator(".net-svg .net-table")).to_have_count(len(sizes))
    expect(big.locator(".net-svg .net-name")).to_have_count(sum(sizes))
    assert big.evaluate(NAME_PX) >= 28, "the names are too small for the back of the room"
    svg = big.locator(".net-svg").bounding_box()
    assert svg["y"] + svg["height"] <= 1080
    screenshot(big, "debrief-eight-tables-network", full_page=False)
    big.locator(".db-nav a[href='#themes']").click()
    expect(big.locator("#themes-h")).to_be_in_viewport()
    screenshot(big, "debrief-eight-tables-themes", full_page=False)
    # Forty quartets do not fit beside the themes: they get a slide of their own.
    big.locator(".db-nav a[href='#quartets']").click()
    expect(big.locator("#quartets .db-moments li")).to_have_count(len(sizes) * 5)
    slide = big.locator("#quartets").bounding_box()
    last = big.locator("#quartets .db-moments").bounding_box()
    assert last["y"] + last["height"] <= slide["y"] + 1080, "the quartets run off the screen"
    screenshot(big, "debrief-eight-tables-quartets", full_page=False)

    # A 1280x720 beamer: every slide whole, no text under 18 px; a 1024x768 one: whole.
    for (width, height), minimum in (((1280, 720), measure.READABLE_PX), ((1024, 768), 0)):
        big.set_viewport_size({"width": width, "height": height})
        for name in ("who-asked-whom", "themes", "quartets"):
            slide_fits(big, name, f"eight tables, {name} at {width}x{height}", minimum)
            screenshot(big, f"debrief-eight-tables-{name}-{width}x{height}", full_page=False)
