"""Decks as spreadsheets: CSV and XLSX in, checked as a whole, and out again.

One row per card under the header ``theme,colour,number,title,call_to_action,example,
tip,links`` (the JSON export's field names). A theme's colour (``#rrggbb``) is given on
its first row at least; ``links`` holds one link a line as ``label | https://...``.

Reading checks the whole file and names every problem with its row and column, in the
active language ("rij 7, kolom title: leeg"); only a file without problems becomes deck
data (the format of ``cards.deckio``), which ``cards.studio`` saves. Nothing in a cell is
ever evaluated: a formula is kept as the text it is. Writing keeps it text too: XLSX
cells are typed as strings, and a CSV cell that a spreadsheet would take for a formula
starts with an apostrophe, which reading takes off again, so a round trip is exact.

Imports the models and ``cards.deckio`` only.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cards import deckio
from cards.models import (
    CARDS_PER_THEME,
    MAX_CALL_TO_ACTION,
    MAX_EXAMPLE,
    MAX_THEMES,
    MAX_TIP,
    MIN_THEMES,
)

COLUMNS = ["theme", "colour", "number", "title", "call_to_action", "example", "tip", "links"]
# What reading a file may cost, each bound checked before the thing it bounds is read,
# so that a file small on disk cannot be large in memory or slow. The Innovation on
# Track deck is a 25 KB CSV, or a 13 KB workbook that unpacks to 43 KB.
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
MAX_LISTED = 50  # problems listed; past that, how many more
MAX_QUOTED = 60  # characters of a file's text quoted in a problem
LENGTHS = {
    "theme": 60,
    "title": 100,
    "call_to_action": MAX_CALL_TO_ACTION,
    "example": MAX_EXAMPLE,
    "tip": MAX_TIP,
}
LINK_LABEL_LENGTH = 200
LINK_URL_LENGTH = 500
REQUIRED = ("theme", "title", "call_to_action", "example")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# A CSV cell starting with one of these is a formula to a spreadsheet (OWASP's advice);
# the apostrophe that keeps it text is also escaped, so reading can undo it exactly.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
url_validator = URLValidator(schemes=["http", "https"])


class SheetProblems(ValueError):
    """The file is no deck: every problem found, each a sentence naming its place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


# --- reading ---------------------------------------------------------------------------------


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
    return [[_csv_unescape(cell) for cell in row] for row in rows]


def quoted(text: str, most: int = MAX_QUOTED) -> str:
    """A file's text as a problem quotes it: at most ``most`` characters, cut with "…"."""
    return text if len(text) <= most else text[: most - 1] + "…"


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


