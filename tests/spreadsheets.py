"""Reading the exports back as a spreadsheet would: CSV for Excel set to Dutch (a byte
order mark, semicolons, the header in the page's language) and XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io
from typing import Any

# The results' header in Dutch, as a Dutch Excel shows it (game.plans.results_csv).
RESULTS_HEADER_NL = [
    "speler",
    "tafel",
    "plaats",
    "thema",
    "kaart",
    "wat ik ga doen",
    "met wie",
    "wanneer",
    "als … dan",
]


def csv_rows(content: bytes | str) -> list[list[str]]:
    """The rows of one of our CSV exports; it must start with the byte order mark."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    assert text.startswith("\ufeff"), "no byte order mark: Excel would garble accented letters"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def by_column(content: bytes | str, columns: list[str]) -> list[dict[str, str]]:
    """The rows under the header as dicts keyed by the export's column codes (the header
    itself is in the page's language)."""
    header, *rows = csv_rows(content)
    assert len(header) == len(columns), header
    return [dict(zip(columns, row, strict=True)) for row in rows]


def xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]
