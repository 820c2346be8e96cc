"""A spreadsheet small on disk may not be large in memory or slow (issue 27): what reading
one may cost is bounded before it is read, a file past a bound is refused with a message
naming the bound, and a problem never quotes more than a few words of the file.

The two files of the issue: a 20 KB workbook holding one 19 MB cell (it took 90 MB and
answered with the cell, 18 MB), and a 4 KB workbook whose ``dimension`` claims 18,278
columns for 1000 rows (it took 4 s and 290 MB)."""

from __future__ import annotations

import io
import json
import re
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cards.models import Deck
from cards.sheets import COLUMNS, SheetProblems, checking, reading
from tests.cards import hostile
from tests.cards.test_sheets import as_csv, as_xlsx, rows, with_cell
from tests.factories import facilitator

MB = 1024 * 1024
MEMORY_BOUND = 30 * MB  # what reading any file may allocate at its peak
PAGE_BOUND = 50 * 1024  # the refusal page, with the studio around the problems


def refusal(content: bytes, filename: str = "deck.xlsx") -> list[str]:
    """The problems of reading ``content`` as a deck, in Dutch."""
    with translation.override("nl"), pytest.raises(SheetProblems) as refused:
        checking.deck_data(reading.read_rows(content, filename), name="Proef")
    return refused.value.problems


def peak_of_reading(content: bytes, filename: str = "deck.xlsx") -> int:
    """The most memory Python held at once while the file was read and refused."""
    tracemalloc.start()
    try:
        with pytest.raises(SheetProblems):
            checking.deck_data(reading.read_rows(content, filename), name="Proef")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


# --- the two files of the issue --------------------------------------------------------------


def test_a_20_kb_workbook_with_a_19_mb_cell_is_refused_before_it_is_unpacked():
    content = hostile.huge_cell(19_000_000)
    assert len(content) < 25 * 1024
    assert refusal(content) == [
        "Het werkboek pakt uit tot 18.1 MB; er wordt hoogstens 5.0 MB gelezen."
    ]


def test_reading_the_workbook_with_a_19_mb_cell_stays_small_in_memory():
    assert peak_of_reading(hostile.huge_cell(19_000_000)) < MEMORY_BOUND


def test_a_dimension_claiming_18278_columns_is_not_believed():
    """The rows are as wide as their cells, not as the sheet says."""
    content = hostile.wide_dimension(rows=5)
    assert b'<dimension ref="A1:ZZZ5"/>' in zipfile.ZipFile(io.BytesIO(content)).read(
        "xl/worksheets/sheet1.xml"
    )
    assert reading.read_rows(content) == [COLUMNS, [], [], [], []]


def test_a_dimension_claiming_fewer_rows_than_the_sheet_has_hides_none_of_them():
    table = rows()
    body = "".join(
        f'<row r="{r}">'
        + "".join(hostile.cell(f"{hostile.letter(c)}{r}", v) for c, v in enumerate(row, 1))
        + "</row>"
        for r, row in enumerate(table, start=1)
    )
    content = hostile.workbook(body, dimension="A1:H2")
    data = checking.deck_data(reading.read_rows(content), name="Proef")
    assert [len(theme["cards"]) for theme in data["themes"]] == [4, 4, 4]


def test_reading_a_1000_row_sheet_that_claims_18278_columns_stays_small_in_memory():
    content = hostile.wide_dimension(rows=1000)
    assert len(content) < 5 * 1024
    assert peak_of_reading(content) < MEMORY_BOUND


# --- the workbook as a zip file --------------------------------------------------------------


def test_a_part_that_unpacks_past_the_bound_is_refused():
    content = zipped({"xl/media/image1.png": bytes(5 * MB)})
    assert refusal(content) == [
        "Een bestand in het werkboek pakt uit tot 5.0 MB; er wordt hoogstens 1.0 MB gelezen."
    ]


