"""What reading a spreadsheet costs: issue 27's two hostile files, the largest files the
bounds let through, and the Innovation on Track deck. Not a test: run it and read the
table.

    .venv/bin/python tests/benchmarks/bench_sheets.py

Each file is read and checked as the studio does (``read_rows``, then ``deck_data``),
once untraced for the time and once under tracemalloc for the peak of Python's
allocations. All in this process, no network.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovation_track.settings")

import django  # noqa: E402

django.setup()

from cards.sheets import SheetProblems, checking, reading, writing  # noqa: E402
from tests.cards import hostile  # noqa: E402

WORDS = ["kaart", "thema", "water", "zorg", "energie", "voorbeeld", "mkb", "regio", "de"]


def largest_grid(columns: int = 8, rows: int = 1000, size: int = 80) -> bytes:
    """A sheet that unpacks to just under the bound of a part: every cell filled."""
    rng = random.Random(1)
    body = [hostile.header_row()]
    for r in range(2, rows + 1):
        texts = [" ".join(rng.choices(WORDS, k=size // 4))[:size] for _ in range(columns)]
        cells = "".join(hostile.cell(f"{hostile.letter(c)}{r}", t) for c, t in enumerate(texts, 1))
        body.append(f'<row r="{r}">{cells}</row>')
    return hostile.workbook("".join(body), dimension=f"A1:{hostile.letter(columns)}{rows}")


def the_deck() -> bytes:
    data = json.loads((ROOT / "fixtures" / "innovation-on-track.json").read_text())
    data.setdefault("language", "nl")
    return writing.write_xlsx(data)


def read(content: bytes) -> list[str]:
    try:
        checking.deck_data(reading.read_rows(content, "deck.xlsx"), name="Proef")
    except SheetProblems as refused:
        return refused.problems
    return []


def main() -> None:
    files = {
        "19 MB cell (issue 27)": hostile.huge_cell(19_000_000),
        "dimension A1:ZZZ1000 (issue 27)": hostile.wide_dimension(1000),
        "largest grid let through": largest_grid(),
        "Innovation on Track deck": the_deck(),
    }
    print(f"{'file':34} {'on disk':>9} {'time':>8} {'peak':>9} {'answer':>9}  first problem")
    for name, content in files.items():
        read(content)  # warm: imports, translations
        started = time.perf_counter()
        problems = read(content)
        took = time.perf_counter() - started
        tracemalloc.start()
        read(content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        answer = sum(len(p) for p in problems)
        first = problems[0][:60] if problems else "(a deck)"
        print(
            f"{name:34} {len(content) / 1024:7.1f}KB {took * 1000:6.0f}ms "
            f"{peak / 2**20:7.1f}MB {answer / 1024:7.1f}KB  {first}"
        )


if __name__ == "__main__":
    main()
