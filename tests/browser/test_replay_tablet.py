"""The replay of a table on a tablet, and playing on its own.

On a tablet held either way up (768x1024, 1024x768) every control is inside the screen
and at least 44 px, nothing is cut off (the page, the panel, the seats around the
table) and no text is under 18 px. The replay plays by itself at half, single, double
or four times the speed, pauses (the button, or the space bar), stops at the last move,
goes quiet for screen readers while it plays, and leaves its soft fade-in out for
someone who asked for reduced motion; all under the Content-Security-Policy.

One table of five bots plays to the end first. Screenshots land in
tests/browser/screenshots/ (replay-tablet-*.png).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.measure import (
    BOXES,
    READABLE_PX,
    clipped,
    no_side_scroll,
    outside,
    overlaps,
    small_targets,
    smallest_text,
)
from tests.browser.rooms import Room
from tests.browser.test_csp import Violations

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

GAME_MS = 120_000  # five bots, 200 ms a move
TABLETS = ((768, 1024), (1024, 768))
MOVE_MS = 1500  # a move on screen at 1x (static/game/replay.js); a quartet twice as long
FRAMES = "JSON.parse(document.getElementById('replay-frames').textContent)"
CONTROLS = ".rp-controls button, #rp-slider, .rp-speed-option, .rp-nav a"
# Each move shown from now on: its number and when (ms), recorded in the page.
RECORD = """() => {
  window.__shown = [];
  if (window.__recording) return;
  window.__recording = true;
  const slider = document.getElementById('rp-slider');
  new MutationObserver(() => window.__shown.push([Number(slider.value), performance.now()]))
    .observe(document.getElementById('rp-move'), { childList: true, characterData: true, subtree: true });
}"""
STATE = """() => ({
  move: Number(document.getElementById('rp-slider').value),
  playing: document.getElementById('replay').dataset.playing,
  live: document.getElementById('rp-panel').getAttribute('aria-live'),
  label: document.getElementById('rp-play').textContent.trim(),
})"""
FADE = "() => getComputedStyle(document.querySelector('#rp-say')).animationName"


def played_out(browser, site, dashboard: Page, name: str, bots: int) -> Room:
    """A session whose one table of ``bots`` bots has played to the end."""
    room = Room(browser, site, dashboard, name)
    room.do("add_table")
    (table,) = room.tables()
    room.bots(table, bots)
    room.do("start", table=table)
    status = dashboard.locator("#panel .table-card .badge-status")
    expect(status).to_have_text("afgelopen", timeout=GAME_MS)
    return room


@pytest.fixture
def finished(browser, site, facilitator_page) -> Room:
    """A session whose one table of five bots has played to the end."""
    return played_out(browser, site, facilitator_page, "Terugkijken", 5)


def check_fits(page: Page, where: str) -> None:
    """Nothing wider or taller than the screen, every control inside it and thumb-sized,
    the panel not cut off, the seats inside the table's area and apart, text >= 18 px."""
    widths = no_side_scroll(page, where, quiet=True)
    assert widths["scrollHeight"] <= widths["innerHeight"], f"{where}: the page scrolls"
    small = small_targets(page, where)
    assert not small, "targets under 44x44 px:\n" + "\n".join(small)
    off = outside(page, CONTROLS)
    assert not off, f"{where}: controls off the screen: {off}"
    cut = clipped(page, "#rp-panel")
    assert not cut, f"{where}: the panel is cut off: {cut}"
    (stage,) = page.evaluate(BOXES, "#rp-stage")
    seats = page.evaluate(BOXES, "#rp-seats .rp-seat")
    assert len(seats) == 5
    for n, seat in enumerate(seats):
        inside = (
            seat["left"] >= stage["left"] - 0.5
            and seat["right"] <= stage["right"] + 0.5
            and seat["top"] >= stage["top"] - 0.5
            and seat["bottom"] <= stage["bottom"] + 0.5
        )
        assert inside, f"{where}: seat {n} {seat} leaves the table's area {stage}"
        crowded = [m for m, other in enumerate(seats) if m > n and overlaps(seat, other)]
        assert not crowded, f"{where}: seat {n} overlaps seats {crowded}"
    smallest_text(page, where, READABLE_PX, quiet=True)


def test_the_replay_fits_a_tablet_either_way_up(finished, handheld):
    """Every move of the game, upright and turned; photographed at the deal, at the
    first quartet laid (the spotlight in the panel) and at the end (the winners)."""
    page = handheld(f"/host/{finished.code}/tables/1/replay/", *TABLETS[0])
    frames = page.evaluate(FRAMES)
    last = len(frames) - 1
    quartet = next(f["n"] for f in frames if any(not q["dealt"] for q in f["quartets"]))
    for width, height in TABLETS:
        page.set_viewport_size({"width": width, "height": height})
        for n in range(len(frames)):
            page.locator("#rp-slider").fill(str(n))
            expect(page.locator("#rp-move")).to_have_text(f"Zet {n} van {last}")
            check_fits(page, f"{width}x{height}, move {n}")
            if n in (0, quartet, last):
                screenshot(page, f"replay-tablet-{width}x{height}-{n}", full_page=False)


