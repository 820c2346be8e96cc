"""The debrief's "Wie vroeg wie" as Chromium draws it at 1920x1080: for tables of 2 to 6
and 1 to 20 tables with names of 30 characters, and for the issue's room (tables of 5
and 4), no name overlaps another name, a node or a table's number, and none leaves the
picture; a name cut short ends in "…" and carries the whole name in its <title>.

The rooms are real sessions of the server, written into its database in one go
(tests/browser/debrief_rooms.py); the pages are the real debrief. Measured from the
boxes the browser gives every label (getBBox, in the drawing's units) and node.
Screenshots: tests/browser/screenshots/debrief-layout-*.png.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from game.debrief.network_svg import TABLES_PER_SLIDE
from tests.browser.conftest import FACILITATOR, screenshot
from tests.browser.debrief_rooms import made, names

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    expect = None

SEATS = range(2, 7)
TABLES = range(1, 21)
MIXED = {"mixed-54": [5, 4], "mixed-all": [6, 5, 4, 3, 2] * 4}
SHOTS = {"s5-t2", "s6-t8", "s6-t20", "s2-t1", "s3-t13", "mixed-all"}
EPSILON = 0.5  # drawing units: rounding of the boxes

# Every slide's drawing (a big room's network takes several, TABLES_PER_SLIDE a slide);
# boxes in the drawing's units, screen boxes relative to the drawing's slide.
MEASURE = """() => [...document.querySelectorAll('.net-svg')].map((svg) => {
  const slide = svg.closest('.db-slide').getBoundingClientRect();
  const box = (el) => { const b = el.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const own = (el) => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('');
  const screen = (el) => { const r = el.getBoundingClientRect();
    return [r.left - slide.left, r.top - slide.top, r.right - slide.left, r.bottom - slide.top]; };
  const vb = svg.viewBox.baseVal;
  return {
    view: [vb.width, vb.height],
    svg: screen(svg),
    slide: [slide.width, slide.height],
    viewport: [innerWidth, innerHeight],
    tables: [...svg.querySelectorAll('.net-table')].map((g) => ({
      label: box(g.querySelector('.net-table-label')),
      names: [...g.querySelectorAll('.net-name')].map((t) => ({
        text: own(t), title: t.querySelector('title')?.textContent ?? null, box: box(t), screen: screen(t),
      })),
      nodes: [...g.querySelectorAll('.net-node')].map((c) => [c.cx.baseVal.value, c.cy.baseVal.value, c.r.baseVal.value]),
    })),
  };
})"""


def _apart(a: list[float], b: list[float]) -> bool:
    return (
        a[2] <= b[0] + EPSILON
        or b[2] <= a[0] + EPSILON
        or a[3] <= b[1] + EPSILON
        or b[3] <= a[1] + EPSILON
    )


def _clear(box: list[float], node: list[float]) -> bool:
    x, y, r = node
    nearest = (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))
    return math.hypot(x - nearest[0], y - nearest[1]) >= r - EPSILON


@pytest.fixture(scope="module")
def rooms(server) -> dict[str, dict[str, Any]]:
    """Every room of this file, made in the server's database: {key: {code, sizes, names}}."""
    specs = [
        {"name": f"s{seats}-t{tables}", "sizes": [seats] * tables}
        for seats in SEATS
        for tables in TABLES
    ]
    specs += [{"name": key, "sizes": sizes} for key, sizes in MIXED.items()]
    specs.append({"name": "issue", "sizes": [5, 4], "style": "issue"})
    specs.append({"name": "walk", "sizes": [5, 4], "style": "people"})  # issue 31's walk
    codes = made(server, specs, FACILITATOR)
    return {
        spec["name"]: {
            "code": codes[spec["name"]],
            "names": names(spec["sizes"], spec.get("style", "long")),
        }
        for spec in specs
    }


def check(page, key: str, room: dict[str, Any]) -> dict[str, Any]:
    """Open the room's debrief and assert nothing collides on any of its network's
    slides, each of which fits the screen; returns what was measured (the first)."""
    page.goto(f"/host/{room['code']}/projector/debrief/")
    expect(page.locator(".net-svg .net-table")).to_have_count(len(room["names"]))
    slides = page.evaluate(MEASURE)
    tables = len(room["names"])
    assert len(slides) == math.ceil(tables / TABLES_PER_SLIDE), f"{key}: {len(slides)} slides"
    people_of = iter(room["names"])
    number = 0
    for n, drawn in enumerate(slides, 1):
        where = f"{key}, slide {n}:"
        assert drawn["slide"][1] <= drawn["viewport"][1] + EPSILON, (
            f"{where} taller than the screen"
        )
        width, height = drawn["view"]
        labels, nodes = [], []
        for table in drawn["tables"]:
            number += 1
            people = next(people_of)
            assert len(table["names"]) == len(people) == len(table["nodes"]), where
            labels.append(("table", number, table["label"]))
            for name, person in zip(table["names"], people, strict=True):
                if name["text"] == person:
                    assert name["title"] is None, f"{where} {person!r} has a title but is whole"
                else:
                    assert name["text"].endswith("…") and person.startswith(name["text"][:-1]), (
                        f"{where} {name['text']!r} is not {person!r} cut short"
                    )
                    assert name["title"] == person, f"{where} {name['text']!r} lacks its name"
                labels.append((person, number, name["box"]))
                left, top, right, bottom = name["box"]
                assert left >= -EPSILON and right <= width + EPSILON, (
                    f"{where} {person!r} leaves the picture"
                )
                assert top >= -EPSILON and bottom <= height + EPSILON, (
                    f"{where} {person!r} leaves the picture"
                )
                s = name["screen"]
                assert (
                    s[0] >= 0
                    and s[2] <= drawn["viewport"][0]
                    and s[1] >= 0
                    and s[3] <= drawn["viewport"][1]
                ), f"{where} {person!r} leaves the screen"
            nodes += table["nodes"]
        for i, (who, number_i, box) in enumerate(labels):
            for other, other_number, other_box in labels[i + 1 :]:
                assert _apart(box, other_box), (
                    f"{where} {who!r} (table {number_i}) overlaps {other!r} (table {other_number})"
                )
            if who != "table":
                for node in nodes:
                    assert _clear(box, node), f"{where} {who!r} overlaps a node at {node[:2]}"
        svg = drawn["svg"]
        assert svg[2] <= drawn["viewport"][0] and svg[3] <= drawn["viewport"][1], (
            f"{where} the picture runs off"
        )
    assert number == tables, f"{key}: {number} tables drawn of {tables}"
    if key in SHOTS:
        screenshot(page, f"debrief-layout-{key}", full_page=False)
    return slides[0]


@pytest.mark.parametrize("seats", SEATS)
def test_no_name_collides_or_leaves_the_picture_for_1_to_20_tables(seats, rooms, projector):
    page = projector(rooms[f"s{seats}-t1"]["code"])
    for tables in TABLES:
        key = f"s{seats}-t{tables}"
        check(page, key, rooms[key])


def test_tables_of_different_sizes_never_collide(rooms, projector):
    page = projector(rooms["mixed-54"]["code"])
    for key in MIXED:
        check(page, key, rooms[key])


def test_the_issues_room_shows_every_name_whole_and_large(rooms, projector):
    """Tables of 5 and 4, where "Gijs de Boer" and "Eva Smit" were drawn over each other
    and "Dewi Visser" ran off the right edge."""
    page = projector(rooms["issue"]["code"])
    drawn = check(page, "issue", rooms["issue"])
    shown = [name["text"] for table in drawn["tables"] for name in table["names"]]
    assert shown == [name for row in rooms["issue"]["names"] for name in row]
    size = page.evaluate(
        "() => { const svg = document.querySelector('.net-svg');"
        " return parseFloat(getComputedStyle(svg.querySelector('.net-name')).fontSize)"
        " * svg.getScreenCTM().a; }"
    )
    assert size >= 28, "the names are too small for the back of the room"
    screenshot(page, "debrief-layout-issue", full_page=False)


# Every visible text's size in CSS pixels, the SVG's names as drawn (font size x scale).
SMALLEST = """() => {
  let smallest = [Infinity, ''];
  for (const el of document.querySelectorAll('main *')) {
    if (!el.checkVisibility() || ![...el.childNodes].some((n) => n.nodeType === 3 && n.data.trim())) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    const size = svg ? px * svg.getScreenCTM().a : px;
    if (size < smallest[0]) smallest = [size, el.outerHTML.slice(0, 120)];
  }
  return smallest;
}"""


@pytest.mark.parametrize("key", ["s6-t20", "s2-t20", "mixed-all"])
def test_a_room_of_20_tables_takes_several_slides_each_whole_and_readable_at_1280x720(
    key, rooms, projector
):
    """A big room's debrief on a small beamer: the network on slides of at most
    TABLES_PER_SLIDE tables and the quartets on slides of their own, each slide within
    the screen, no text under 18 px; every table and every quartet on one of them."""
    room = rooms[key]
    page = projector(room["code"])
    page.set_viewport_size({"width": 1280, "height": 720})
    check(page, key, room)
    slides = page.evaluate(
        """() => [...document.querySelectorAll('.db-slide')].map((s) => ({
             id: s.id, height: s.getBoundingClientRect().height,
             overflow: s.scrollHeight - s.clientHeight}))"""
    )
    for slide in slides:
        assert slide["height"] <= 720.5 and slide["overflow"] <= 1, f"{key}: {slide}"
    quartets = [s for s in slides if s["id"].startswith("quartets")]
    assert len(quartets) >= 2, f"{key}: the {len(room['names']) * 5} quartets on {quartets}"
    expect(page.locator(".db-moments li")).to_have_count(len(room["names"]) * 5)
    smallest, where = page.evaluate(SMALLEST)
    assert smallest >= 18, f"{key}: text of {smallest:.1f} px at 1280x720: {where}"
    for slide in slides[:: max(1, len(slides) - 1)]:  # the first and the last
        page.locator(f"#{slide['id']}").scroll_into_view_if_needed()
        screenshot(page, f"debrief-1280x720-{key}-{slide['id']}", full_page=False)


def test_the_debrief_answers_the_keys_and_clickers_people_use(rooms, projector):
    """Issue 31, item 9: the right arrow did nothing (PageDown did). Arrows, PageUp and
    PageDown (a clicker) and the space bar each go a whole slide; the legend's "Ja!"
    swatch is the line a card that changed hands draws."""
    page = projector(rooms["s6-t20"]["code"])
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"/host/{rooms['s6-t20']['code']}/projector/debrief/")
    slides = page.locator(".db-slide")
    assert slides.count() >= 3

    def slide_on_screen() -> int:
        return page.evaluate(
            """() => [...document.querySelectorAll('.db-slide')].findIndex(
                 (s) => Math.abs(s.getBoundingClientRect().top) < 2)"""
        )

    assert slide_on_screen() == 0
    for key, expected in (
        ("ArrowRight", 1),
        ("PageDown", 2),
        ("ArrowLeft", 1),
        ("PageUp", 0),
        (" ", 1),
        ("Shift+ ", 0),
        ("ArrowDown", 1),
        ("ArrowUp", 0),
    ):
        page.keyboard.press(key if key != "Shift+ " else "Shift+Space")
        page.wait_for_function(
            """(n) => { const s = document.querySelectorAll('.db-slide')[n];
                        return Math.abs(s.getBoundingClientRect().top) < 2; }""",
            arg=expected,
        )
        assert slide_on_screen() == expected, key
    swatch = page.locator(".net-legend li").first.locator("path")
    assert swatch.count() == 1 and swatch.get_attribute("class") == "net-hit"


WALK_SIZES = ((1280, 720), (1024, 768), (1920, 1080))


def test_the_walk_throughs_room_shows_every_name_whole_on_a_small_beamer(rooms, projector):
    """Issue 31, item 9: nine people at tables of five and four, at 1280x720, had their
    longer names cut ("… van de…") while the drawing used the middle third of the slide.
    At 1280x720, 1024x768 and 1920x1080: every name whole, at 18 px or more, and the
    drawing as wide as the slide allows."""
    room = rooms["walk"]
    page = projector(room["code"])
    for width, height in WALK_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        drawn = check(page, "walk", room)
        screenshot(page, f"debrief-layout-walk-{width}x{height}", full_page=False)
        shown = [name["text"] for table in drawn["tables"] for name in table["names"]]
        assert shown == [name for row in room["names"] for name in row], f"{width}x{height}"
        smallest, where = page.evaluate(SMALLEST)
        assert smallest >= 18, f"{width}x{height}: text of {smallest:.1f} px: {where}"
        used = (drawn["svg"][2] - drawn["svg"][0]) / drawn["slide"][0]
        print(f"{width}x{height}: names from {smallest:.1f} px, the drawing {used:.0%} wide")
