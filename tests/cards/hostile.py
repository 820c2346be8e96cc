"""Workbooks as a hostile facilitator builds them by hand: the few parts Excel needs,
with whatever the sheet's XML and the parts' sizes claim. openpyxl itself would never
write them (it cuts a cell at 32,767 characters and writes a true ``dimension``)."""

from __future__ import annotations

import io
import struct
import zipfile
from xml.sax.saxutils import escape

from cards.sheets import COLUMNS

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = b"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Deck" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def letter(column: int) -> str:
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def header_row() -> str:
    cells = "".join(cell(f"{letter(n)}1", name) for n, name in enumerate(COLUMNS, start=1))
    return f'<row r="1">{cells}</row>'


def workbook(
    rows: str,
    *,
    dimension: str = "A1:H2",
    shared: list[str] = (),
    parts: dict[str, bytes] | None = None,
) -> bytes:
    """An XLSX of one sheet: ``rows`` the XML inside its ``sheetData``; ``shared`` the
    shared strings a cell with ``t="s"`` points at by number; ``parts`` more files."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )
    strings = "".join(f"<si><t>{escape(text)}</t></si>" for text in shared)
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{strings}</sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", sst)
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def huge_cell(size: int = 19_000_000, column: str = "number") -> bytes:
    """Issue 27's first file: about 20 KB on disk, one cell of ``size`` characters."""
    values = ["Water", "#1f6f8b", "1", "Titel", "Doe iets.", "Een voorbeeld.", "", ""]
    at = COLUMNS.index(column)
    cells = "".join(
        f'<c r="{letter(n)}2" t="s"><v>0</v></c>' if n - 1 == at else cell(f"{letter(n)}2", value)
        for n, value in enumerate(values, start=1)
    )
    return workbook(header_row() + f'<row r="2">{cells}</row>', shared=["x" * size])


def wide_dimension(rows: int = 1000) -> bytes:
    """Issue 27's second file: under 2 KB on disk, a header and empty rows, and a
    ``dimension`` that claims 18,278 columns (A to ZZZ) for each of them."""
    empty = "".join(f'<row r="{n}"/>' for n in range(2, rows + 1))
    return workbook(header_row() + empty, dimension=f"A1:ZZZ{rows}")


def understated(content: bytes, name: str, size: int = 1000) -> bytes:
    """The workbook with the unpacked size of its file ``name`` written as ``size``, in
    the zip file's directory and in the file's own header: a liar's zip bomb."""
    data = bytearray(content)
    for info in zipfile.ZipFile(io.BytesIO(content)).infolist():
        if info.filename == name:
            struct.pack_into("<I", data, info.header_offset + 22, size)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)
