"""Reading an XLSX workbook's rows in bounded time and memory.

A workbook is a zip of XML parts, and a few kilobytes of zip can unpack to gigabytes. Before
anything is parsed, every part's declared size and its actual size (counted while unpacking it,
never held whole) are checked against MAX_UNPACKED_BYTES. Sheets are then read in streaming mode,
one `<row>` element at a time: only cells that hold a value are kept (an empty cell is never
made), and reading stops with a message at a row beyond MAX_ROWS, a value beyond MAX_COLUMNS, or
more than MAX_CELLS cell elements. Hidden sheets are not read (a warning names them); hidden rows
and columns that hold data are named in a warning."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field

from ehdmm.importer.common import Reject, header_key, is_filled, size_text
from ehdmm.quoting import shown

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 25 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000
_HIDDEN = {"1", "true"}
_SAVE_AGAIN = "a return needs far less: save the workbook again, or save it as CSV"

Row = tuple[int, list[object]]


@dataclass
class Sheet:
    """The rows of the sheet read (each as Excel numbers it, with its cells up to the last one
    holding a value), its name, and warnings on what was hidden."""

    rows: list[Row]
    name: str
    warnings: list[str] = field(default_factory=list)


def _not_a_workbook(data: bytes) -> Reject:
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 compound file
        reason = (
            "it is an old .xls workbook, or one protected with a password; save it as .xlsx "
            "without a password, or as CSV"
        )
    elif data.startswith(b"PK\x03\x04"):
        reason = "its zip package is damaged or cut short; save or copy the workbook again"
    else:
        reason = "it is not a zip package"
    return Reject(None, None, f"this is not a valid XLSX workbook ({reason})")


def _unpacked_size(package: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int:
    """The member's actual uncompressed size, counted while unpacking it a chunk at a time (the
    size its headers declare is not trusted); stops as soon as it passes `limit`."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise Reject(
            None,
            None,
            f"the workbook's part {shown(info.filename)} is packed in a "
            "way XLSX files are not; save the workbook again",
        )
    raw = package.fp
    raw.seek(info.header_offset)
    header = raw.read(30)
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    left, total = info.compress_size, 0
    inflate = zlib.decompressobj(-15)
    try:
        while left > 0 or inflate.unconsumed_tail:
            chunk = inflate.unconsumed_tail or raw.read(min(left, 1 << 20))
            if not inflate.unconsumed_tail:
                left -= len(chunk)
            total += len(inflate.decompress(chunk, 1 << 22))
            if total > limit:
                break
            if not chunk:
                break
    except zlib.error as exc:
        raise Reject(
            None, None, f"the workbook's part {shown(info.filename)} is damaged ({exc})"
        ) from exc
    return total


