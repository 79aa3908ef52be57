"""ehdmm.export.tables: CSV and XLSX that a spreadsheet opens without running formulas (OWASP CSV
injection advice: text starting with =, +, -, @, tab or carriage return gets a leading
apostrophe) while numbers stay numbers; proved with evidence stored in the database and exported
through the report tables, the chart CSV/XLSX downloads and the national pack."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehdmm.analysis import profile
from ehdmm.database import record_submission
from ehdmm.export import tables
from ehdmm.model import load_model
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import reports

MODEL = load_model()
DANGEROUS = [
    '=HYPERLINK("http://x","y")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    '=cmd|" /C calc"!A0',
    "=1+1\n=2+2",
]
CARRIAGE_RETURN = "\r=1+1"


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("text", [*DANGEROUS, CARRIAGE_RETURN])
def test_safe_text_neutralises_formula_starts(text):
    assert tables.safe_text(text) == "'" + text


@pytest.mark.parametrize("value", ["Protocols signed", "", "3 Maturing", "'quoted", "a=b"])
def test_ordinary_text_is_unchanged(value):
    assert tables.safe_text(value) == value


def test_numbers_stay_numbers_in_csv_and_xlsx():
    frame = pd.DataFrame(
        {
            "text": DANGEROUS,
            "int": range(-3, len(DANGEROUS) - 3),
            "float": [x / 4 - 1 for x in range(len(DANGEROUS))],
            "level": pd.array([1, None, 3, 4, 2, 1, None], dtype="Int64"),
        }
    )
    rows = read_csv(tables.csv_bytes(frame))
    assert rows[0] == ["text", "int", "float", "level"]
    assert [r[0] for r in rows[1:]] == ["'" + t for t in DANGEROUS]
    assert [r[1] for r in rows[1:]] == [str(v) for v in range(-3, len(DANGEROUS) - 3)]
    assert rows[1][2] == "-1.0" and rows[2][3] == ""
    book = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes({"data": frame})))
    sheet = book["data"]
    for number, text in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=number, column=1)
        assert cell.value == "'" + text and cell.data_type == "s"
        assert sheet.cell(row=number, column=2).data_type == "n"
    assert sheet.cell(row=2, column=2).value == -3
    assert sheet.cell(row=3, column=4).value is None  # a missing level is an empty cell


def excel_records(data: bytes) -> list[str]:
    """The rows a spreadsheet sees: split at CR or LF outside double quotes."""
    records, current, quoted = [], "", False
    for char in data.decode("utf-8-sig"):
        if char == '"':
            quoted = not quoted
        if char in "\r\n" and not quoted:
            records.append(current)
            current = ""
        else:
            current += char
    return [r for r in [*records, current] if r]


def test_the_record_splitter_respects_quotes():
    assert excel_records(b'a,b\r\n"x\r=1",2\r\n') == ["a,b", '"x\r=1",2']
    assert excel_records(b"a\r=1,2\n") == ["a", "=1,2"]


def test_a_carriage_return_does_not_split_a_csv_row():
    frame = pd.DataFrame({"text": [CARRIAGE_RETURN, "a\r=2+2"], "n": [1, 2]})
    data = tables.csv_bytes(frame)
    # as Excel splits rows (CR, LF or CRLF outside quotes): no record may begin with a formula
    assert not any(r.startswith(tables.FORMULA_STARTS) for r in excel_records(data))
    assert read_csv(data) == [["text", "n"], ["'" + CARRIAGE_RETURN, "1"], ["a\r=2+2", "2"]]


def test_dangerous_headings_and_sheet_names():
    frame = pd.DataFrame({"=evil": [1], "ok": ["=2"]})
    rows = read_csv(tables.csv_bytes(frame))
    assert rows == [["'=evil", "ok"], ["1", "'=2"]]
    book = openpyxl.load_workbook(
        io.BytesIO(tables.xlsx_bytes({"a/b:c": frame}, notes={"a/b:c": "=notes"}))
    )
    assert book.sheetnames == ["README", "a-b-c"]
    assert book["README"]["B2"].value == "'=notes"


def test_evidence_from_the_database_is_safe_in_every_export(empty_db):
    """Evidence stored as submitted, exported through the report's tables (and so the chart
    and table downloads, which use the same csv/xlsx functions) and the national pack."""
    from ehdmm.storage import reference as ref
    from ehdmm.storage import write_with_retry

    write_with_retry(empty_db, lambda conn: ref.add_round(conn, "2026-03"))
    ratings = {
        d: (2, DANGEROUS[i % len(DANGEROUS)], "low") for i, d in enumerate(MODEL.dimension_ids)
    }
    record_submission(
        empty_db,
        "E06000023",
        "2026-03",
        ratings,
        checklist={"privacy": (True, "@risk")},
        note="=note",
    )
    stored = profile.ratings(empty_db, LOCAL_VIEWER, "E06000023", "2026-03")
    assert sorted(stored["evidence"]) == sorted(r[1] for r in ratings.values())  # as typed
    data = reports.report_data(empty_db, LOCAL_VIEWER, "E06000023", "2026-03", "region", "gated")
    rows = read_csv(tables.csv_bytes(data.evidence))
    column = rows[0].index("Evidence")
    evidence = [r[column] for r in rows[1:]]
    assert all(e.startswith("'") for e in evidence)
    assert evidence[0] == "'" + DANGEROUS[0]
    for chart in data.charts:  # the data behind every chart, as its CSV/XLSX download
        for row in read_csv(tables.csv_bytes(chart.table)):
            assert not any(c.startswith(tables.FORMULA_STARTS) for c in row), row
        tables.xlsx_bytes({"data": chart.table})
    book = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes({"evidence": data.evidence})))
    cells = [c.value for c in list(book["evidence"].columns)[column][1:]]
    assert cells == evidence
    checklist = read_csv(tables.csv_bytes(data.checklist))
    assert "'@risk" in [r[2] for r in checklist]
    # the national pack holds no formula either
    workbook = openpyxl.load_workbook(io.BytesIO(reports.national_pack(empty_db, LOCAL_VIEWER)))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


# -- numbers, formats, layout and properties of XLSX files ------------------------------------


def test_chart_data_xlsx_stores_our_figures_as_numbers_and_user_text_as_text(demo_db):
    data = reports.report_data(demo_db, LOCAL_VIEWER, "E06000023", "2026-03", "region", "gated")
    frame = data.chart("radar").table  # medians written for people: '3', '2.5'
    assert frame["Same region median"].map(type).eq(str).all()
    sheet = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes({"data": frame})))["data"]
    header = [c.value for c in sheet[1]]
    for name in ("Same region median", "England median", "Same region n", "England n"):
        column = header.index(name) + 1
        cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
        assert all(c.data_type == "n" for c in cells), name  # no number stored as text
        assert all(c.number_format == ("0.0" if "median" in name else "0") for c in cells)
    quartiles = pd.DataFrame({"Statistic": ["Median", "Bristol"], "Maturity index": ["2.63", "–"]})
    sheet = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes({"q": quartiles})))["q"]
    assert sheet["B2"].value == 2.63 and sheet["B2"].number_format == "0.00"
    assert sheet["B3"].value == "–" and sheet["B3"].data_type == "s"
    # what users typed stays text, however it looks
    typed = pd.DataFrame({"Evidence": ["3", "007"], "Level": ["2", "3"]})
    sheet = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes({"t": typed})))["t"]
    assert (sheet["A2"].value, sheet["A3"].value) == ("3", "007")
    assert sheet["B2"].value == 2


def test_a_column_with_suppressed_figures_keeps_its_words_and_numbers():
    frame = pd.DataFrame({"Authorities": ["3", "suppressed", "12"], "Item": ["a", "b", "c"]})
    sheet = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes({"d": frame})))["d"]
    assert [sheet[f"A{r}"].value for r in (2, 3, 4)] == [3, "suppressed", 12]


def test_every_sheet_is_laid_out_for_screen_and_print():
    frame = pd.DataFrame({"Authority": ["x" * 120, "b"], "Maturity index": [2.625, None]})
    book = openpyxl.load_workbook(
        io.BytesIO(tables.xlsx_bytes({"d": frame}, notes={"d": "n " * 200}, round_id="2026-03"))
    )
    sheet = book["d"]
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet["A1"].font.name == "Arial" and sheet["A1"].font.b
    assert sheet["B2"].number_format == "0.00"
    assert (
        sheet.column_dimensions["A"].width <= tables.MAX_WIDTH and sheet["A2"].alignment.wrap_text
    )
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    readme = book["README"]
    assert readme["B2"].alignment.wrap_text and readme.column_dimensions["B"].width >= 80
    import ehdmm

    assert book.properties.version == ehdmm.__version__ and book.properties.creator == "ehdmm"
    assert "round 2026-03" in book.properties.keywords


# -- control characters are removed before the check, not after ---------------------------------

CONTROL_FIRST = [
    "\x01=1+1",
    "\x00\x1f+SUM(1,2)",
    "\x0b-2+3",
    "\x08@SUM(A1)",
    "\x1b=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("text", CONTROL_FIRST)
def test_a_control_character_before_a_formula_does_not_hide_it(text):
    cleaned = tables.spreadsheet_text(text)
    assert cleaned.startswith("'") and not any(ord(c) < 32 for c in cleaned[:2])
    book = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes({"t": pd.DataFrame({"a": [text]})})))
    cell = book["t"]["A2"]
    assert cell.data_type != "f" and not str(cell.value).startswith("=")
    [[_], [value]] = read_csv(tables.csv_bytes(pd.DataFrame({"a": [text]})))
    assert value.startswith("'")


TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=12
)


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(TEXT, min_size=1, max_size=6), heading=TEXT)
def test_property_no_written_cell_is_a_formula(cells: list[str], heading: str) -> None:
    """Whatever text goes into a table (cells, a heading, a README note), the XLSX read back
    with openpyxl holds no formula and no value starting with '=', and no CSV cell starts with
    a formula character."""
    frame = pd.DataFrame({f"h{heading}": cells})
    data = tables.xlsx_bytes({"t": frame}, notes={"t": cells[0]})
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                assert not str(cell.value or "").startswith("="), (cell.coordinate, cell.value)
    for row in read_csv(tables.csv_bytes(frame)):
        for value in row:
            assert not value.startswith(tables.FORMULA_STARTS), row
