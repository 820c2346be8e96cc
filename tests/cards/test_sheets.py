"""A spreadsheet becomes a deck only when all of it is right: every kind of bad input is
refused with its row and column, in Dutch and in English, and nothing is saved. Real
files: CSV as Excel and LibreOffice write them, XLSX through openpyxl."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from cards import studio
from cards.models import Card, CardLink, Deck, Theme
from cards.sheets import COLUMNS, SheetProblems, checking, reading, writing
from tests.factories import facilitator

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "innovation-on-track.json"
THEMES = [
    ("Water", "#1f6f8b"),
    ("Zorg", "#b0322a"),
    ("Energie", "#2e7d32"),
]


def rows(themes=THEMES, cards: int = 4) -> list[list[str]]:
    """A valid sheet: each theme's colour on its first row only."""
    result = [list(COLUMNS)]
    for name, colour in themes:
        for number in range(1, cards + 1):
            result.append(
                [
                    name,
                    colour if number == 1 else "",
                    str(number),
                    f"{name} {number}",
                    f"Doe iets met {name.lower()}.",
                    f"Een voorbeeld uit {name}.\n\nEen tweede alinea.",
                    "Een tip." if number == 2 else "",
                    "NCSI | https://www.ncsi.nl\nhttps://www.tno.nl/mkb" if number == 1 else "",
                ]
            )
    return result