def test_a_part_packed_like_a_zip_bomb_is_refused():
    content = zipped({"xl/sharedStrings.xml": bytes(900 * 1024)})
    [problem] = refusal(content)
    assert re.match(
        r"Een bestand in het werkboek is \d{4} op 1 ingepakt; er wordt hoogstens 100 op 1 gelezen",
        problem,
    )


def test_a_workbook_that_understates_what_a_file_unpacks_to_is_no_spreadsheet():
    """Python's zipfile stops unpacking at the size the directory gives, and the file's
    checksum then fails: a lie about sizes gets no further than the truth would."""
    content = hostile.understated(hostile.huge_cell(19_000_000), "xl/sharedStrings.xml")
    [problem] = refusal(content)
    assert problem.startswith("Dit is geen spreadsheet die we kunnen lezen")
    assert peak_of_reading(content) < MEMORY_BOUND


def test_a_workbook_of_too_many_files_is_refused():
    content = zipped({f"xl/part{n}.xml": b"<x/>" for n in range(reading.MAX_PARTS + 1)})
    assert refusal(content) == [
        "Het werkboek bevat 101 bestanden; er worden er hoogstens 100 gelezen."
    ]


def test_a_zip_bomb_is_refused_within_the_memory_bound():
    content = zipped({f"xl/bomb{n}.xml": bytes(3 * MB) for n in range(20)})
    assert peak_of_reading(content) < MEMORY_BOUND


# --- the sheet's rows, columns and cells ------------------------------------------------------


def test_a_sheet_of_more_than_1000_rows_is_refused():
    content = hostile.workbook(hostile.header_row() + '<row r="1048576"/>')
    assert refusal(content) == [
        "Het bestand heeft meer dan 1000 rijen; een kaartspel heeft hoogstens 52 kaarten."
    ]


def test_a_filled_cell_right_of_column_z_is_refused_with_its_row_and_column():
    content = hostile.workbook(
        hostile.header_row() + f'<row r="2">{hostile.cell("AA2", "x")}</row>'
    )
    assert refusal(content) == [
        "rij 2, kolom AA: een blad heeft hoogstens 26 kolommen (A tot Z); een kaartspel "
        "gebruikt er 8"
    ]


def test_an_empty_formatted_cell_far_right_is_no_column():
    """Spreadsheets keep formatted empty cells; they hold nothing of the deck."""
    content = hostile.workbook(hostile.header_row() + '<row r="2"><c r="ZZ2" s="0"/></row>')
    assert reading.read_rows(content) == [COLUMNS, []]


def test_rows_of_empty_cells_out_to_column_zzz_are_refused_by_their_count():
    empty = "".join(f'<row r="{n}"><c r="ZZZ{n}" s="0"/></row>' for n in range(2, 1000))
    content = hostile.workbook(hostile.header_row() + empty)
    assert refusal(content) == [
        "Het bestand heeft meer dan 26000 cellen (rij 3); een kaartspel heeft er hoogstens 416."
    ]
    assert peak_of_reading(content) < MEMORY_BOUND


def test_a_cell_longer_than_any_field_is_refused_with_its_row_and_column():
    content = hostile.huge_cell(6000, column="example")
    assert refusal(content) == [
        "rij 2, kolom example: 6000 tekens; een cel bevat er hoogstens 5000"
    ]


def test_reading_that_takes_too_long_is_refused(monkeypatch):
    moments = iter(range(0, 1000, 10))
    monkeypatch.setattr(reading, "clock", lambda: next(moments))
    assert refusal(as_xlsx(rows())) == [
        "Het lezen van het bestand duurde langer dan 2 seconden; een kaartspel is in minder "
        "dan een seconde gelezen."
    ]


# --- CSV -----------------------------------------------------------------------------------


def test_a_csv_field_longer_than_any_field_is_refused_with_its_row_and_column():
    content = as_csv(with_cell(3, "tip", "x" * 6000))
    assert refusal(content, "deck.csv") == [
        "rij 3, kolom tip: 6000 tekens; een cel bevat er hoogstens 5000"
    ]