def choose_speed(page: Page, speed: str) -> None:
    """Taps the speed (its label: the radio button inside is invisible)."""
    page.locator(f'.rp-speed-option:has(input[value="{speed}"])').tap()
    expect(page.locator(f'input[name=rp-speed][value="{speed}"]')).to_be_checked()


def shown_since(page: Page) -> list[tuple[int, float]]:
    return [tuple(entry) for entry in page.evaluate("window.__shown")]


def check_pace(page: Page, frames: list[dict], speed: float, moves: int) -> float:
    """Plays ``moves`` moves at ``speed`` from where it is; each move stays its time (a
    timer is never early; a busy machine may make it late). Returns the median ratio."""
    start = page.evaluate(STATE)["move"]
    page.evaluate(RECORD)
    page.locator("#rp-play").tap()
    deadline = time.monotonic() + moves * 2 * MOVE_MS / speed / 1000 + 10
    while len(shown_since(page)) < moves:
        assert time.monotonic() < deadline, f"not {moves} moves at {speed}x: {shown_since(page)}"
        time.sleep(0.05)
    page.locator("#rp-play").tap()  # pause
    expect(page.locator("#replay")).to_have_attribute("data-playing", "false")
    shown = shown_since(page)[:moves]
    ratios = []
    previous = None
    for move, at in shown:
        assert previous is None or move == previous[0] + 1, f"skipped a move: {shown}"
        if previous is not None:
            expected = MOVE_MS / speed * (2 if frames[previous[0]]["quartets"] else 1)
            ratios.append((at - previous[1]) / expected)
        previous = (move, at)
    assert shown[0][0] == start + 1, shown
    print(f"{speed}x: moves stayed {[round(r, 2) for r in ratios]} of their time")
    assert min(ratios) >= 0.9, f"moves shown too soon at {speed}x: {ratios}"
    assert statistics.median(ratios) <= 1.5, f"moves shown too late at {speed}x: {ratios}"
    return statistics.median(ratios)


def test_the_replay_plays_by_itself_pauses_and_stops_at_the_end(finished, handheld):
    """Play and pause by touch and by the space bar, at 4x and 1x, to the last move and
    again from the deal; quiet for screen readers while it plays, its words fading in
    (not with reduced motion); no policy violation."""
    page = handheld(f"/host/{finished.code}/tables/1/replay/", *TABLETS[1])
    violations = Violations()
    violations.watch(page)
    page.reload()
    frames = page.evaluate(FRAMES)
    last = len(frames) - 1
    play = page.locator("#rp-play")
    expect(play).to_have_text("▶ Afspelen")
    assert page.evaluate(STATE)["live"] == "polite"

    choose_speed(page, "4")
    check_pace(page, frames, 4, moves=4)
    choose_speed(page, "1")
    check_pace(page, frames, 1, moves=2)

    # The space bar, with nothing focused: plays (quiet for screen readers), pauses.
    page.locator("h1").click()
    page.keyboard.press(" ")
    expect(page.locator("#replay")).to_have_attribute("data-playing", "true")
    state = page.evaluate(STATE)
    assert state["live"] == "off" and state["label"] == "❚❚ Pauzeren", state
    assert page.evaluate(FADE) == "rp-in"  # the words fade in while it plays
    page.evaluate("Promise.all(document.getAnimations().map((a) => a.finished))")
    screenshot(page, "replay-tablet-playing-1024x768", full_page=False)
    page.keyboard.press(" ")
    expect(page.locator("#replay")).to_have_attribute("data-playing", "false")
    paused = page.evaluate(STATE)
    assert paused["live"] == "polite" and paused["label"] == "▶ Afspelen", paused
    # Paused means still: nothing moves in twice a move's time at this speed.
    time.sleep(2 * MOVE_MS / 1000)
    assert page.evaluate(STATE)["move"] == paused["move"], "it moved on while paused"

    # From three moves before the end at 4x: it stops at the last move, by itself.
    choose_speed(page, "4")
    page.locator("#rp-slider").fill(str(last - 3))
    play.tap()
    expect(page.locator("#rp-move")).to_have_text(f"Zet {last} van {last}", timeout=15_000)
    expect(page.locator("#replay")).to_have_attribute("data-playing", "false")
    expect(play).to_have_text("▶ Afspelen")
    expect(page.locator("#rp-next")).to_be_disabled()
    screenshot(page, "replay-tablet-end-1024x768", full_page=False)
    # Play at the end: again from the deal.
    play.tap()
    expect(page.locator("#replay")).to_have_attribute("data-playing", "true")
    assert page.evaluate(STATE)["move"] <= 1
    play.tap()
    violations.assert_none()

    # With reduced motion asked for, the moves come without the fade-in.
    still = handheld(
        f"/host/{finished.code}/tables/1/replay/", *TABLETS[1], reduced_motion="reduce"
    )
    choose_speed(still, "4")
    still.locator("#rp-play").tap()
    expect(still.locator("#rp-move")).not_to_have_text(f"Zet 0 van {last}")
    expect(still.locator("#replay")).to_have_attribute("data-playing", "true")
    assert still.evaluate(FADE) == "none"
    still.locator("#rp-play").tap()
