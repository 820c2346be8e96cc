"""The projector's end screen and an open poll, on the beamers a walk-through met (1280x720
and 1024x768) and on a 1920x1080 one.

The end screen: the room's ranking is its subject. Everyone's place and whole name are
on it at 18 px or more; a room too large for one screen goes on slides (a page of the
ranking each, then the top ideas), which the keys and clickers people use turn (arrows,
PageUp/PageDown, space), past the last one to the debrief; they also turn by themselves.
The top ideas are whole lines. The rooms are finished sessions written into the
server's database (tests/browser/debrief_rooms.py): the nine people of the walk-through
and a room of 36.

An open poll takes the whole screen, before play and during it, with the way in for
late comers below it; it gives the screen back when it closes.
Screenshots: tests/browser/screenshots/projector-end-*.png, projector-poll-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser import measure
from tests.browser.conftest import FACILITATOR, screenshot
from tests.browser.debrief_rooms import made, names
from tests.browser.rooms import Room
from tests.browser.test_projector_grid import fitted
from tests.browser.test_projector_small import NAMES, fits_the_window

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

SIZES = ((1280, 720), (1024, 768), (1920, 1080))
ROOMS = {
    # The walk-through's room: nine people at tables of five and four.
    "walk": {"sizes": [5, 4], "ideas": [3, 2, 2, 1, 1]},
    # Six tables of six: more than one screen holds at 18 px and up.
    "full": {"sizes": [6] * 6, "ideas": [9, 7, 5, 3, 2]},
}
FORWARD = ("PageDown", "ArrowRight", " ", "ArrowDown")  # a clicker, then a keyboard
SLIDE_NO = re.compile(r"^Dia (\d+) van (\d+)$")

# What the end screen shows now: the ranking's lines in view (place, name, score),
# whether the top ideas are in view and whole, the slide's number.
SHOWN = """() => {
  const seen = (el) => el && el.checkVisibility();
  const ideas = document.querySelector('.pj-ideas');
  const box = ideas && ideas.getBoundingClientRect();
  const lines = seen(ideas) ? [...ideas.querySelectorAll('li')].filter(seen) : [];
  return {
    lines: [...document.querySelectorAll('.pj-rank')].filter(seen).map((li) => [
      li.querySelector('.pj-place').textContent.trim(), li.querySelector('.pj-name').textContent.trim(),
      li.querySelector('.pj-score').textContent.trim()]),
    ideas: lines.map((li) => li.querySelector('.pj-idea-title').textContent.trim()),
    ideas_cut: lines.filter((li) => li.getBoundingClientRect().bottom > box.bottom + 0.5).length,
    slide: seen(document.getElementById('pj-slide-no')) ? document.getElementById('pj-slide-no').textContent.trim() : '',
  };
}"""


@pytest.fixture(scope="module")
def finished(server) -> dict[str, dict[str, Any]]:
    """The rooms of this file, over, in the server's database: {key: {code, names}}."""
    specs = [
        {"name": f"Slot {key}", "sizes": spec["sizes"], "style": "people", "spread": True,
         "ideas": spec["ideas"]}
        for key, spec in ROOMS.items()
    ]  # fmt: skip
    codes = made(server, specs, FACILITATOR)
    return {
        key: {
            "code": codes[f"Slot {key}"],
            "names": [name for row in names(spec["sizes"], "people") for name in row],
        }
        for key, spec in ROOMS.items()
    }


def slide_count(big: Page) -> int:
    shown = big.evaluate(SHOWN)
    if not shown["slide"]:
        return 1
    return int(SLIDE_NO.match(shown["slide"])[2])


def check_slide(big: Page, where: str) -> dict[str, Any]:
    """Nothing off the screen or cut short, no text under 18 px, the debrief's button
    in view and free; returns what the slide shows."""
    fits_the_window(big, where)
    assert measure.outside(big, ".pj-rank, .pj-ideas li, .pj-final-next .btn") == [], where
    assert measure.clipped(big, ".pj-rank .pj-name, .pj-rank, .pj-idea-title") == [], where
    button = big.get_by_role("link", name="Nabespreking →")
    expect(button).to_be_visible()
    # In one evaluate: a read of the panel in between would measure a detached button.
    hit = big.evaluate(f"() => ({measure.HIT})(document.querySelector('.pj-final-next a'))")
    assert hit["reached"], f"{where}: the button is covered by {hit['on_top']}"
    shown = big.evaluate(SHOWN)
    assert shown["ideas_cut"] == 0, f"{where}: a top idea is cut off"
    return shown


