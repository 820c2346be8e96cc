"""Reading QR codes back in tests, as a phone's camera would: from a screenshot, from the
dashboard's SVG, or from the text one printed in a terminal. Decoding is zxing-cpp's."""

from __future__ import annotations

import io
import re

import zxingcpp

QUIET = 4  # modules of white around a code (the QR standard's quiet zone)
MODULE_PX = 4  # pixels per module when we draw a code ourselves


def decode_modules(grid: list[list[bool]]) -> list[str]:
    """The texts of the QR codes in a grid of modules (True: dark), drawn in pixels with a
    quiet zone around it."""
    width = len(grid[0]) + 2 * QUIET
    blank = [False] * width
    rows = [blank] * QUIET + [[False] * QUIET + row + [False] * QUIET for row in grid]
    rows += [blank] * QUIET
    pixels = bytearray()
    for row in rows:
        line = b"".join((b"\x00" if dark else b"\xff") * MODULE_PX for dark in row)
        pixels += line * MODULE_PX
    image = memoryview(bytes(pixels)).cast("B", (len(rows) * MODULE_PX, width * MODULE_PX))
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.QRCode)]


def decode_png(png: bytes) -> list[str]:
    """The texts of the QR codes in a PNG picture (a screenshot)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.QRCode)]


def svg_modules(svg: str) -> list[list[bool]]:
    """The modules of a QR code drawn by segno as SVG: a background square and one path of
    horizontal strokes, one module high, in module units (M x y, h dx, m dx dy)."""
    size = re.search(r'd="M0 0h(\d+)v\1h-\1z"', svg)
    path = re.search(r'<path[^>]*class="qrline"[^>]*\sd="([^"]+)"', svg)
    assert size and path, f"not an SVG QR code as segno draws it: {svg[:200]}"
    n = int(size[1])
    grid = [[False] * n for _ in range(n)]
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([-\d.\s]+)", path[1]):
        numbers = [float(v) for v in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            end = numbers[0] if command == "H" else x + numbers[0]
            for column in range(int(min(x, end)), int(max(x, end))):
                grid[int(y)][column] = True  # the stroke runs through the row's middle
            x = end
    return grid


ANSI = re.compile(r"\x1b\[[0-9;]*m")
HALF_BLOCKS = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def terminal_modules(text: str) -> list[list[bool]]:
    """The modules of a QR code printed with half blocks (two rows of modules a line, the
    blocks dark), found among the other lines of a terminal's output."""
    lines = [ANSI.sub("", line) for line in text.splitlines()]
    drawn = [line for line in lines if line.strip() and set(line) <= set(HALF_BLOCKS)]
    assert drawn, "no QR code in the output"
    first, last = lines.index(drawn[0]), len(lines) - lines[::-1].index(drawn[-1])
    block = lines[first:last]
    assert all(set(line) <= set(HALF_BLOCKS) for line in block), "the QR code is interrupted"
    width = max(len(line) for line in block)
    grid = []
    for line in block:
        pairs = [HALF_BLOCKS[char] for char in line.ljust(width)]
        grid += [[top for top, _ in pairs], [bottom for _, bottom in pairs]]
    return grid
