"""The debrief's "Wie vroeg wie" laid out as SVG geometry (templates/game/_network.svg).

Laid out here, on the server, so that no name overlaps another name or a node and none
leaves the picture, whatever the room: tables of 2 to 6, 1 to 20 tables, names of up to
30 characters (``Player.name``). Reads only the selectors' ``Network`` (game.debrief.selectors).

- Units are CSS pixels of the 1800 x 900 that the projector at 1920x1080 gives the
  drawing. A small room's drawing is smaller (cells have a largest size) and the page
  scales it up; the SVG keeps its aspect ratio, so nothing moves relative to anything.
- The tables fill a grid; its columns are the ones that give the largest type at which
  every name has room for about ``NAME_ROOM`` letters (then: the largest rings).
- A cell: the table's number on top, below it the ring: seat 0 at the top, clockwise; an
  ellipse in a wide cell. Every name is outside the ring: above the top node, below a
  bottom one, beside the others (anchored at its start on the right, at its end on the
  left). Each name's room is what is left to the cell's edge and to the boxes of the
  other names and nodes; a name wider than its room is cut with "…" and the label
  carries the whole name in a <title>.
- Text widths are estimated from DejaVu Sans Bold, the face Debian's browsers draw the
  pages' system-ui in and wider than the system faces of phones, Windows and macOS,
  with a margin; letters outside its table count as wide as a "W".
"""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass, field

AREA_W, AREA_H = 1800, 900  # what the projector's slide gives the drawing, in CSS pixels
CELL_MAX_W, CELL_MAX_H = 900, 470  # a cell no bigger: a room of one table is scaled up
FONT_MAX, FONT_MIN = 34, 16  # the names' size in the drawing's units
TABLE_FONT = 1.0  # the table's number, as big as the names: read from the back of the room too
MARGIN = 8  # between a cell's edge and what it holds
ASCENT, DESCENT = 0.96, 0.27  # a line's box above and below its baseline, of the font size
NAME_ROOM = 11  # letters a name has room for at least, or the type gets smaller
GOOD_ROOM = 16  # letters: with room for these, a ring may grow wider than round
ROUNDEST = 0.7  # the ring's width at least, of its height
RING_LEAST = 1.8  # the ring's height (ry) at least, in font sizes: room for the arrows
# What a layout must give, best first: (letters of room per name, ring height in font
# sizes); a room too big for the first gets the next. The first: every name whole
# (``WHOLE``), taken when that leaves the names WHOLE_FONT or more as the projector shows
# them; its cells may also take the whole area (a wide room's names need the width).
WHOLE = math.inf
WHOLE_FONT = 28  # at 1920x1080; the 1280x720 beamer shows the drawing at two thirds: 18.7 px
TIERS = (
    (WHOLE, RING_LEAST),
    (NAME_ROOM, RING_LEAST),
    (NAME_ROOM, 0.0),
    (NAME_ROOM / 2, 0.0),
    (2, 0.0),
)
RING_MOST = 4.5  # the ring's height at most, in font sizes: a big cell keeps its names close
FLATTEST = 1.6  # the ring's width at most, in heights: an ellipse in a wide cell
MIDDLE = 0.3  # a node whose |cos| is below this has its name above or below it
SAFETY = 1.05  # on the estimated width: kerning, hinting, another face's wider letters
ELLIPSIS = "…"

# DejaVu Sans Bold's advance widths of " " to "~" (U+0020-U+007E), in thousandths of an em.
ASCII_EM = (
    (348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365)
    + (696,) * 10
    + (400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372)
    + (372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724)
    + (725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343)
    + (343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652)
    + (582, 712, 365, 712, 838)
)
WIDE_EM = 1.103  # as a "W": any letter the table does not have
ELLIPSIS_EM = 1.0