def as_csv(table: list[list[str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(table)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def as_xlsx(table: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in table:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems_of(content: bytes, filename: str = "deck.csv", language: str = "nl") -> list[str]:
    with translation.override(language), pytest.raises(SheetProblems) as refused:
        checking.deck_data(reading.read_rows(content, filename), name="Proef")
    return refused.value.problems


def with_cell(row: int, column: str, value: str, table=None) -> list[list[str]]:
    """The valid sheet with one cell changed (``row`` as the spreadsheet numbers it)."""
    table = [list(r) for r in (table or rows())]
    table[row - 1][COLUMNS.index(column)] = value
    return table


# --- good files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(as_csv(rows()), id="comma"),
        pytest.param(as_csv(rows(), delimiter=";", bom=True), id="semicolon-bom-excel-nl"),
        pytest.param(as_csv(rows()).replace(b"\r\n", b"\n"), id="lf-libreoffice"),
        pytest.param(as_xlsx(rows()), id="xlsx"),
    ],
)
def test_a_sheet_as_excel_and_libreoffice_write_it_reads_as_a_deck(content):
    """Comma or semicolon, with or without BOM, CRLF or LF, or a workbook: the same deck."""
    data = checking.deck_data(reading.read_rows(content, "deck"), name="Regio Oost")
    assert [theme["name"] for theme in data["themes"]] == ["Water", "Zorg", "Energie"]
    assert [theme["colour"] for theme in data["themes"]] == ["#1f6f8b", "#b0322a", "#2e7d32"]
    water = data["themes"][0]["cards"]
    assert [card["number"] for card in water] == [1, 2, 3, 4]
    assert water[0]["example"] == "Een voorbeeld uit Water.\n\nEen tweede alinea."
    assert water[0]["links"] == [
        {"label": "NCSI", "url": "https://www.ncsi.nl"},
        {"label": "www.tno.nl/mkb", "url": "https://www.tno.nl/mkb"},
    ]
    assert water[1]["tip"] == "Een tip."


def test_numbers_typed_as_numbers_in_a_workbook_are_card_numbers():
    """Excel stores 3 as 3.0; it is card 3."""
    table = [list(row) for row in rows()]
    for row in table[1:]:
        row[2] = float(row[2])
    data = checking.deck_data(reading.read_rows(as_xlsx(table)), name="X")
    assert [card["number"] for card in data["themes"][0]["cards"]] == [1, 2, 3, 4]


def test_a_formula_in_a_cell_is_kept_as_its_text_and_never_evaluated():
    table = with_cell(2, "title", "=1+1")
    table = with_cell(3, "example", '=HYPERLINK("http://evil.example","klik")', table)
    for content in (as_xlsx(table), as_csv(table)):
        data = checking.deck_data(reading.read_rows(content), name="X")
        cards = data["themes"][0]["cards"]
        assert cards[0]["title"] == "=1+1"
        assert cards[1]["example"] == '=HYPERLINK("http://evil.example","klik")'


def test_a_real_formula_cell_in_a_workbook_is_read_as_the_formula_text():
    """openpyxl would write a formula cell; we read its text, not a cached value."""
    workbook = Workbook()
    for row in rows():
        workbook.active.append(row)
    workbook.active["D2"] = "=CONCATENATE(A2, B2)"
    assert workbook.active["D2"].data_type == "f"
    out = io.BytesIO()
    workbook.save(out)
    data = checking.deck_data(reading.read_rows(out.getvalue()), name="X")
    assert data["themes"][0]["cards"][0]["title"] == "=CONCATENATE(A2, B2)"


# --- bad files: every problem at once, with row and column -------------------------------------


def test_every_problem_is_named_with_its_row_and_column_in_dutch():
    table = with_cell(7, "title", "")  # Zorg 2
    table = with_cell(3, "number", "7", table)
    del table[8]  # row 9, Zorg's 4th card
    problems = problems_of(as_csv(table))
    assert problems == [
        "rij 3, kolom number: “7” is geen kaartnummer van 1 tot 4",
        "rij 7, kolom title: leeg",
        "Zorg heeft 3 kaarten in plaats van 4",
    ]


def test_the_problems_speak_english_when_the_page_does():
    problems = problems_of(as_csv(with_cell(7, "title", "")), language="en")
    assert problems == ["row 7, column title: empty"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda t: with_cell(2, "title", "   "), "rij 2, kolom title: leeg", id="empty-title"
        ),
        pytest.param(
            lambda t: with_cell(2, "theme", ""), "rij 2, kolom theme: leeg", id="empty-theme"
        ),
        pytest.param(
            lambda t: with_cell(2, "call_to_action", ""),
            "rij 2, kolom call_to_action: leeg",
            id="empty-cta",
        ),
        pytest.param(
            lambda t: with_cell(3, "example", ""), "rij 3, kolom example: leeg", id="empty-example"
        ),
        pytest.param(
            lambda t: with_cell(2, "number", "0"),
            "rij 2, kolom number: “0” is geen kaartnummer van 1 tot 4",
            id="number-0",
        ),
        pytest.param(
            lambda t: with_cell(2, "number", "5"),
            "rij 2, kolom number: “5” is geen kaartnummer van 1 tot 4",
            id="number-5",
        ),
        pytest.param(
            lambda t: with_cell(2, "number", "twee"),
            "rij 2, kolom number: “twee” is geen kaartnummer van 1 tot 4",
            id="number-text",
        ),
        pytest.param(
            lambda t: with_cell(3, "number", "1"),
            "rij 3, kolom number: Water heeft al een kaart 1, op rij 2",
            id="number-twice",
        ),
        pytest.param(
            lambda t: with_cell(2, "title", "x" * 101),
            "rij 2, kolom title: 101 tekens, er passen er hoogstens 100",
            id="title-too-long",
        ),
        pytest.param(
            lambda t: with_cell(2, "theme", "x" * 61),
            "rij 2, kolom theme: 61 tekens, er passen er hoogstens 60",
            id="theme-too-long",
        ),
        pytest.param(
            lambda t: with_cell(2, "example", "x" * 1201),
            "rij 2, kolom example: 1201 tekens, er passen er hoogstens 1200",
            id="example-too-long",
        ),
        pytest.param(
            lambda t: with_cell(2, "tip", "x" * 401),
            "rij 2, kolom tip: 401 tekens, er passen er hoogstens 400",
            id="tip-too-long",
        ),
        pytest.param(
            lambda t: with_cell(2, "call_to_action", "x" * 401),
            "rij 2, kolom call_to_action: 401 tekens, er passen er hoogstens 400",
            id="cta-too-long",
        ),
        pytest.param(
            lambda t: with_cell(2, "colour", "blauw"),
            "rij 2, kolom colour: “blauw” is geen kleur als #rrggbb, bijvoorbeeld #1f6f8b",
            id="bad-colour",
        ),
        pytest.param(
            lambda t: with_cell(2, "colour", "#12345"),
            "rij 2, kolom colour: “#12345” is geen kleur als #rrggbb, bijvoorbeeld #1f6f8b",
            id="short-colour",
        ),
        pytest.param(
            lambda t: with_cell(2, "colour", ""),
            "rij 2, kolom colour: leeg: geef de kleur van Water (#rrggbb) op zijn eerste rij",
            id="no-colour",
        ),
        pytest.param(
            lambda t: with_cell(3, "colour", "#000000"),
            "rij 3, kolom colour: #000000, maar Water heeft #1f6f8b op rij 2",
            id="other-colour",
        ),
        pytest.param(
            lambda t: with_cell(2, "links", "NCSI | javascript:alert(1)"),
            "rij 2, kolom links: “javascript:alert(1)” is geen webadres dat begint met http:// of https://",
            id="javascript-url",
        ),
        pytest.param(
            lambda t: with_cell(2, "links", "FTP | ftp://example.org/x"),
            "rij 2, kolom links: “ftp://example.org/x” is geen webadres dat begint met http:// of https://",
            id="ftp-url",
        ),
        pytest.param(
            lambda t: with_cell(2, "links", "Kapot | https://"),
            "rij 2, kolom links: “https://” is geen webadres dat begint met http:// of https://",
            id="broken-url",
        ),
        pytest.param(
            lambda t: [*rows(), ["Water", "", "1", "Vijfde", "x", "y", "", ""]],
            "Water heeft 5 kaarten in plaats van 4",
            id="five-cards",
        ),
        pytest.param(
            lambda t: rows(THEMES[:1]),
            "Het bestand heeft 1 thema; een spel heeft er 2 tot 13",
            id="one-theme",
        ),
        pytest.param(
            lambda t: rows([(f"Thema {n}", "#123456") for n in range(14)]),
            "Het bestand heeft 14 thema's; een spel heeft er 2 tot 13",
            id="fourteen-themes",
        ),
        pytest.param(
            lambda t: [COLUMNS[:-1]] + [r[:-1] for r in rows()[1:]],
            "rij 1, kolom links: de kolom ontbreekt",
            id="missing-column",
        ),
        pytest.param(
            lambda t: [[*COLUMNS, "extra"]] + [[*r, ""] for r in rows()[1:]],
            "rij 1, kolom extra: onbekende kolom; de kolommen zijn theme,colour,number,title,call_to_action,example,tip,links",
            id="extra-column",
        ),
        pytest.param(
            lambda t: [[*COLUMNS[:2], "title", *COLUMNS[3:]], *rows()[1:]],
            "rij 1, kolom title: deze kolom staat er twee keer",
            id="column-twice",
        ),
        pytest.param(
            lambda t: [r for r in rows()[1:]],
            "rij 1, kolom Water: onbekende kolom; de kolommen zijn theme,colour,number,title,call_to_action,example,tip,links",
            id="no-header",
        ),
    ],
)
def test_each_bad_cell_is_refused_with_its_message(change, expected):
    table = change(rows())
    for content in (as_csv(table), as_xlsx(table)):
        assert expected in problems_of(content)


