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


def table_csv(rows: list[list[Any]], *, delimiter: str = ",") -> bytes:
    """Rows as CSV: UTF-8 with a byte order mark (so Excel reads it as UTF-8), CRLF, every
    text a spreadsheet would take for a formula kept text (``csv_cell``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow([csv_cell(cell) if isinstance(cell, str) else cell for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(
    rows: list[list[Any]], *, title: str, widths: list[int] | None = None, wrap: bool = False
) -> bytes:
    """Rows as a workbook of one sheet, the header frozen and bold; every text cell a
    string, so that text starting with ``=`` stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or "sheet")[:31].translate(str.maketrans("[]:*?/\\", "       "))
    wrapped = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            if r == 1:
                cell.font = Font(bold=True)
            elif wrap:
                cell.alignment = wrapped
    for c, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# A deck's columns' widths in a workbook, in COLUMNS' order.
WIDTHS = [18, 10, 8, 32, 50, 80, 40, 50]


def write_csv(data: dict) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads it as UTF-8), commas, CRLF."""
    return table_csv(rows_of(data))


def write_xlsx(data: dict) -> bytes:
    """A workbook of one sheet, the header frozen and bold; every text cell a string."""
    return table_xlsx(rows_of(data), title=data.get("name") or "deck", widths=WIDTHS, wrap=True)