@functools.lru_cache(maxsize=4096)
def _em(char: str) -> float:
    """One character's width in ems, never less than the face draws it."""
    code = ord(char)
    if 0x20 <= code <= 0x7E:
        return ASCII_EM[code - 0x20] / 1000
    if char == ELLIPSIS:
        return ELLIPSIS_EM
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and 0x20 <= ord(base) <= 0x7E:  # é, ü, ñ ...: as their letter
        return ASCII_EM[ord(base) - 0x20] / 1000
    if unicodedata.east_asian_width(char) in ("W", "F") or unicodedata.category(char) == "So":
        return 1.3  # CJK, emoji
    return WIDE_EM


def text_width(text: str, font: float) -> float:
    """The width of ``text`` in bold at ``font``, estimated on the wide side."""
    return sum(_em(char) for char in text) * font * SAFETY


def fit(name: str, room: float, font: float) -> str:
    """``name``, or as much of it as fits ``room`` with "…" after it ("" when not even
    one letter does)."""
    if text_width(name, font) <= room:
        return name
    left = room - text_width(ELLIPSIS, font)
    cut, width = "", 0.0
    for char in name:
        width += _em(char) * font * SAFETY
        if width > left:
            break
        cut += char  # a combining mark (width 0) stays with its letter
    cut = cut.rstrip()
    return cut + ELLIPSIS if cut else ""


# --- sizes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Type:
    """The sizes that follow from the names' font size."""

    font: float

    @property
    def node_r(self) -> float:
        return round(self.font * 0.47, 1)

    @property
    def gap(self) -> float:
        return round(self.font * 0.25, 1)

    @property
    def line(self) -> float:
        return (ASCENT + DESCENT) * self.font

    @property
    def table_font(self) -> float:
        return round(self.font * TABLE_FONT, 1)

    @property
    def head(self) -> float:
        """The table number's row, and the gap below it."""
        return (ASCENT + DESCENT) * self.table_font + self.gap


# --- a ring -----------------------------------------------------------------------------------


@dataclass
class Spot:
    """A node of a ring, relative to the ring's centre, and where its name goes."""

    seat: int
    x: float
    y: float
    anchor: str  # "middle" (above or below the node), "start" (right), "end" (left)
    lx: float = 0.0  # the label's anchor point and baseline
    ly: float = 0.0
    room: float = 0.0  # the width the label may take


def _angles(count: int) -> list[float]:
    """Seat 0 at the top, clockwise (y points down)."""
    return [-math.pi / 2 + 2 * math.pi * seat / count for seat in range(count)]


def _spots(count: int, rx: float, ry: float, t: Type) -> list[Spot]:
    spots = []
    for seat, angle in enumerate(_angles(count)):
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = rx * cos, ry * sin
        if abs(cos) < MIDDLE or count <= 2:
            above = sin < 0
            ly = (
                y - t.node_r - t.gap - DESCENT * t.font
                if above
                else y + t.node_r + t.gap + ASCENT * t.font
            )
            spots.append(Spot(seat, x, y, "middle", x, ly))
        else:
            side = 1 if cos > 0 else -1
            ly = y + (ASCENT - DESCENT) / 2 * t.font
            spots.append(
                Spot(seat, x, y, "start" if side > 0 else "end", x + side * (t.node_r + t.gap), ly)
            )
    return spots


def _overlap(a0: float, a1: float, b0: float, b1: float) -> bool:
    return a0 < b1 and b0 < a1


