"""Tables as CSV and XLSX, safe to open in a spreadsheet.

Every text cell of every CSV and XLSX file ehdmm writes goes through `spreadsheet_text`: control
characters that XLSX cannot hold are removed first, then text that a spreadsheet would run as a
formula (a cell beginning with =, +, -, @, tab or carriage return) is neutralised by a leading
apostrophe, following OWASP's CSV injection advice. In that order: removing a control character
after the check could uncover a formula ('\x01=1+1'). Numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    sheets: Mapping[str, pd.DataFrame], *, notes: Mapping[str, str] | None = None
) -> bytes:
    """An XLSX workbook, one sheet per frame (names cut to Excel's 31 characters), formula-safe,
    with bold headers, frozen header rows and sensible column widths. `notes` (optional) become
    a first sheet "README" of (sheet, what it holds) rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    if notes:
        readme = book.create_sheet("README")
        readme.append(["sheet", "what it holds"])
        for name, text in notes.items():
            readme.append([safe_text(name), safe_text(text)])
        _style(readme, Font)
    for name, frame in sheets.items():
        sheet = book.create_sheet(_sheet_name(name))
        safe = safe_frame(frame)
        sheet.append([safe_text(str(c)) for c in safe.columns])
        for row in safe.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        _style(sheet, Font)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(name: str) -> str:
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31] or "Sheet"


def _cell(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return safe_text(value)  # (already safe from safe_frame: the same text again)


def _style(sheet, font_cls) -> None:
    for cell in sheet[1]:
        cell.font = font_cls(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