def test_a_file_over_one_megabyte_is_refused_before_it_is_read():
    content = as_csv(rows()) + b"#" * reading.MAX_BYTES
    [problem] = problems_of(content)
    assert problem.startswith("Het bestand is groter dan 1 MB")


def test_a_file_that_is_not_utf8_is_refused_with_how_to_save_it():
    content = as_csv(rows()).decode().replace("Een tip.", "Één tip.").encode("cp1252")
    line = content[: content.index("Één".encode("cp1252"))].count(b"\n") + 1
    [problem] = problems_of(content)
    assert problem.startswith(f"Het bestand is geen UTF-8-tekst (regel {line})")
    assert "CSV UTF-8" in problem


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        pytest.param(b"%PDF-1.7\n\x00\x01\x02binary", "deck.pdf", id="pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "deck.png", id="png"),
        pytest.param(b"PK\x03\x04 not really a zip", "deck.xlsx", id="broken-zip"),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "deck.xls", id="old-excel"
        ),
    ],
)
def test_a_file_that_is_no_spreadsheet_is_refused(content, filename):
    [problem] = problems_of(content, filename)
    assert problem.startswith("Dit is geen spreadsheet die we kunnen lezen")


def test_a_zip_that_is_no_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hallo")
    [problem] = problems_of(out.getvalue(), "deck.xlsx")
    assert problem.startswith("Dit is geen spreadsheet die we kunnen lezen")


