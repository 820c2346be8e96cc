"""The "Wie vroeg wie" layout (game.debrief.network_layout) by its own estimate of the
text: for tables of 2 to 6 and 1 to 20 tables, with names of 30 characters, no name overlaps
another name or a node, none leaves its table's cell or the picture, and a name cut
short keeps its whole self for the <title>. (tests/browser/test_debrief_layout.py
checks the same from the boxes Chromium draws.)"""

from __future__ import annotations

import math

import pytest

from game.debrief.network_layout import ASCENT, DESCENT, ELLIPSIS, fit, text_width
from game.debrief.network_svg import network_drawing
from game.debrief.selectors import Edge, Network, Seat

WIDE = "Wilhelmina Mwangi-Wassenaar MW"  # 30 characters, most of them wide
LONG = "Maria del Carmen van den Heuvel"[:30]
SHORT = "Eva"


def names(seats: int, table: int) -> list[str]:
    return [(WIDE, LONG, SHORT)[(table + seat) % 3] for seat in range(seats)]


def room(sizes: list[int]) -> Network:
    nodes = [
        Seat(number, seat, name)
        for number, size in enumerate(sizes, 1)
        for seat, name in enumerate(names(size, number))
    ]
    first = [node for node in nodes if node.table == 1]
    return Network(nodes=nodes, edges=[Edge(first[0], first[1], 3, 1)])


def boxes(drawing: dict) -> tuple[list[tuple], list[tuple]]:
    """Every name's box (by the layout's estimate) and every node as (x, y, r)."""
    font = drawing["font"]
    labels, nodes = [], []
    for cell in drawing["cells"]:
        for node in cell["nodes"]:
            width = text_width(node["name"], font)
            x = node["label_x"]
            left = {"start": x, "end": x - width}.get(node["anchor"], x - width / 2)
            top = node["label_y"] - ASCENT * font
            labels.append((left, top, left + width, node["label_y"] + DESCENT * font, node))
            nodes.append((node["x"], node["y"], drawing["node_r"]))
    return labels, nodes


def apart(a: tuple, b: tuple) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def clear_of(box: tuple, node: tuple) -> bool:
    x, y, r = node
    nearest_x, nearest_y = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    return math.hypot(x - nearest_x, y - nearest_y) >= r


def assert_nothing_collides(drawing: dict) -> None:
    labels, nodes = boxes(drawing)
    for i, a in enumerate(labels):
        assert a[0] >= 0 and a[2] <= drawing["width"], f"{a[4]['name']} leaves the picture"
        assert a[1] >= 0 and a[3] <= drawing["height"], f"{a[4]['name']} leaves the picture"
        for b in labels[i + 1 :]:
            assert apart(a, b), f"{a[4]['name']!r} overlaps {b[4]['name']!r}"
        for node in nodes:
            assert clear_of(a, node), f"{a[4]['name']!r} overlaps a node"
    for i, (x, y, r) in enumerate(nodes):
        for x2, y2, _ in nodes[i + 1 :]:
            assert math.hypot(x - x2, y - y2) >= 2 * r, "two nodes overlap"


@pytest.mark.parametrize("seats", [2, 3, 4, 5, 6])
def test_no_name_collides_or_leaves_the_picture_for_1_to_20_tables(seats):
    for tables in range(1, 21):
        drawing = network_drawing(room([seats] * tables))
        assert len(drawing["cells"]) == tables
        assert_nothing_collides(drawing)


@pytest.mark.parametrize(
    "sizes", [[5, 4], [6, 5, 4, 3, 2], [2, 6] * 5, [3, 4, 5, 6] * 5, [6] * 19 + [2]]
)
def test_tables_of_different_sizes_share_one_type_and_never_collide(sizes):
    drawing = network_drawing(room(sizes))
    assert_nothing_collides(drawing)
    assert [len(cell["nodes"]) for cell in drawing["cells"]] == sizes


def test_each_name_stays_in_its_tables_cell():
    drawing = network_drawing(room([6] * 20))
    labels, _ = boxes(drawing)
    columns = round(drawing["width"] / (drawing["cells"][1]["x"] - drawing["cells"][0]["x"]))
    cell_w = drawing["width"] / columns
    for box in labels:
        index = next(i for i, c in enumerate(drawing["cells"]) if box[4] in c["nodes"])
        left = (index % columns) * cell_w
        assert left <= box[0] and box[2] <= left + cell_w


def test_long_names_are_cut_with_an_ellipsis_and_keep_their_whole_name():
    drawing = network_drawing(room([6] * 20))
    nodes = [node for cell in drawing["cells"] for node in cell["nodes"]]
    cut = [node for node in nodes if node["cut"]]
    assert cut, "thirty wide letters fit nowhere in a room of twenty tables"
    for node in cut:
        assert node["name"].endswith(ELLIPSIS) and node["full"] in (WIDE, LONG)
        assert node["full"].startswith(node["name"][:-1])
        assert text_width(node["name"], drawing["font"]) <= node["room"]
    assert all(node["name"] == SHORT for node in nodes if node["full"] == SHORT)


def test_the_issues_room_keeps_its_names_whole():
    """Tables of 5 and 4 at 1920x1080, where "Gijs de Boer" and "Eva Smit" collided."""
    people = [
        ["Gijs de Boer", "Eva Smit", "Dewi Visser", "Anna Jansen", "Bram Peters"],
        ["Sanne de Vries", "Noah Bakker", "Lotte Mulder", "Daan Smit"],
    ]
    nodes = [Seat(t, s, name) for t, row in enumerate(people, 1) for s, name in enumerate(row)]
    drawing = network_drawing(Network(nodes=nodes, edges=[]))
    assert_nothing_collides(drawing)
    shown = [node["name"] for cell in drawing["cells"] for node in cell["nodes"]]
    assert shown == [name for row in people for name in row]
    scale = min(1800 / drawing["width"], 900 / drawing["height"])
    assert drawing["font"] * scale >= 28


def test_a_cut_keeps_combining_marks_with_their_letter_and_fits():
    name = "Zoe\u0308 Wu\u0308stenberg-Ho\u0308hne"
    for room in (60, 120, 200):
        shown = fit(name, room, 30)
        assert text_width(shown, 30) <= room
        kept = shown[:-1]
        assert shown.endswith(ELLIPSIS) and name.startswith(kept)
        assert name[len(kept)] != "\u0308", f"{shown!r} lost the mark of its last letter"
    assert fit("Eva", 1000, 30) == "Eva"
    assert fit(WIDE, 5, 30) == ""


def test_text_widths_are_estimated_on_the_wide_side():
    """At least DejaVu Sans Bold's widths (the widest of the faces browsers use here)."""
    assert text_width("W" * 30, 100) >= 30 * 110.3
    assert text_width("ééé", 10) == text_width("eee", 10)
    assert text_width("名前", 10) >= 2 * 10
