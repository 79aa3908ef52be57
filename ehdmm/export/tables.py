"""Tables as CSV and XLSX, safe to open in a spreadsheet.

Every text cell of every CSV and XLSX file ehdmm writes goes through `spreadsheet_text`: control
characters that XLSX cannot hold are removed first, then text that a spreadsheet would run as a
formula (a cell beginning with =, +, -, @, tab or carriage return) is neutralised by a leading
apostrophe, following OWASP's CSV injection advice. In that order: removing a control character
after the check could uncover a formula ('\x01=1+1'). Numbers stay numbers.

In XLSX, numbers are stored as numbers with number formats (a maturity index `0.00`, a median
`0.0`): a column of our own figures written as text for people ('3', '2.63', 'suppressed') is
written as numbers, its words ('suppressed', 'incomplete') as text; columns of what users
typed (evidence, notes, file names, messages) are never touched. Every sheet has bold headers in
an explicit font, a frozen header row, an autofilter, column widths capped with wrapped text,
and print set-up (landscape, fit to the page width, the header row repeated on each page); the
workbook's properties say what made it (ehdmm and its version) and, when given, the round.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

import ehdmm

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FONT = "Arial"
FONT_SIZE = 10
MAX_WIDTH = 50  # characters; longer text wraps
NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
WORDS = {
    "suppressed",
    "incomplete",
    "no submission",
    "–",
    "-",
    "",
}  # text allowed in a number column
FREE_TEXT = {
    "Evidence",
    "Note",
    "File",
    "Message",
    "Actor",
    "Submitted by",
    "Content hash (SHA-256)",
}


def spreadsheet_text(text: str) -> str:
    """Text made safe for a spreadsheet cell: control characters removed, then a leading
    apostrophe when it would start a formula."""
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + cleaned if cleaned.startswith(FORMULA_STARTS) else cleaned


def safe_text(value: object) -> object:
    """`spreadsheet_text` of a text cell; anything else (numbers, dates, missing values) is
    returned as it is."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell (and text heading) neutralised."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.astype(object).map(safe_text)
    out.columns = [safe_text(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads it as UTF-8), formula-safe."""
    # CRLF rows, so that a bare carriage return inside a cell is quoted (not a new row)
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    *,
    notes: Mapping[str, str] | None = None,
    title: str = "",
    round_id: str | None = None,
) -> bytes:
    """An XLSX workbook, one sheet per frame (names cut to Excel's 31 characters), formula-safe,
    numbers as numbers with number formats (see the module), bold headers, frozen header rows,
    autofilters, capped column widths and print set-up. `notes` (optional) become a first sheet
    "README" of (sheet, what it holds) rows, wrapped. `title` and `round_id` go into the
    workbook's properties with ehdmm's version."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    _properties(book, title, round_id)
    if notes:
        readme = book.create_sheet("README")
        readme.append(["sheet", "what it holds"])
        for name, text in notes.items():
            readme.append([safe_text(name), safe_text(text)])
        _style(readme, {}, wrap_widths={"A": 24, "B": 100})
    for name, frame in sheets.items():
        sheet = book.create_sheet(_sheet_name(name))
        safe = safe_frame(frame)
        formats = number_formats(frame)
        sheet.append([safe_text(str(c)) for c in safe.columns])
        numeric = [c in formats for c in frame.columns]
        for row in safe.itertuples(index=False):
            sheet.append([_cell(v, n) for v, n in zip(row, numeric, strict=True)])
        _style(sheet, {i: formats[c] for i, c in enumerate(frame.columns) if c in formats})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _properties(book, title: str, round_id: str | None) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    props = book.properties
    props.creator = "ehdmm"
    props.lastModifiedBy = f"ehdmm {ehdmm.__version__}"
    props.version = ehdmm.__version__
    props.title = title or None
    props.subject = f"Round {round_id}" if round_id else None
    props.keywords = "early help; data maturity; self-assessment" + (
        f"; round {round_id}" if round_id else ""
    )
    props.description = (
        f"Made by ehdmm {ehdmm.__version__}"
        + (f" from the self-assessments of round {round_id}" if round_id else "")
        + ". Levels are self-assessed: they are not a league table."
    )
    props.language = "en-GB"
    props.created = now
    props.modified = now


def _sheet_name(name: str) -> str:
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31] or "Sheet"


def number_formats(frame: pd.DataFrame) -> dict[object, str]:
    """The number format of each column that holds numbers: numeric columns, and text columns
    of our own figures (every value a plain decimal number or one of `WORDS`, at least one
    number; never a column of what users typed, `FREE_TEXT`)."""
    out = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series.dtype):
            continue
        if pd.api.types.is_numeric_dtype(series.dtype):
            integral = pd.api.types.is_integer_dtype(series.dtype) or bool(
                (series.dropna().astype(float) % 1 == 0).all()
            )
            out[column] = _format(str(column), integral)
        elif str(column) not in FREE_TEXT and (
            series.dtype == object or pd.api.types.is_string_dtype(series.dtype)
        ):
            texts = [str(v).strip() for v in series if not _missing(v)]
            numbers = [t for t in texts if NUMBER.fullmatch(t)]
            if numbers and all(NUMBER.fullmatch(t) or t.lower() in WORDS for t in texts):
                out[column] = _format(str(column), all("." not in t for t in numbers))
    return out


def _format(header: str, integral: bool) -> str:
    name = header.lower()
    if "index" in name:
        return "0.00"
    if "median" in name or "share" in name or "%" in name:
        return "0.0"
    return "0" if integral else "General"


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _cell(value: object, numeric: bool = False) -> object:
    if _missing(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, str):
        if numeric and NUMBER.fullmatch(value.strip()):
            number = float(value)
            return int(number) if number.is_integer() and "." not in value else number
        return safe_text(value)  # (already safe from safe_frame: the same text again)
    return value


def _style(sheet, formats: Mapping[int, str], wrap_widths: Mapping[str, int] | None = None) -> None:
    """Header font, frozen header row, autofilter (data sheets), number formats, column widths
    capped with wrapping, print set-up."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(name=FONT, size=FONT_SIZE, bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if wrap_widths is None and sheet.max_row >= 1 and sheet.max_column >= 1:
        sheet.auto_filter.ref = sheet.dimensions
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, column in enumerate(sheet.iter_cols(), start=0):
        letter = get_column_letter(number + 1)
        fmt = formats.get(number)
        longest = 8
        for cell in column[1:]:
            if fmt:
                cell.number_format = fmt
            if cell.value is not None:
                longest = max(longest, len(str(cell.value)))
                if isinstance(cell.value, str) and len(cell.value) > MAX_WIDTH:
                    cell.alignment = wrap
        header = len(str(column[0].value or ""))
        width = (wrap_widths or {}).get(letter) or min(max(longest, min(header, 30)) + 2, MAX_WIDTH)
        sheet.column_dimensions[letter].width = width
        if wrap_widths:
            for cell in column[1:]:
                cell.alignment = wrap
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