def check_package(data: bytes) -> None:
    """Refuse a workbook whose parts unpack (as declared, or in fact) to more than the limits,
    before any part is parsed."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _not_a_workbook(data)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _not_a_workbook(data) from exc
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNPACKED_BYTES:
        raise Reject(
            None,
            None,
            f"the workbook unpacks to {size_text(declared)}, over the limit of "
            f"{size_text(MAX_UNPACKED_BYTES)}; {_SAVE_AGAIN}",
        )
    total = 0
    for info in infos:
        actual = _unpacked_size(package, info, MAX_UNPACKED_BYTES - total)
        if actual > info.file_size:
            raise Reject(
                None,
                None,
                f"the workbook's part {shown(info.filename)} holds more than it declares "
                f"({size_text(info.file_size)}): it is damaged, or made to overload the reader",
            )
        total += actual
        if info.filename.endswith("sharedStrings.xml") and actual > MAX_SHARED_STRINGS_BYTES:
            raise Reject(
                None,
                None,
                f"the workbook's text table unpacks to {size_text(actual)}, over the limit of "
                f"{size_text(MAX_SHARED_STRINGS_BYTES)}; {_SAVE_AGAIN}",
            )


def _open(data: bytes):
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged packages
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError):
            names = []
        if names and not any(n.startswith("xl/") for n in names):
            listed = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise Reject(
                None,
                None,
                "this is not a valid XLSX workbook (it is a zip archive of other files: "
                f"{listed}); give the .xlsx file itself",
            ) from exc
        raise Reject(None, None, f"this is not a valid XLSX workbook ({exc})") from exc


def _column_letters(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _stream(book, worksheet, name: str) -> tuple[list[Row], dict, dict]:
    """The sheet's rows that hold a value (only cells with a value kept), and its row and column
    attributes (for what is hidden). openpyxl's own parser of sheet XML, as its read-only sheets
    use it, read one row element at a time."""
    from openpyxl.worksheet._reader import WorkSheetParser

    rows: list[Row] = []
    cells = 0
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=False,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, found in parser.parse():
            if number > MAX_ROWS:
                raise Reject(
                    None,
                    None,
                    f"the sheet {shown(name)} has more than {MAX_ROWS:,} rows (filled or "
                    f"not); {_SAVE_AGAIN}",
                )
            cells += len(found)
            if cells > MAX_CELLS:
                raise Reject(
                    None,
                    None,
                    f"the sheet {shown(name)} has more than {MAX_CELLS:,} cells (filled or "
                    f"not); {_SAVE_AGAIN}",
                )
            values = {c["column"]: c["value"] for c in found if c["value"] is not None}
            if not values:
                continue
            last = max(values)
            if last > MAX_COLUMNS:
                raise Reject(
                    number,
                    None,
                    f"cell {_column_letters(last)}{number} holds a value beyond the last column "
                    f"read ({_column_letters(MAX_COLUMNS)}, column {MAX_COLUMNS}); a return has "
                    "far fewer columns",
                )
            rows.append((number, [values.get(c) for c in range(1, last + 1)]))
    return rows, parser.row_dimensions, parser.column_dimensions


def _spans(numbers: list[int]) -> str:
    """'3, 5 and 6' (runs of more than two as '7 to 9')."""
    parts: list[str] = []
    start = previous = None
    for n in [*sorted(numbers), None]:
        if start is not None and n == previous + 1:
            previous = n
            continue
        if start is not None:
            if previous - start >= 2:
                parts.append(f"{start} to {previous}")
            else:
                parts.extend(str(k) for k in range(start, previous + 1))
        start = previous = n
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _hidden_warnings(rows: list[Row], row_attrs: dict, column_attrs: dict) -> list[str]:
    filled = {n for n, _ in rows}
    hidden_rows = [int(n) for n, attrs in row_attrs.items() if attrs.get("hidden") in _HIDDEN]
    hidden_rows = [n for n in hidden_rows if n in filled]
    warnings = []
    if hidden_rows:
        many = len(hidden_rows) > 1
        warnings.append(
            f"row{'s' if many else ''} {_spans(hidden_rows)} {'are' if many else 'is'} hidden in "
            "the workbook; read and imported like the others (check that they belong)"
        )
    used = {c for _, values in rows for c, v in enumerate(values, start=1) if is_filled(v)}
    columns = []
    for attrs in column_attrs.values():
        if attrs.get("hidden") in _HIDDEN:
            low, high = int(attrs.get("min", 0)), int(attrs.get("max", 0))
            columns += [c for c in range(low, min(high, MAX_COLUMNS) + 1) if c in used]
    if columns:
        letters = [_column_letters(c) for c in sorted(set(columns))]
        many = len(letters) > 1
        listed = ", ".join(letters[:-1]) + " and " + letters[-1] if many else letters[0]
        warnings.append(
            f"column{'s' if many else ''} {listed} {'are' if many else 'is'} hidden in the "
            "workbook; read and imported like the others (check that they belong)"
        )
    return warnings


def _has_return_header(rows: list[Row]) -> bool:
    header = next((r for _, r in rows if any(is_filled(v) for v in r)), None)
    return bool(header) and "authority" in {header_key(v) for v in header if v is not None}


def _candidates(book, sheet: str | None) -> tuple[list[str], list[str]]:
    """The sheets to try, in order, and the hidden ones left out."""
    names = list(book.sheetnames)
    hidden = [n for n in names if getattr(book[n], "sheet_state", "visible") != "visible"]
    if sheet is None:
        return [n for n in names if n not in hidden], hidden
    if sheet not in names:
        raise Reject(None, None, f"there is no sheet {shown(sheet)} (sheets: {', '.join(names)})")
    if sheet in hidden:
        raise Reject(
            None,
            None,
            f"the sheet {shown(sheet)} is hidden in the workbook; only visible sheets are read "
            "(unhide it in the workbook if it is the return)",
        )
    return [sheet], []


def read_xlsx(data: bytes, sheet: str | None) -> Sheet:
    """The rows of the sheet named, or of the first visible sheet whose header has an
    'authority' column."""
    check_package(data)
    book = _open(data)
    try:
        candidates, hidden = _candidates(book, sheet)
        notes = []
        if hidden:
            listed = ", ".join(shown(n) for n in hidden)
            notes.append(f"hidden sheets are not read: {listed}")
        for name in candidates:
            worksheet = book[name]
            if not hasattr(worksheet, "_get_source"):  # a chart sheet: no cells
                if sheet is not None:
                    raise Reject(None, None, f"the sheet {shown(name)} is a chart, not a table")
                continue
            try:
                rows, row_attrs, column_attrs = _stream(book, worksheet, name)
            except Reject:
                raise
            except Exception as exc:  # sheets are parsed as they are read: damage shows here
                raise Reject(
                    None,
                    None,
                    f"the sheet {shown(name)} of this XLSX workbook cannot be read ({exc})",
                ) from exc
            if sheet is not None or _has_return_header(rows):
                return Sheet(rows, name, notes + _hidden_warnings(rows, row_attrs, column_attrs))
        hidden_text = f"; hidden sheets, not read: {', '.join(shown(n) for n in hidden)}"
        raise Reject(
            None,
            None,
            "no sheet has a header row with an 'authority' column "
            f"(sheets: {', '.join(book.sheetnames)}){hidden_text if hidden else ''}",
        )
    finally:
        book.close()