def walk(big: Page, where: str, people: list[str]) -> int:
    """Every slide in turn, by the keys and clicker: everyone once, in the order of the
    ranking with their place; the top ideas whole, on one slide. Returns the number of
    slides."""
    count = slide_count(big)
    lines: list[list[str]] = []
    ideas: list[list[str]] = []
    for n in range(count):
        shown = check_slide(big, f"{where}, slide {n + 1}")
        if count > 1:
            assert shown["slide"] == f"Dia {n + 1} van {count}", shown
            assert not (shown["lines"] and shown["ideas"]), f"{where}: ranking and ideas together"
        lines += shown["lines"]
        if shown["ideas"]:
            ideas.append(shown["ideas"])
        screenshot(big, f"projector-end-{where.replace(' ', '-')}-{n + 1}", full_page=False)
        if n + 1 < count:
            big.keyboard.press(FORWARD[n % len(FORWARD)])
    assert sorted(name for _, name, _ in lines) == sorted(people), f"{where}: {lines}"
    scores = [int(score.split()[0]) for _, _, score in lines]
    assert scores == sorted(scores, reverse=True), f"{where}: not in order: {lines}"
    for place, _, score in lines:  # a place: one more than the number of higher scores
        assert int(place) == 1 + sum(s > int(score.split()[0]) for s in scores), lines
    assert len(ideas) == 1 and len(ideas[0]) == 5, f"{where}: top ideas shown {ideas}"
    print(f"{where}: {len(people)} people on {count} slide(s)")
    return count


def test_the_end_screen_shows_everyone_with_their_place_on_any_beamer(projector, finished):
    """Nine people: ranking and top ideas on one screen at every size. Thirty-six: on
    slides at 1280x720 and 1024x768, each whole and readable, turned by the keys, the
    clicker and the clock; past the last slide the clicker goes on to the debrief."""
    walkthrough, full = finished["walk"], finished["full"]
    big = projector(walkthrough["code"])
    expect(big.locator(".pj-rank")).to_have_count(len(walkthrough["names"]))
    for width, height in SIZES:
        fitted(big, width, height)
        assert walk(big, f"walk {width}x{height}", walkthrough["names"]) == 1

    big.goto(f"/host/{full['code']}/projector/")
    expect(big.locator(".pj-rank")).to_have_count(len(full["names"]))
    for width, height in SIZES:
        fitted(big, width, height)
        count = walk(big, f"full {width}x{height}", full["names"])
        if (width, height) != (1920, 1080):
            assert count >= 2, f"{width}x{height}: 36 people and the ideas on {count} slide"
        # Back by the clicker and the keyboard, to the first slide (and no further).
        for n, key in enumerate(("PageUp", "ArrowLeft", "Shift+ ", "ArrowUp", "PageUp")):
            big.keyboard.press(key)
            at = max(1, count - 1 - n)
            expect(big.locator("#pj-slide-no")).to_have_text(f"Dia {at} van {count}")
        big.keyboard.press("Home")  # not a slide key: nothing turns
        expect(big.locator("#pj-slide-no")).to_have_text(f"Dia 1 van {count}")

    # The slides turn by themselves, one every 12 s.
    fitted(big, 1280, 720)
    first = big.evaluate(SHOWN)["slide"]
    assert first.startswith("Dia 1 van")
    expect(big.locator("#pj-slide-no")).not_to_have_text(first, timeout=15_000)

    # The walk-through's room has one slide: the clicker goes on to the debrief.
    big.goto(f"/host/{walkthrough['code']}/projector/")
    expect(big.locator(".pj-rank")).to_have_count(len(walkthrough["names"]))
    big.keyboard.press("PageDown")
    big.wait_for_url(f"**/host/{walkthrough['code']}/projector/debrief/")
    # And its right arrow goes a slide on there (the debrief's own keys).
    top = big.evaluate("() => window.scrollY")
    big.keyboard.press("ArrowRight")
    expect(big.locator("#themes")).to_be_in_viewport()
    assert big.evaluate("() => window.scrollY") > top