def test_a_csv_field_past_the_csv_modules_own_limit_is_refused_with_its_line():
    content = as_csv(with_cell(3, "tip", "x" * 200_000))
    assert refusal(content, "deck.csv") == ["rij 3: een cel bevat hoogstens 5000 tekens"]


def test_a_csv_row_wider_than_26_columns_is_refused_with_its_row_and_column():
    content = as_csv([*rows(), ["x"] * 30])
    assert refusal(content, "deck.csv") == [
        "rij 14, kolom AD: een blad heeft hoogstens 26 kolommen (A tot Z); een kaartspel "
        "gebruikt er 8"
    ]


def test_a_megabyte_of_commas_is_refused_within_the_memory_bound():
    content = b"," * (reading.MAX_BYTES - 1)
    assert refusal(content, "deck.csv") == [
        "Het bestand heeft meer dan 26000 cellen (rij 1); een kaartspel heeft er hoogstens 416."
    ]
    assert peak_of_reading(content, "deck.csv") < MEMORY_BOUND


# --- never echoed whole --------------------------------------------------------------------


@pytest.mark.parametrize("column", ["theme", "colour", "number", "links"])
def test_a_problem_quotes_at_most_60_characters_of_a_cell(column):
    long = "https://example.org/" + "x" * 4000 if column == "links" else "y" * 4000
    problems = refusal(as_csv(with_cell(2, column, long)), "deck.csv")
    assert problems
    for problem in problems:
        assert len(problem) < 200, problem
    assert any("…" in problem for problem in problems)


def test_a_json_export_with_a_huge_unknown_field_is_refused_in_a_few_words():
    from cards import studio

    data = {"format": "x", "x" * 100_000: 1}
    with translation.override("nl"), pytest.raises(SheetProblems) as refused:
        studio.deck_from_json(by=None, content=json.dumps(data).encode())
    [problem] = refused.value.problems
    assert len(problem) < 300 and "…" in problem


# --- through the studio's page --------------------------------------------------------------


def upload(content: bytes, filename: str):
    client = Client()
    client.force_login(facilitator("fenna"))
    data = {
        "source": "sheet",
        "sheet-file": SimpleUploadedFile(filename, content),
        "sheet-name": "Kapot",
        "sheet-language": "nl",
    }
    return client.post(reverse("cards:studio_new"), data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "filename", "expected"),
    [
        pytest.param(
            lambda: hostile.huge_cell(19_000_000),
            "deck.xlsx",
            "Het werkboek pakt uit tot 18.1 MB",
            id="19-mb-cell",
        ),
        pytest.param(
            lambda: hostile.wide_dimension(rows=1000),
            "deck.xlsx",
            "Het bestand heeft 0 thema&#x27;s",
            id="claimed-dimension",
        ),
        pytest.param(
            lambda: as_csv(with_cell(2, "number", "7" * 4900)),
            "deck.csv",
            "rij 2, kolom number: “77777",
            id="long-cell-quoted",
        ),
    ],
)
def test_a_facilitator_uploading_a_hostile_sheet_gets_a_small_refusal_and_nothing_saved(
    make, filename, expected
):
    content = make()
    before = Deck.objects.count()
    response = upload(content, filename)
    assert response.status_code == 400
    page = response.content.decode()
    assert expected in page
    assert len(response.content) < PAGE_BOUND
    assert "7" * 100 not in page
    assert Deck.objects.count() == before


def test_the_upload_form_refuses_a_file_over_1_mb_by_its_size():
    from cards.studio_forms import UploadForm

    upload = SimpleUploadedFile("deck.csv", b"x" * (reading.MAX_BYTES + 1))
    with translation.override("nl"):
        form = UploadForm(data={}, files={"file": upload})
        assert not form.is_valid()
        assert form.errors["file"] == [
            "Het bestand is groter dan 1 MB (1.0 MB). Een kaartspel is veel kleiner."
        ]