def _rooms(spots: list[Spot], half_w: float, t: Type) -> bool:
    """Give every label its room: to the cell's edge (``half_w`` from the centre), short
    of every node and of every other label its row meets. False when two labels or a
    label and a node cannot be kept apart at all."""
    font, gap, r = t.font, t.gap, t.node_r
    for spot in spots:
        top, bottom = spot.ly - ASCENT * font - gap, spot.ly + DESCENT * font + gap
        if spot.anchor == "middle":
            half = half_w - abs(spot.lx)
            for other in spots:
                if other is spot:
                    continue
                if _overlap(top, bottom, other.y - r, other.y + r):
                    half = min(half, abs(other.x - spot.lx) - r - gap)
                if other.anchor != "middle" and _overlap(top, bottom, *_rows(other, font)):
                    half = min(half, abs(other.lx - spot.lx) - gap)
            spot.room = 2 * half
        else:
            side = 1 if spot.anchor == "start" else -1
            room = half_w - side * spot.lx
            for other in spots:
                if other is spot:
                    continue
                if _overlap(top, bottom, other.y - r, other.y + r):
                    ahead = side * (other.x - spot.lx)  # how far along the label's way
                    if ahead + r > 0:
                        room = min(room, ahead - r - gap)
                if other.anchor == spot.anchor and _overlap(top, bottom, *_rows(other, font)):
                    return False  # two names on one side in one row
            spot.room = room
        if spot.room <= 0:
            return False
    return True


def _rows(spot: Spot, font: float) -> tuple[float, float]:
    return spot.ly - ASCENT * font, spot.ly + DESCENT * font


def _extent(spots: list[Spot], t: Type) -> tuple[float, float]:
    """The ring's top and bottom, names included."""
    top = min(min(s.y - t.node_r, s.ly - ASCENT * t.font) for s in spots)
    bottom = max(max(s.y + t.node_r, s.ly + DESCENT * t.font) for s in spots)
    return top, bottom


@functools.lru_cache(maxsize=1024)
def _smallest(count: int, font: float) -> float:
    """The smallest ring (its height) whose nodes and names stay apart, and whose
    arrows have room between the nodes."""
    t = Type(font)
    ry = t.node_r * 2.5
    for _ in range(400):
        spots = _spots(count, ry, ry, t)
        apart = all(
            math.hypot(a.x - b.x, a.y - b.y) >= 2 * t.node_r + 2 * t.gap
            for a in spots
            for b in spots
            if a is not b
        )
        if apart and _rooms(spots, 10_000, t):
            return ry
        ry += 1
    raise ValueError(f"no ring of {count} fits at {font}")  # pragma: no cover


@dataclass
class Ring:
    count: int
    rx: float
    ry: float
    spots: list[Spot]
    top: float  # the extent above the centre (negative) and below it
    bottom: float


def ring(
    count: int, cell_w: float, band_h: float, t: Type, want: float, least: float = 0.0
) -> Ring | None:
    """The ring of ``count`` for a cell ``cell_w`` wide with ``band_h`` below the table's
    number, at which every name has room for ``want`` at least (None when there is
    none): as round as the names leave it, a little wider when they keep room for
    GOOD_ROOM letters, never taller than ROUNDEST its width."""
    smallest = max(_smallest(count, t.font), least * t.font)
    # Height: each part of a ring of 2 to 6 grows with ry at most once its height.
    top0, bottom0 = _extent(_spots(count, 0, 0, t), t)
    top1, bottom1 = _extent(_spots(count, 0, 1, t), t)
    grow = (bottom1 - top1) - (bottom0 - top0)
    tallest = RING_MOST * t.font
    if grow > 0:
        tallest = min(tallest, (band_h - (bottom0 - top0)) / grow)
    half_w = cell_w / 2 - MARGIN
    widest = max(
        (abs(math.cos(a)) for a in _angles(count) if abs(math.cos(a)) >= MIDDLE), default=0
    )

    def across(room: float) -> float:  # the width (rx) at which the side names get `room`
        if not widest or count <= 2:
            return math.inf
        return (half_w - t.node_r - t.gap - room) / widest

    most = across(want)
    ry = max(smallest, min(tallest, most / ROUNDEST))
    rx = min(most, max(ry, min(across(letters(GOOD_ROOM, t.font)), FLATTEST * ry)))
    rx = max(rx, smallest)
    for _ in range(60):  # bounded: smaller steps until it all fits, or give up
        spots = _spots(count, rx, ry, t)
        top, bottom = _extent(spots, t)
        if bottom - top > band_h:
            if ry <= smallest:
                return None
            ry, rx = max(smallest, ry * 0.95), max(smallest, rx * 0.95)
            continue
        if _rooms(spots, half_w, t) and min(s.room for s in spots) >= want:
            return Ring(count, rx, ry, spots, top, bottom)
        if rx <= smallest:
            return None
        rx = max(smallest, rx * 0.92)
    return None