def csv_cell(text: str) -> str:
    """Text a spreadsheet opening the CSV keeps as text: one it would take for a formula
    gets an apostrophe in front (reading a deck's CSV takes it off again)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_unescape(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


# --- checking --------------------------------------------------------------------------------


@dataclass
class _Theme:
    name: str
    row: int
    colour: str = ""
    colour_row: int = 0
    cards: list[dict[str, Any]] = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)  # number -> its row


Place = Callable[[int, "str | None"], str]


def sheet_place(row: int, column: str | None) -> str:
    """Where a problem is in a spreadsheet: "rij 7, kolom title"."""
    if column is None:
        return _("row %(row)d") % {"row": row}
    return _("row %(row)d, column %(column)s") % {"row": row, "column": column}


def deck_data(
    rows: list[list[str]],
    *,
    name: str,
    language: str = "nl",
    about: str = "",
    place: Place = sheet_place,
) -> dict:
    """The rows (header first) as deck data for ``cards.deckio``; SheetProblems naming
    every problem when they are no deck. ``place`` names a row and column."""
    problems = _Problems(place)
    columns = _header(rows[0] if rows else [], problems)
    if problems:
        raise SheetProblems(problems.listed())
    themes: dict[str, _Theme] = {}
    for number, row in enumerate(rows[1:], start=2):
        row = [cell if isinstance(cell, str) else str(cell) for cell in row]
        cells = {column: (row[i] if i < len(row) else "") for column, i in columns.items()}
        extra = [cell for cell in row[len(COLUMNS) :] if cell.strip()]
        if not any(cell.strip() for cell in cells.values()) and not extra:
            continue  # an empty row
        if len(row) > len(COLUMNS) and extra:
            problems.add(
                number, None, _("more cells than the %(count)d columns") % {"count": len(COLUMNS)}
            )
        _card_row(number, cells, themes, problems)
    _deck_checks(themes, problems)
    if problems:
        raise SheetProblems(problems.listed())
    return _as_data(themes, name=name, language=language, about=about)


class _Problems(list):
    def __init__(self, place: Place = sheet_place) -> None:
        super().__init__()
        self.place = place

    def add(self, row: int | None, column: str | None, what: str) -> None:
        where = self.place(row, column) if row is not None else ""
        self.append(f"{where}: {what}" if where else what)

    def listed(self) -> list[str]:
        if len(self) <= MAX_LISTED:
            return list(self)
        more = len(self) - MAX_LISTED
        return [
            *self[:MAX_LISTED],
            ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", more)
            % {"count": more},
        ]


def _header(header: list[str], problems: _Problems) -> dict[str, int]:
    names = [cell.strip().lstrip("\ufeff") for cell in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        problems.add(
            1, None, _("the header row is missing: %(columns)s") % {"columns": ",".join(COLUMNS)}
        )
        return {}
    columns: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in COLUMNS and name not in columns:
            columns[name] = i
        elif name in columns:
            problems.add(1, name, _("this column appears twice"))
        else:
            problems.add(
                1,
                quoted(name) or str(i + 1),
                _("unknown column; the columns are %(columns)s") % {"columns": ",".join(COLUMNS)},
            )
    for name in COLUMNS:
        if name not in columns:
            problems.add(1, name, _("the column is missing"))
    return columns


def _card_row(
    row: int, cells: dict[str, str], themes: dict[str, _Theme], problems: _Problems
) -> None:
    values = {column: cells[column] for column in COLUMNS}
    for column in ("theme", "colour", "number"):
        values[column] = values[column].strip()
    values["title"] = values["title"].strip()
    for column in REQUIRED:
        if not values[column].strip():
            problems.add(row, column, _("empty"))
    for column, most in LENGTHS.items():
        if len(values[column]) > most:
            problems.add(
                row,
                column,
                _("%(count)d characters, at most %(most)d fit")
                % {"count": len(values[column]), "most": most},
            )
    theme = themes.get(values["theme"].casefold())
    if theme is None and values["theme"]:
        theme = themes[values["theme"].casefold()] = _Theme(values["theme"], row)
    _colour(row, values["colour"], theme, problems)
    number = _number(row, values["number"], problems)
    links = _links(row, values["links"], problems)
    if theme is None:
        return
    if number is not None:
        if number in theme.numbers:
            problems.add(
                row,
                "number",
                _("%(theme)s has a card %(number)d already, on row %(other)d")
                % {"theme": quoted(theme.name), "number": number, "other": theme.numbers[number]},
            )
        else:
            theme.numbers[number] = row
    theme.cards.append(
        {
            "number": number,
            "title": values["title"],
            "call_to_action": values["call_to_action"],
            "example": values["example"],
            "tip": values["tip"],
            "links": links,
        }
    )


def _colour(row: int, colour: str, theme: _Theme | None, problems: _Problems) -> None:
    if not colour:
        return
    if not COLOUR.match(colour):
        if theme is not None and not theme.colour_row:
            theme.colour_row = row  # named here; not "empty" again at the end
        problems.add(
            row,
            "colour",
            _("“%(colour)s” is no colour as #rrggbb, for example #1f6f8b")
            % {"colour": quoted(colour)},
        )
    elif theme is not None and theme.colour and theme.colour.lower() != colour.lower():
        problems.add(
            row,
            "colour",
            _("%(colour)s, but %(theme)s has %(first)s on row %(other)d")
            % {
                "colour": colour,
                "theme": quoted(theme.name),
                "first": theme.colour,
                "other": theme.colour_row,
            },
        )
    elif theme is not None and not theme.colour:
        theme.colour, theme.colour_row = colour, row


def _number(row: int, text: str, problems: _Problems) -> int | None:
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or not 1 <= number <= CARDS_PER_THEME:
        shown = text or _("empty")
        problems.add(
            row, "number", _("“%(number)s” is no card number 1 to 4") % {"number": quoted(shown)}
        )
        return None
    return number


def _links(row: int, text: str, problems: _Problems) -> list[dict[str, str]]:
    links = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, bar, url = line.rpartition("|")
        label, url = label.strip(), url.strip()
        if not bar:
            label = re.sub(r"^https?://", "", url)
        try:
            url_validator(url)
        except ValidationError:
            problems.add(
                row,
                "links",
                _("“%(url)s” is no web address starting with http:// or https://")
                % {"url": quoted(url)},
            )
            continue
        if len(url) > LINK_URL_LENGTH or len(label) > LINK_LABEL_LENGTH:
            problems.add(
                row,
                "links",
                _("a link's label may have %(label)d characters, its address %(url)d")
                % {"label": LINK_LABEL_LENGTH, "url": LINK_URL_LENGTH},
            )
            continue
        if not label:
            problems.add(row, "links", _("a link without a label before the |"))
            continue
        links.append({"label": label, "url": url})
    return links


def links_from_text(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """``label | url`` lines as links, and the problems of the lines that are none."""
    problems = _Problems(lambda row, column: "")
    links = _links(0, text, problems)
    return links, list(problems)


def _deck_checks(themes: dict[str, _Theme], problems: _Problems) -> None:
    for theme in themes.values():
        if not theme.colour and not theme.colour_row:
            problems.add(
                theme.row,
                "colour",
                _("empty: give the colour of %(theme)s (#rrggbb) on its first row")
                % {"theme": quoted(theme.name)},
            )
        if len(theme.cards) != CARDS_PER_THEME:
            problems.add(
                None,
                None,
                ngettext(
                    "%(theme)s has %(count)d card instead of 4",
                    "%(theme)s has %(count)d cards instead of 4",
                    len(theme.cards),
                )
                % {"theme": quoted(theme.name), "count": len(theme.cards)},
            )
    if not MIN_THEMES <= len(themes) <= MAX_THEMES:
        problems.add(
            None,
            None,
            ngettext(
                "The file has %(count)d theme; a deck has %(least)d to %(most)d",
                "The file has %(count)d themes; a deck has %(least)d to %(most)d",
                len(themes),
            )
            % {"count": len(themes), "least": MIN_THEMES, "most": MAX_THEMES},
        )


def _as_data(themes: dict[str, _Theme], *, name: str, language: str, about: str) -> dict:
    slugs = unique_slugs(theme.name for theme in themes.values())
    return {
        "format": deckio.FORMAT,
        "version": deckio.VERSION,
        "name": name,
        "slug": slugify(name) or "deck",
        "language": language,
        "about": about,
        "themes": [
            {
                "name": theme.name,
                "slug": slug,
                "colour": theme.colour,
                "cards": sorted(theme.cards, key=lambda card: card["number"]),
            }
            for theme, slug in zip(themes.values(), slugs, strict=True)
        ],
    }


def unique_slugs(
    names: Iterable[str], taken: Callable[[str], bool] = lambda slug: False
) -> list[str]:
    """A slug for each name, unique among them (``thema``, ``thema-2``, ...)."""
    result: list[str] = []
    for name in names:
        base = slugify(name)[:50] or "thema"
        slug, n = base, 1
        while slug in result or taken(slug):
            n += 1
            slug = f"{base}-{n}"
        result.append(slug)
    return result


# --- writing ---------------------------------------------------------------------------------


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
