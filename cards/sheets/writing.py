"""Writing a deck as a spreadsheet: CSV or XLSX, every text kept text."""

from __future__ import annotations

import csv
import io
from typing import Any

from cards.sheets import COLUMNS, csv_cell

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(data: dict) -> list[list[Any]]:
    """Deck data (``cards.deckio``'s format) as rows under the header, a card a row."""
    rows: list[list[Any]] = [list(COLUMNS)]
    for theme in data["themes"]:
        for card in theme["cards"]:
            links = "\n".join(f"{link['label']} | {link['url']}" for link in card.get("links", []))
            rows.append(
                [
                    theme["name"],
                    theme["colour"],
                    card["number"],
                    card["title"],
                    card["call_to_action"],
                    card["example"],
                    card.get("tip", ""),
                    links,
                ]
            )
    return rows


def write_csv(data: dict) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads it as UTF-8), commas, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows_of(data):
        writer.writerow([csv_cell(cell) if isinstance(cell, str) else cell for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(data: dict) -> bytes:
    """A workbook of one sheet, the header frozen and bold; every text cell a string, so
    that text starting with ``=`` stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (data.get("name") or "deck")[:31].translate(str.maketrans("[]:*?/\\", "       "))
    widths = {
        "theme": 18,
        "colour": 10,
        "number": 8,
        "title": 32,
        "call_to_action": 50,
        "example": 80,
        "tip": 40,
        "links": 50,
    }
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows_of(data), start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            if r == 1:
                cell.font = Font(bold=True)
            else:
                cell.alignment = wrap
    for c, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = widths[column]
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