POLL = (
    "Welke combinatie van sociale en technologische innovatie past het best bij onze regio?",
    ["Zorg en welzijn met slimme technologie", "Onderwijs en arbeidsmarkt samen",
     "Energie van en voor de buurt", "Iets anders: vertel het je tafel"],
)  # fmt: skip


def open_poll(room: Room) -> None:
    question, answers = POLL
    room.do("poll_new", question=question, answers="\n".join(answers))


def check_poll(big: Page, where: str) -> None:
    """The poll has the screen: its question large, every answer and bar whole, the
    join code below it smaller than the question; nothing cut or off the screen."""
    fits_the_window(big, where)
    expect(big.locator("#pj-poll-q")).to_have_text(POLL[0])
    expect(big.locator(".pj-bar-label")).to_have_text(POLL[1])
    assert measure.outside(big, ".pj-pollscreen *") == [], where
    assert (
        measure.clipped(big, ".pj-pollscreen .pj-poll, .pj-bars, #pj-poll-q, .pj-bar-label") == []
    ), where
    (poll,) = big.evaluate(measure.BOXES, ".pj-pollscreen .pj-poll")
    (foot,) = big.evaluate(measure.BOXES, ".pj-poll-foot")
    assert not measure.overlaps(poll, foot), f"{where}: the poll runs into the way in"
    sizes = big.evaluate(
        """() => ({
          question: parseFloat(getComputedStyle(document.getElementById('pj-poll-q')).fontSize),
          answer: parseFloat(getComputedStyle(document.querySelector('.pj-bar-label')).fontSize),
          code: parseFloat(getComputedStyle(document.querySelector('.pj-poll-join strong')).fontSize),
          poll: document.querySelector('.pj-poll').getBoundingClientRect().height / innerHeight,
        })"""
    )
    print(f"{where}: {sizes}")
    assert sizes["question"] >= 40 and sizes["answer"] >= 28, f"{where}: {sizes}"
    assert sizes["code"] < sizes["question"], f"{where}: the code outshines the poll"
    assert sizes["poll"] >= 0.7, f"{where}: the poll takes {sizes['poll']:.0%} of the height"


def test_an_open_poll_is_the_screen_before_and_during_play(
    browser, site, facilitator_page, projector
):
    """Twenty people joined, then a poll: it takes the screen from the join code and the
    names; closed, they come back. During play the same, over the tables."""
    room = Room(browser, site, facilitator_page, "Peiling op de beamer")
    for name in NAMES:
        room.join(name)
    big = projector(room.code)
    expect(big.locator(".pj-names .chip:not(.pj-more)")).to_have_count(len(NAMES))
    open_poll(room)
    expect(big.locator(".pj-pollscreen")).to_be_visible()
    expect(big.locator(".pj-names")).to_have_count(0)
    expect(big.locator(".pj-poll-join strong")).to_have_text(room.code)  # late comers
    for width, height in SIZES:
        fitted(big, width, height)
        check_poll(big, f"poll before play at {width}x{height}")
        screenshot(big, f"projector-poll-before-{width}x{height}", full_page=False)
    poll = re.search(r'name="poll" value="(\d+)"', room.panel())[1]
    room.do("poll_close", poll=poll)
    expect(big.locator(".pj-code")).to_have_text(room.code)
    expect(big.locator(".pj-names .chip:not(.pj-more)").last).to_have_text(NAMES[-1])

    room.do("arrange")
    room.do("start_all")
    room.do("pause_all")
    expect(big.locator(".pj-table").first).to_be_visible()
    open_poll(room)
    expect(big.locator(".pj-pollscreen")).to_be_visible()
    expect(big.locator(".pj-table")).to_have_count(0)
    fitted(big, 1280, 720)
    check_poll(big, "poll during play at 1280x720")
    screenshot(big, "projector-poll-during-1280x720", full_page=False)