def test_an_empty_file_is_refused():
    assert problems_of(b"", "deck.csv") == ["Het bestand is leeg."]


# --- nothing saved -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_file_saves_nothing_and_a_good_one_saves_the_whole_deck():
    host = facilitator()
    before = (Deck.objects.count(), Theme.objects.count(), Card.objects.count())
    with pytest.raises(SheetProblems):
        studio.deck_from_sheet(by=host, name="Kapot", content=as_csv(with_cell(9, "title", "")))
    assert (Deck.objects.count(), Theme.objects.count(), Card.objects.count()) == before
    deck = studio.deck_from_sheet(
        by=host, name="Regio Oost", content=as_xlsx(rows()), language="en"
    )
    assert deck.owner == host and not deck.published and deck.language == "en"
    assert deck.themes.count() == 3 and Card.objects.filter(theme__deck=deck).count() == 12
    assert deck.problems() == []
    assert CardLink.objects.filter(card__theme__deck=deck).count() == 6


# --- out and back ------------------------------------------------------------------------------


def fixture_data() -> dict:
    data = json.loads(FIXTURE.read_text())
    data.setdefault("language", "nl")
    return data


def without_slugs(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data.pop("slug", None)
    for theme in data["themes"]:
        theme.pop("slug", None)
    return data


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_deck_written_as_a_sheet_reads_back_the_same(kind):
    """The Innovation on Track deck, plus text a spreadsheet would take for a formula."""
    data = fixture_data()
    card = data["themes"][0]["cards"][0]
    card["title"] = "=SUM(A1:A3)"
    card["tip"] = "-5 euro; +3 mensen; @iedereen; 'quote"
    card["call_to_action"] = "'=al met apostrof"
    write = writing.write_csv if kind == "csv" else writing.write_xlsx
    back = checking.deck_data(
        reading.read_rows(write(data), f"deck.{kind}"),
        name=data["name"],
        language="nl",
        about=data["about"],
    )
    assert without_slugs(back) == without_slugs(data)
    assert [theme["slug"] for theme in back["themes"]] == [t["slug"] for t in data["themes"]]


def test_a_written_csv_keeps_formulas_text_for_a_spreadsheet_that_opens_it():
    data = fixture_data()
    data["themes"][0]["cards"][0]["title"] = "=SUM(A1:A3)"
    text = writing.write_csv(data).decode("utf-8")
    assert text.startswith("\ufefftheme,colour,number,")
    assert "'=SUM(A1:A3)" in text


def test_a_written_workbook_types_formula_like_text_as_text():
    data = fixture_data()
    data["themes"][0]["cards"][0]["title"] = "=SUM(A1:A3)"
    sheet = load_workbook(io.BytesIO(writing.write_xlsx(data))).active
    assert sheet["D2"].value == "=SUM(A1:A3)"
    assert sheet["D2"].data_type == "s"
    assert [cell.value for cell in sheet[1]] == COLUMNS


def test_a_bad_colour_is_named_once_not_also_as_missing():
    assert problems_of(as_csv(with_cell(2, "colour", "blauw"))) == [
        "rij 2, kolom colour: “blauw” is geen kleur als #rrggbb, bijvoorbeeld #1f6f8b"
    ]