def letters(count: float, font: float) -> float:
    """The width of ``count`` letters of an average width."""
    return count * 0.68 * font * SAFETY


# --- the grid ---------------------------------------------------------------------------------


@dataclass
class Plan:
    columns: int
    rows: int
    cell_w: float
    cell_h: float
    type: Type
    rings: dict[int, Ring] = field(default_factory=dict)  # by seat count


def _cell(tables: int, columns: int, wide: bool = False) -> tuple[int, float, float]:
    """Rows, cell width and height; ``wide``: the cells share the whole area."""
    rows = math.ceil(tables / columns)
    if wide:
        return rows, AREA_W / columns, AREA_H / rows
    return rows, min(AREA_W / columns, CELL_MAX_W), min(AREA_H / rows, CELL_MAX_H)


def _plan_at(
    tables: int,
    columns: int,
    counts: set[int],
    font: float,
    tier: tuple[float, float],
    longest: float,
    wide: bool = False,
):
    rows, cell_w, cell_h = _cell(tables, columns, wide)
    t = Type(font)
    # Room for the longest name, up to the tier's letters: short names leave rings round.
    want, least = min(letters(tier[0], font), longest * font * SAFETY), tier[1]
    band_h = cell_h - 2 * MARGIN - t.head
    rings = {}
    for count in counts:
        made = ring(count, cell_w, band_h, t, want, least)
        if made is None:
            return None
        rings[count] = made
    return Plan(columns, rows, cell_w, cell_h, t, rings)


def plan(tables: int, counts: set[int], longest: float = math.inf) -> Plan:
    """The grid and type for ``tables`` tables of the seat ``counts``: every name whole
    when that leaves them WHOLE_FONT or more as shown; else the largest type at which
    every name has room for NAME_ROOM letters and the rings for their arrows, then the
    biggest rings; where even the smallest type does not allow that, less (TIERS).
    ``longest``: the longest name's width in ems (less room is asked for it)."""
    for tier in TIERS:
        whole = tier[0] == WHOLE
        if whole and longest == math.inf:
            continue
        best: tuple | None = None
        for wide in (False, True) if whole else (False,):
            for columns in range(1, max(tables, 1) + 1):
                found = _largest(tables, columns, counts, tier, longest, wide)
                if found is None:
                    continue
                # As the projector shows it: a smaller drawing is scaled up to the area.
                scale = min(AREA_W / (columns * found.cell_w), AREA_H / (found.rows * found.cell_h))
                size = min(r.ry for r in found.rings.values()) if found.rings else 0
                # Then the fewest rows: a wide drawing also suits the results page's column.
                score = (round(found.type.font * scale, 1), -found.rows, size * scale)
                if best is None or score > best[0]:
                    best = (score, found)
        if best and (not whole or best[0][0] >= WHOLE_FONT):
            return best[1]
    raise ValueError(f"no layout for {tables} tables of {sorted(counts)}")  # pragma: no cover


def _largest(
    tables: int, columns: int, counts: set[int], tier: tuple, longest: float, wide: bool
) -> Plan | None:
    """The plan of the largest whole font size that fits (None: not even the smallest)."""
    low, high, found = FONT_MIN, FONT_MAX, None
    while low <= high:
        mid = (low + high) // 2
        made = _plan_at(tables, columns, counts, mid, tier, longest, wide)
        if made:
            found, low = made, mid + 1
        else:
            high = mid - 1
    return found
