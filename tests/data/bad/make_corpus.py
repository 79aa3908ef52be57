"""Writes the corpus of malformed returns in this folder (run it to regenerate them):

    .venv/bin/python tests/data/bad/make_corpus.py

Every file here is a return that `python -m ehdmm import` must reject, writing nothing; what each
one is and the message it must give (with row and column) are in `expected.json`. The CSVs are
written as exact bytes; the XLSX files are made with openpyxl (with fixed document dates, so a
rerun gives the same cells). The file over the 20 MB size limit is made by the test itself.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROUND = "2026-03"
BRISTOL = "E06000023"
LEEDS = "E08000035"
DIMS = [
    "information_governance",
    "data_sharing",
    "data_systems",
    "training",
    "casework",
    "cba",
    "commissioning",
    "research",
]
LONG = "authority,round,dimension,level,evidence,confidence\r\n"
FIXED = datetime(2026, 3, 1, 12, 0, 0)


def long_rows(authority: str = BRISTOL, level: int = 2, round_id: str = ROUND) -> str:
    return "".join(f"{authority},{round_id},{d},{level},,medium\r\n" for d in DIMS)


def csv_files() -> dict[str, bytes]:
    good = (LONG + long_rows()).encode()
    one_mb = "x" * (1024 * 1024)
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    wide_header = "authority,round," + ",".join(DIMS)
    return {
        # encodings
        "utf16le_bom.csv": b"\xff\xfe" + (LONG + long_rows()).encode("utf-16-le"),
        "utf16be_bom.csv": b"\xfe\xff" + (LONG + long_rows()).encode("utf-16-be"),
        "utf16le_no_bom.csv": (LONG + long_rows()).encode("utf-16-le"),
        "latin1_0x81.csv": (LONG + long_rows(level=3)).encode()
        + f"{LEEDS},{ROUND},cba,2,Sch\x81ler data,low\r\n".encode("latin-1"),
        "bom_then_latin1.csv": b"\xef\xbb\xbf"
        + (LONG + long_rows()).encode()
        + f"{LEEDS},{ROUND},cba,2,Caf\xe9 meeting,low\r\n".encode("latin-1"),
        "mixed_utf8_cp1252.csv": (LONG + f"{BRISTOL},{ROUND},cba,2,Café – agreed,low\r\n").encode()
        + f"{BRISTOL},{ROUND},research,3,Caf\xe9 notes,low\r\n".encode("cp1252"),
        "png_renamed.csv": png,
        "nul_after_4_kb.csv": (LONG + long_rows() * 20).encode()
        + f"{LEEDS},{ROUND},cba,2,Sch\x00ler,low\r\n".encode(),
        "utf32le_bom.csv": b"\xff\xfe\x00\x00" + (LONG + long_rows()).encode("utf-32-le"),
        "utf32be_no_bom.csv": (LONG + long_rows()).encode("utf-32-be"),
        "bom_only.csv": b"\xef\xbb\xbf",
        "empty.csv": b"",
        "blank_lines.csv": b"\r\n ,,\r\n\r\n",
        # truncated and unreadable
        "truncated_mid_quote.csv": (
            LONG
            + "".join(long_rows().splitlines(keepends=True)[:7])
            + f'{BRISTOL},{ROUND},research,2,"Protocols signed with police, health an'
        ).encode(),
        "stray_quote.csv": (LONG + f'{BRISTOL},{ROUND},cba,2,"quoted" word,low\r\n').encode(),
        # huge cells
        "evidence_4001_chars.csv": (
            LONG + f"{BRISTOL},{ROUND},cba,2,{'e' * 4001},low\r\n"
        ).encode(),
        "one_mb_cell.csv": (LONG + f"{BRISTOL},{ROUND},cba,2,{one_mb},low\r\n").encode(),
        # layouts and headers
        "header_only.csv": LONG.encode(),
        "semicolon_garbage.csv": b"foo;bar;baz\r\n1;2;3\r\n;;;\r\n",
        "not_a_return.csv": b"name,score\r\nBristol,12\r\n",
        "mixed_layout.csv": (
            "authority,round,dimension,level,cba\r\n" + f"{BRISTOL},{ROUND},cba,2,3\r\n"
        ).encode(),
        "missing_level_column.csv": (
            "authority,round,dimension,evidence\r\n" + f"{BRISTOL},{ROUND},cba,notes\r\n"
        ).encode(),
        "missing_round_column.csv": (
            "authority,dimension,level\r\n" + f"{BRISTOL},cba,2\r\n"
        ).encode(),
        "duplicate_column.csv": (
            "authority,round,dimension,level,level\r\n" + f"{BRISTOL},{ROUND},cba,2,3\r\n"
        ).encode(),
        # levels
        "level_zero.csv": (LONG + long_rows().replace(",cba,2,", ",cba,0,")).encode(),
        "level_five.csv": (LONG + long_rows().replace(",research,2,", ",research,5,")).encode(),
        "level_matureish.csv": (
            LONG + long_rows().replace(",training,2,", ",training,Mature-ish,")
        ).encode(),
        "level_date_text.csv": (LONG + f"{BRISTOL},{ROUND},cba,2026-03-01,,\r\n").encode(),
        "level_formula_text.csv": (LONG + f"{BRISTOL},{ROUND},cba,=1+2,,\r\n").encode(),
        "level_decimal.csv": (LONG + f"{BRISTOL},{ROUND},cba,2.5,,\r\n").encode(),
        # authorities, dimensions, duplicates
        "unknown_authority.csv": (LONG + long_rows("Atlantis")).encode(),
        "ambiguous_authority.csv": (LONG + long_rows("avalon")).encode(),
        "authority_superscript_two.csv": (LONG + long_rows("²")).encode(),
        "authority_one_mb.csv": (LONG + f"{'x' * 1024 * 1024},{ROUND},cba,2,,\r\n").encode(),
        "unknown_dimension.csv": (
            LONG + long_rows().replace(",casework,", ",case work systems,")
        ).encode(),
        "duplicate_different_levels.csv": (
            LONG + long_rows() + f"Bristol,{ROUND},cba,4,,medium\r\n"
        ).encode(),
        "wide_duplicate_rows.csv": (
            f"{wide_header}\r\n{BRISTOL},{ROUND},1,2,3,4,1,2,3,4\r\n801,{ROUND},1,2,3,4,1,2,3,3\r\n"
        ).encode(),
        # rounds
        "round_disagrees.csv": (LONG + long_rows(round_id="2025-03")).encode(),
        "bad_round_format.csv": (LONG + long_rows(round_id="March 2026")).encode(),
        "round_does_not_exist.csv": (LONG + long_rows(round_id="2022-09")).encode(),
        "round_fullwidth_digits.csv": (LONG + long_rows(round_id="２０２６-03")).encode(),
        "round_arabic_indic_digits.csv": (LONG + long_rows(round_id="٢٠٢٧-03")).encode(),
        "round_year_0000.csv": (LONG + long_rows(round_id="0000-01")).encode(),
        "round_year_2099.csv": (LONG + long_rows(round_id="2099-12")).encode(),
        "round_empty.csv": (LONG + long_rows(round_id="")).encode(),
        # other columns
        "confidence_maybe.csv": (
            LONG + long_rows().replace(",data_sharing,2,,medium", ",data_sharing,2,,maybe")
        ).encode(),
        "checklist_perhaps.csv": (
            f"{wide_header},checklist_privacy\r\n{BRISTOL},{ROUND},1,2,3,4,1,2,3,4,perhaps\r\n"
        ).encode(),
        "note_over_limit.csv": (
            f"{wide_header},note\r\n{BRISTOL},{ROUND},1,2,3,4,1,2,3,4,{'n' * 2001}\r\n"
        ).encode(),
        # not CSV at all, or not a type we read
        "old_workbook.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + good[:200],
        "return.ods": b"PK\x03\x04" + b"\x00" * 60,
        "return.json": b'{"authority": "E06000023", "round": "2026-03"}',
    }


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.properties.created = FIXED
    book.properties.modified = FIXED
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_long(*rows: list[object]) -> bytes:
    header = ["authority", "round", "dimension", "level", "evidence", "confidence"]
    return workbook({"Return": [header, *rows]})


def rows_of(authority: object = BRISTOL, level: object = 2) -> list[list[object]]:
    return [[authority, ROUND, d, level, None, "medium"] for d in DIMS]


def _member(name: str) -> zipfile.ZipInfo:
    """A zip member with a fixed date (so a rerun writes the same bytes)."""
    info = zipfile.ZipInfo(name, date_time=(2026, 3, 1, 12, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def hidden_sheet_only() -> bytes:
    """The return on a hidden sheet; the visible sheet holds notes only."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Prepared by the data team"])
    hidden = book.create_sheet("Return")
    hidden.append(["authority", "round", "dimension", "level", "evidence", "confidence"])
    for row in rows_of():
        hidden.append(row)
    hidden.sheet_state = "hidden"
    book.properties.created = FIXED
    book.properties.modified = FIXED
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_files() -> dict[str, bytes]:
    good = xlsx_long(*rows_of())
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(_member("return.csv"), (LONG + long_rows()).encode())
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            _member("[Content_Types].xml"),
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr(_member("word/document.xml"), "<w:document/>")
    dated = rows_of()
    dated[5][3] = datetime(2026, 3, 1)
    formula = rows_of()
    formula[2][3] = "=1+2"
    as_bool = rows_of()
    as_bool[0][3] = True
    decimal = rows_of()
    decimal[7][3] = 2.5
    four = rows_of(level=4)
    four[6][3] = 0
    wide_header = ["authority", "round", *DIMS]
    return {
        "zip_renamed.xlsx": zipped.getvalue(),
        "docx_renamed.xlsx": docx.getvalue(),
        "truncated_half.xlsx": good[: len(good) // 2],
        "csv_renamed.xlsx": (LONG + long_rows()).encode(),
        "xls_renamed.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "empty_sheets.xlsx": workbook({"Sheet1": [], "Sheet2": []}),
        "header_only.xlsx": xlsx_long(),
        "level_date_cell.xlsx": xlsx_long(*dated),
        "level_formula.xlsx": xlsx_long(*formula),
        "level_true.xlsx": xlsx_long(*as_bool),
        "level_decimal.xlsx": xlsx_long(*decimal),
        "wide_level_zero.xlsx": workbook(
            {"Return": [wide_header, [BRISTOL, ROUND, *[4, 4, 4, 4, 4, 4, 0, 4]]]}
        ),
        "mixed_layout.xlsx": workbook(
            {"Return": [[*wide_header, "dimension", "level"], [BRISTOL, ROUND, 1, 2, 3]]}
        ),
        "unknown_authority_number.xlsx": xlsx_long(*rows_of(authority=999)),
        "round_as_date_unknown.xlsx": workbook(
            {
                "Return": [
                    ["authority", "round", "dimension", "level"],
                    [BRISTOL, date(2022, 9, 1), "cba", 2],
                ]
            }
        ),
        "evidence_5000_chars.xlsx": xlsx_long([BRISTOL, ROUND, "cba", 2, "e" * 5000, "high"]),
        "checklist_perhaps.xlsx": workbook(
            {
                "Return": [
                    [*wide_header, "checklist_analyst"],
                    [BRISTOL, ROUND, 1, 2, 3, 4, 1, 2, 3, 4, "perhaps"],
                ]
            }
        ),
        "hidden_sheet_only.xlsx": hidden_sheet_only(),
        "duplicate_different_levels.xlsx": xlsx_long(*rows_of(), [801, ROUND, "cba", 3]),
    }


def main() -> None:
    files = {**csv_files(), **xlsx_files()}
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files)} files to {HERE}")


if __name__ == "__main__":
    main()
