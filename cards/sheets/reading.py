"""Reading a CSV file or an XLSX workbook into rows of text, within bounds.

What reading a file may cost is bounded, each bound checked before the thing it bounds
is read, so that a file small on disk cannot be large in memory or slow. The Innovation
on Track deck is a 25 KB CSV, or a 13 KB workbook that unpacks to 43 KB. A JSON export
is read here too (its deck is then checked as a sheet's rows are).
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from cards import deckio
from cards.sheets import (
    COLUMNS,
    SheetProblems,
    csv_unescape,
    quoted,
    sheet_place,
)
from innovation_track import boundary

MAX_BYTES = 1024 * 1024  # an upload
MAX_PARTS = 100  # files in an XLSX (a zip file); Excel writes about 10 for one sheet
MAX_PART = MAX_BYTES  # what one of them may unpack to (a deck's sheet: about 30 KB)
MAX_UNPACKED = 5 * MAX_BYTES  # what they may unpack to together
MAX_RATIO = 100  # unpacked size over packed size of a part larger than RATIO_FROM
RATIO_FROM = 100 * 1024
MAX_ROWS = 1000  # far more than 13 themes of 4 cards; a longer sheet is no deck
MAX_COLUMNS = 26  # A to Z: the deck's 8 columns and room for a spreadsheet's notes
MAX_CELL = 5000  # characters in a cell; the longest field holds 1200
# Cells as a workbook's rows come out of the reader, empty ones up to each row's last
# included (a row with a cell in column ZZZ is 18,278 of them).
MAX_CELLS = MAX_ROWS * MAX_COLUMNS
MAX_SECONDS = 2.0  # reading the rows (a deck: some milliseconds)
clock = time.monotonic  # a test may stop it, or let it jump


def read_rows(content: bytes, filename: str = "") -> list[list[str]]:
    """The file's rows as text, header included: XLSX when it is one, CSV otherwise.
    Raises SheetProblems for a file that is too big or no spreadsheet we can read."""
    if len(content) > MAX_BYTES:
        raise SheetProblems([too_big(len(content))])
    if not content.strip():
        raise SheetProblems([_("The file is empty.")])
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_rows(content)
    if filename.lower().endswith((".xlsx", ".xls", ".ods", ".numbers")) or b"\x00" in content:
        raise SheetProblems([_not_a_spreadsheet()])
    return _csv_rows(content)


def read_json(content: bytes) -> dict[str, Any]:
    """A JSON export of a deck (any deck's), its structure checked; its texts are checked
    as a sheet's rows are (``checking.export_deck_data``). Raises SheetProblems."""
    if len(content) > MAX_BYTES:
        raise SheetProblems([_("The file is larger than 1 MB. A deck is far smaller.")])
    try:
        data = boundary.loads(content.decode("utf-8-sig"), max_bytes=MAX_BYTES)
    except UnicodeDecodeError:
        raise SheetProblems([_("The file is not UTF-8 text.")]) from None
    except boundary.Malformed as exc:
        if exc.code != "bad_json":  # nested deeper than any deck
            raise SheetProblems([_("This is no JSON export of a deck.")]) from None
        raise SheetProblems(
            [
                _("This is no JSON export of a deck (line %(line)d: %(error)s).")
                % {"line": exc.params["line"], "error": exc.params["error"]}
            ]
        ) from None
    try:
        deckio.validate_deck_data(data, structure_only=True)
    except deckio.DeckFileError as exc:
        raise SheetProblems(
            [_("This is no JSON export of a deck: %(problem)s") % {"problem": exc}]
        ) from None
    return data


def too_big(size: int) -> str:
    """The refusal of a file of ``size`` bytes, over MAX_BYTES."""
    return _("The file is larger than 1 MB (%(size)s). A deck is far smaller.") % {
        "size": _mb(size)
    }


def _mb(content: bytes | int) -> str:
    size = content if isinstance(content, int) else len(content)
    return f"{size / MAX_BYTES:.1f} MB"


def _not_a_spreadsheet() -> str:
    return _(
        "This is not a spreadsheet we can read: upload a CSV file (UTF-8) or an Excel "
        "workbook (.xlsx)."
    )


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise SheetProblems(
            [
                _(
                    "The file is not UTF-8 text (line %(line)d). In Excel choose “CSV UTF-8” "
                    "when saving, in LibreOffice the character set “Unicode (UTF-8)”."
                )
                % {"line": line}
            ]
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    read = 0  # rows; a cell may hold line breaks, so lines are more

    def counted() -> Iterator[list[str]]:
        nonlocal read
        for row in reader:
            read += 1
            yield row

    try:
        rows = _bounded(counted())
    except csv.Error as exc:
        # The csv module's own limit on a field (131,072 characters) is for the whole
        # process, so it stays as it is; MAX_CELL, checked on each row, is ours.
        if "field limit" in str(exc):
            problem = sheet_place(read + 1, None) + ": " + _too_long(None)
        else:  # a stray quote, a NUL
            problem = (
                _not_a_spreadsheet()
                + " ("
                + _("line %(line)d: %(error)s")
                % {"line": reader.line_num, "error": quoted(str(exc))}
                + ")"
            )
        raise SheetProblems([problem]) from None
    return [[csv_unescape(cell) for cell in row] for row in rows]


def _bounded(rows: Iterable[Iterable[Any]]) -> list[list[str]]:
    """The rows as text, read one at a time and refused as soon as the file is no deck
    by its size alone: more than MAX_ROWS rows, a filled cell right of MAX_COLUMNS, a
    cell over MAX_CELL characters, more than MAX_CELLS cells or MAX_SECONDS of reading."""
    result: list[list[str]] = []
    cells = 0
    deadline = clock() + MAX_SECONDS
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise SheetProblems(
                [
                    _("The file has more than %(rows)d rows; a deck has at most 52 cards.")
                    % {"rows": MAX_ROWS}
                ]
            )
        if clock() > deadline:
            raise SheetProblems(
                [
                    _(
                        "Reading the file took longer than %(seconds)d seconds; a deck is read in "
                        "less than one."
                    )
                    % {"seconds": MAX_SECONDS}
                ]
            )
        row = list(row)
        cells += len(row)
        if cells > MAX_CELLS:
            raise SheetProblems(
                [
                    _(
                        "The file has more than %(cells)d cells (row %(row)d); a deck has at "
                        "most %(deck)d."
                    )
                    % {"cells": MAX_CELLS, "row": number, "deck": 52 * len(COLUMNS)}
                ]
            )
        while row and row[-1] in (None, ""):
            row.pop()  # empty cells at the end, as spreadsheets often keep
        if len(row) > MAX_COLUMNS:
            raise SheetProblems(
                [
                    sheet_place(number, _letter(len(row)))
                    + ": "
                    + _(
                        "a sheet has at most %(columns)d columns (A to %(last)s); a deck uses "
                        "%(deck)d"
                    )
                    % {"columns": MAX_COLUMNS, "last": _letter(MAX_COLUMNS), "deck": len(COLUMNS)}
                ]
            )
        texts = [_cell_text(value) for value in row]
        for column, text in enumerate(texts, start=1):
            if len(text) > MAX_CELL:
                raise SheetProblems(
                    [
                        sheet_place(number, _column_name(result, column))
                        + ": "
                        + _too_long(len(text))
                    ]
                )
        result.append(texts)
    return result


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _too_long(count: int | None) -> str:
    if count is None:
        return _("a cell holds at most %(most)d characters") % {"most": MAX_CELL}
    return _("%(count)d characters; a cell holds at most %(most)d") % {
        "count": count,
        "most": MAX_CELL,
    }


def _column_name(rows: list[list[str]], column: int) -> str:
    """A column as a problem names it: its header when that is one of ours, else its
    letter."""
    header = rows[0] if rows else []
    name = header[column - 1].strip().lstrip("\ufeff") if column <= len(header) else ""
    return name if name in COLUMNS else _letter(column)


def _check_archive(content: bytes) -> None:
    """Refuse a zip file that would unpack to more than a deck's workbook ever does,
    from its directory alone, before anything is unpacked. The sizes there can be
    trusted: Python's zipfile never unpacks a part past the size its directory gives
    (it stops there, and the checksum then fails)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetProblems([_not_a_spreadsheet()]) from None
    if len(parts) > MAX_PARTS:
        raise SheetProblems(
            [
                _("The workbook holds %(count)d files; at most %(most)d are read.")
                % {"count": len(parts), "most": MAX_PARTS}
            ]
        )
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED:
        raise SheetProblems(
            [
                _("The workbook unpacks to %(size)s; at most %(most)s is read.")
                % {"size": _mb(total), "most": _mb(MAX_UNPACKED)}
            ]
        )
    for part in parts:
        if part.file_size > MAX_PART:
            raise SheetProblems(
                [
                    _("A file in the workbook unpacks to %(size)s; at most %(most)s is read.")
                    % {"size": _mb(part.file_size), "most": _mb(MAX_PART)}
                ]
            )
        ratio = part.file_size // max(part.compress_size, 1)
        if part.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise SheetProblems(
                [
                    _(
                        "A file in the workbook is packed %(ratio)d to 1; at most %(most)d to 1 "
                        "is read (a spreadsheet packs about 10 to 1)."
                    )
                    % {"ratio": ratio, "most": MAX_RATIO}
                ]
            )


def _xlsx_rows(content: bytes) -> list[list[str]]:
    """The first sheet's cells as text. Read with ``data_only=False``: a formula is the
    text of the formula (as the spreadsheet shows it in the formula bar), never its value.
    The sheet's own claim of its size (its ``dimension``) is ignored: openpyxl would make
    every row that wide."""
    from openpyxl import load_workbook

    _check_archive(content)
    try:
        workbook = load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetProblems([_not_a_spreadsheet()]) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        return _bounded(sheet.iter_rows(values_only=True))
    except SheetProblems:
        raise
    except Exception:
        raise SheetProblems([_not_a_spreadsheet()]) from None
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
