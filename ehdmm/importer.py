"""Import of self-assessment returns (CSV and XLSX), validated before anything is written.

Two layouts, detected from the header:
- long: one row per authority x dimension: authority, round, dimension, level, and optionally
  evidence, confidence, submitted_by;
- wide: one row per authority and round: authority, round, one column per dimension id (level),
  optionally <dimension>_evidence, <dimension>_confidence, checklist_<item> (yes/no),
  checklist_<item>_note, submitted_by, note.

Each file is one all-or-nothing unit: every problem is reported with file, row (as Excel shows
it) and column, and a file with any error writes nothing.

For speed, a long-layout CSV file is first read column by column (by Arrow's CSV reader when its
quoting is plain) and each distinct value of a column checked once; a file that does not pass
that way, and every other file, is read row by row, which words each problem.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ehdmm.authorities import AuthorityIndex, AuthorityLookupError
from ehdmm.model import Model, load_model

MAX_IMPORT_BYTES = 20 * 1024 * 1024
EVIDENCE_MAX_CHARS = 4000
NOTE_MAX_CHARS = 2000
ROUND_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CONFIDENCES = ("low", "medium", "high")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def _size_text(size: int) -> str:
    """A byte count in words: '20.0 MB (20,971,520 bytes)', '1,048 bytes'."""
    if size >= 1024 * 1024:
        return f"{size / 1048576:.1f} MB ({size:,} bytes)"
    return f"{size:,} bytes"


def max_import_bytes() -> int:
    """The upload size limit in bytes (EHDMM_MAX_IMPORT_MB overrides the 20 MB default)."""
    raw = os.environ.get("EHDMM_MAX_IMPORT_MB", "").strip()
    try:
        value = float(raw)
    except ValueError:
        return MAX_IMPORT_BYTES
    return int(value * 1024 * 1024) if value > 0 else MAX_IMPORT_BYTES


@dataclass(frozen=True)
class Problem:
    """One problem in a file: an error (the file is rejected) or a warning (it is not)."""

    file: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        label = "error" if self.severity == "error" else "warning"
        return f"{', '.join(where)}: {label}: {self.message}"


@dataclass
class Rating:
    level: int
    evidence: str | None = None
    confidence: str | None = None
    row: int | None = None


@dataclass
class ParsedSubmission:
    authority_code: str
    round_id: str
    ratings: dict[str, Rating] = field(default_factory=dict)
    checklist: dict[str, tuple[bool, str | None]] = field(default_factory=dict)
    submitted_by: str | None = None
    note: str | None = None
    first_row: int = 0


@dataclass
class ImportPlan:
    """What a file would import, or why it cannot.

    `submissions` are built on first use when the file was read column by column (see
    `_read_long_columns`): the import itself writes from the columns."""

    file_name: str
    content_hash: str
    layout: str | None = None
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)
    rounds_to_create: set[str] = field(default_factory=set)
    _parsed: list[ParsedSubmission] | None = field(default=None, repr=False, compare=False)
    _columns: _LongColumns | None = field(default=None, repr=False, compare=False)

    @property
    def submissions(self) -> list[ParsedSubmission]:
        if self._parsed is None:
            self._parsed = [] if self._columns is None else self._columns.submissions()
        return self._parsed

    @submissions.setter
    def submissions(self, value: list[ParsedSubmission]) -> None:
        self._parsed, self._columns = list(value), None

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(authority_code, round_id) of each submission, in file order."""
        if self._parsed is None and self._columns is not None:
            return list(zip(self._columns.codes, self._columns.rounds, strict=True))
        return [(s.authority_code, s.round_id) for s in self.submissions]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rating_count(self) -> int:
        if self._parsed is None and self._columns is not None:
            return len(self._columns.sub)
        return sum(len(s.ratings) for s in self.submissions)

    @property
    def authorities(self) -> list[str]:
        return sorted({code for code, _ in self.pairs})

    @property
    def rounds(self) -> list[str]:
        return sorted({rnd for _, rnd in self.pairs})


@dataclass
class _LongColumns:
    """A long-layout file read column by column: per submission (in order of first row) its
    authority, round, first row and submitted_by; per rating (in file order) its submission's
    place, dimension, level, evidence, confidence and row."""

    codes: list[str]
    rounds: list[str]
    first_rows: list[int]
    submitted_by: list[str | None]
    sub: np.ndarray
    dimension: _Coded
    level: np.ndarray
    evidence: _Coded
    confidence: _Coded
    row: np.ndarray

    def submissions(self) -> list[ParsedSubmission]:
        subs = [
            ParsedSubmission(code, rnd, submitted_by=by, first_row=first)
            for code, rnd, by, first in zip(
                self.codes, self.rounds, self.submitted_by, self.first_rows, strict=True
            )
        ]
        for k, dim, level, evidence, confidence, row in zip(
            self.sub.tolist(),
            self.dimension.values().tolist(),
            self.level.tolist(),
            self.evidence.values().tolist(),
            self.confidence.values().tolist(),
            self.row.tolist(),
            strict=True,
        ):
            subs[k].ratings[dim] = Rating(level, evidence, confidence, row)
        return subs


@dataclass
class _Coded:
    """A text column as each row's place in a list of values (None: empty)."""

    codes: np.ndarray
    choices: list[str | None]

    def values(self) -> np.ndarray:
        """Each row's value (an array of objects)."""
        return np.array(self.choices, dtype=object)[self.codes]

    def arrow(self, order: np.ndarray) -> pa.DictionaryArray:
        """The rows in `order`, dictionary-encoded (no text copied per row)."""
        codes = self.codes[order]
        empty = np.array([v is None for v in self.choices], dtype=bool)
        return pa.DictionaryArray.from_arrays(
            pa.array(codes.astype(np.int32), mask=empty[codes]),
            pa.array([v or "" for v in self.choices], type=pa.string()),
        )


_UNSEEN = object()  # a memo's "not looked up yet"


class _Reject(Exception):
    """Stops reading a file at a problem that makes the rest unreadable."""

    def __init__(self, row: int | None, column: str | None, message: str) -> None:
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


# ---------------------------------------------------------------------------------------------
# Reading cells


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_SAVE_AS_UTF8 = "save it again as CSV UTF-8"


def _line_of(data: bytes, offset: int) -> int:
    """The line (as numbered from 1) holding the byte at `offset`."""
    return data[:offset].count(b"\n") + 1


def _is_utf16(data: bytes) -> bool:
    """A UTF-16 file (Excel's 'Unicode Text'): a byte-order mark, or a NUL byte in every other
    position of mostly-ASCII text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    for zeros, other in ((even, odd), (odd, even)):
        if len(zeros) >= 2 and zeros.count(0) >= 0.9 * len(zeros) and other.count(0) == 0:
            return True
    return False


def _decode(data: bytes) -> tuple[str, str | None]:
    if _is_utf16(data):
        raise _Reject(
            None,
            None,
            "the file is UTF-16 text (as Excel's 'Unicode Text' saves it), not a CSV of UTF-8 "
            f"or Windows-1252 text; {_SAVE_AS_UTF8}",
        )
    if b"\x00" in data[:4096]:
        raise _Reject(None, None, "this is not a text CSV file (it holds binary data)")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), None
        except UnicodeDecodeError as exc:
            raise _Reject(
                _line_of(data, exc.start + 3),
                None,
                "the file starts with a UTF-8 marker but is not valid UTF-8 text; " + _SAVE_AS_UTF8,
            ) from exc
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad = exc.start
    good = _UTF8_MULTIBYTE.search(data)
    if good is not None:
        # UTF-8 text with a few lines pasted in another encoding: reading it as either would
        # garble one part, so the file is refused rather than stored as mojibake.
        raise _Reject(
            _line_of(data, bad),
            None,
            "the file mixes text encodings (UTF-8 on row "
            f"{_line_of(data, good.start())}, another encoding on this row); " + _SAVE_AS_UTF8,
        )
    try:
        return data.decode("cp1252"), "the file is not UTF-8; it was read as Windows-1252 text"
    except UnicodeDecodeError as exc:
        raise _Reject(
            _line_of(data, exc.start),
            None,
            f"the byte 0x{data[exc.start]:02X} is neither UTF-8 nor Windows-1252 text (the file's "
            f"encoding is not one ehdmm reads); {_SAVE_AS_UTF8}",
        ) from exc


def _csv_problem_column(record: str, delimiter: str) -> int | None:
    """The 0-based index of the cell where a CSV record's quoting goes wrong: an unclosed quote,
    or a closing quote followed by more text. None when not found."""
    index, quoted, after_quote, start = 0, False, False, True
    i = 0
    while i < len(record):
        char = record[i]
        if quoted:
            if char == '"':
                if record[i + 1 : i + 2] == '"':
                    i += 1
                else:
                    quoted, after_quote = False, True
        elif char == delimiter:
            index, after_quote, start = index + 1, False, True
            i += 1
            continue
        elif char in "\r\n":
            return None
        elif after_quote:
            return index
        elif char == '"' and start:
            quoted = True
        start = False
        i += 1
    return index if quoted else None


def _read_csv(data: bytes) -> tuple[list[list[str]], list[str]]:
    """The records of a CSV file (the first is row 1) and notes on how it was read."""
    text, delimiter, notes = _csv_text(data)
    return _csv_records(text, delimiter), notes


def _csv_text(data: bytes) -> tuple[str, str, list[str]]:
    """A CSV file's text, its delimiter (from the first line) and notes on how it was read."""
    text, note = _decode(data)
    notes = [note] if note else []
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                delimiter = candidate
    return text, delimiter, notes


def _plain_quoting(delimiter: str) -> re.Pattern[str]:
    """A whole CSV text whose every quote mark is part of a quoted cell: one that starts where a
    cell starts and ends where a cell ends, with any quote inside it doubled."""
    d = re.escape(delimiter)
    # possessive: a text that does not match fails at once, without backtracking
    return re.compile(rf'(?:[^"]++|(?<![^{d}\r\n])"(?:[^"]++|"")*+"(?=[{d}\r\n]|\Z))*+')


def _csv_table(utf8: bytes, text: str, delimiter: str) -> pa.Table | None:
    """The CSV's records as a table of text columns (row 0 the first record), read by Arrow's
    CSV reader, or None when its reading might differ from the csv module's (`_csv_records`):
    a quote mark in the middle of a cell or text after a closing quote (which the csv module
    reads literally or refuses), or records of different widths (Arrow refuses them). A
    blank line is a row of empty cells here, an empty record there."""
    import pyarrow.csv as pa_csv

    if '"' in text and _plain_quoting(delimiter).fullmatch(text) is None:
        return None
    try:
        first = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), None)
    except csv.Error:
        return None
    if not first:
        return None
    names = [f"c{i}" for i in range(len(first))]
    try:
        return pa_csv.read_csv(
            io.BytesIO(utf8),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None


def _csv_records(text: str, delimiter: str) -> list[list[str]]:
    """The records of a CSV text, read by the csv module; a text it cannot read is refused
    with the row and, when known, the column where the reading failed."""
    records: list[list[str]] = []
    # a cell may be as long as the file: the limits on evidence and notes say what is too long,
    # with row and column, rather than the csv module's own limit
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records.extend(reader)
    except csv.Error as exc:
        # the record being read (as Excel numbers rows), not the physical line: a quoted
        # field may span lines
        again = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        for _ in range(len(records)):
            next(again)
        lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
        record = "".join(lines[again.line_num :])
        index = _csv_problem_column(record, delimiter)
        header = records[0] if records else []
        where = ""
        if index is not None:  # named in the words: the record's cells are not known for sure
            where = (
                f" in column '{str(header[index]).strip()}'"
                if index < len(header)
                else f" in cell {index + 1}"
            )
        reason = str(exc)
        if "unexpected end of data" in reason:
            reason = "a quoted cell is not closed before the end of the file (is it cut short?)"
        elif "expected after" in reason:
            reason = (
                "a quote mark is followed by more text in the same cell; put the whole cell in "
                'quotes and double any quote inside it ("")'
            )
        raise _Reject(len(records) + 1, None, f"the CSV cannot be read{where}: {reason}") from exc
    return records


def _read_xlsx(data: bytes, sheet: str | None) -> tuple[list[tuple[int, list[object]]], str]:
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 compound file
            reason = (
                "it is an old .xls workbook, or one protected with a password; save it as .xlsx "
                "without a password, or as CSV"
            )
        elif data.startswith(b"PK\x03\x04"):
            reason = "its zip package is damaged or cut short; save or copy the workbook again"
        else:
            reason = "it is not a zip package"
        raise _Reject(None, None, f"this is not a valid XLSX workbook ({reason})")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged packages
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError):
            names = []
        if names and not any(n.startswith("xl/") for n in names):
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise _Reject(
                None,
                None,
                "this is not a valid XLSX workbook (it is a zip archive of other files: "
                f"{shown}); give the .xlsx file itself",
            ) from exc
        raise _Reject(None, None, f"this is not a valid XLSX workbook ({exc})") from exc
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise _Reject(
                    None,
                    None,
                    f"there is no sheet '{sheet}' (sheets: {', '.join(book.sheetnames)})",
                )
            candidates = [sheet]
        else:
            candidates = list(book.sheetnames)
        for name in candidates:
            worksheet = book[name]
            if not hasattr(worksheet, "iter_rows"):  # a chart sheet: no cells
                if sheet is not None:
                    raise _Reject(None, None, f"the sheet '{name}' is a chart, not a table")
                continue
            # The <dimension> a workbook declares may be wrong (some tools write a stale one):
            # read every row and column there is rather than trust it.
            worksheet.reset_dimensions()
            rows = []
            try:
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                    rows.append((number, list(values)))
            except Exception as exc:  # read-only sheets are parsed lazily: damage shows here
                raise _Reject(
                    None, None, f"the sheet '{name}' of this XLSX workbook cannot be read ({exc})"
                ) from exc
            header = next((r for _, r in rows if any(_is_filled(v) for v in r)), None)
            if sheet is not None or (
                header and "authority" in {_header_key(v) for v in header if v is not None}
            ):
                return rows, name
        raise _Reject(
            None,
            None,
            "no sheet has a header row with an 'authority' column "
            f"(sheets: {', '.join(book.sheetnames)})",
        )
    finally:
        book.close()


def _is_filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _row_filled(row: list[object]) -> bool:
    """True when any cell of the row is filled (usually decided by the first cell)."""
    for value in row:
        if value.__class__ is str:
            if value and not value.isspace():
                return True
        elif value is not None:
            return True
    return False


def _header_key(value: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().casefold())


def _text(value: object) -> str | None:
    """A cell as plain text (never evaluated); None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------------------------------------
# Parsing


def layout_columns(layout: str, model: Model | None = None) -> list[str]:
    """Every column a layout reads, in template order."""
    model = model or load_model()
    if layout == "long":
        return [
            "authority",
            "round",
            "dimension",
            "level",
            "evidence",
            "confidence",
            "submitted_by",
        ]
    if layout != "wide":
        raise ValueError(f"unknown layout '{layout}' (use long or wide)")
    columns = ["authority", "round"]
    for dim in model.dimensions:
        columns += [dim.id, f"{dim.id}_evidence", f"{dim.id}_confidence"]
    for item in model.checklist:
        columns += [f"checklist_{item.id}", f"checklist_{item.id}_note"]
    return [*columns, "submitted_by", "note"]


def content_hash(data: bytes, sheet: str | None = None) -> str:
    """SHA-256 of a file's bytes; for a workbook, of its bytes and the sheet read (two sheets
    of one workbook are different content)."""
    digest = hashlib.sha256(data)
    if sheet is not None:
        digest.update(b"\x00sheet:" + sheet.encode("utf-8"))
    return digest.hexdigest()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file's many small objects are made.

    A 100,000-row file creates a few hundred thousand lists and strings and no cycles; the
    collector would otherwise run hundreds of times over all of them (more than doubling the
    time). Reference counting still frees everything; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_return(
    file_name: str,
    data: bytes,
    *,
    authorities: AuthorityIndex,
    known_rounds: Iterable[str],
    round_id: str | None = None,
    create_round: bool = False,
    sheet: str | None = None,
    model: Model | None = None,
) -> ImportPlan:
    """Read and validate one return. Nothing is written; see `ImportPlan.ok`."""
    with _gc_paused():
        return _parse_return(
            file_name,
            data,
            authorities=authorities,
            known_rounds=known_rounds,
            round_id=round_id,
            create_round=create_round,
            sheet=sheet,
            model=model,
        )


def _parse_return(
    file_name: str,
    data: bytes,
    *,
    authorities: AuthorityIndex,
    known_rounds: Iterable[str],
    round_id: str | None,
    create_round: bool,
    sheet: str | None,
    model: Model | None,
) -> ImportPlan:
    model = model or load_model()
    name = str(file_name)
    plan = ImportPlan(file_name=name, content_hash=content_hash(data))

    def add(row: int | None, column: str | None, message: str, severity: str = "error") -> None:
        plan.problems.append(Problem(name, row, column, message, severity))

    limit = max_import_bytes()
    if len(data) > limit:
        add(
            None,
            None,
            f"the file is {_size_text(len(data))}, over the limit of {_size_text(limit)}; "
            "split it into smaller files",
        )
        return plan
    if round_id is not None and not ROUND_PATTERN.match(round_id):
        add(None, None, f"the round '{round_id}' is not of the form YYYY-MM (e.g. 2021-03)")
        return plan
    suffix = Path(file_name).suffix.lower()
    try:
        if suffix == ".csv" or suffix == ".txt":
            text, delimiter, notes = _csv_text(data)
            for note in notes:
                add(None, None, note, "warning")
            records: list[list[str]] | None = None
            if _COLUMNS_FIRST:
                plain = not notes and not data.startswith(b"\xef\xbb\xbf")  # UTF-8 as it is
                table = _csv_table(data if plain else text.encode("utf-8"), text, delimiter)
                if table is None:
                    records = _csv_records(text, delimiter)
                columns = _RecordColumns(records) if table is None else _TableColumns(table)
                if _read_long_columns(
                    plan,
                    columns,
                    model=model,
                    authorities=authorities,
                    known_rounds=known_rounds,
                    round_id=round_id,
                    create_round=create_round,
                ):
                    return plan
            if records is None:
                records = _csv_records(text, delimiter)
            rows = list(enumerate(records, start=1))
        elif suffix in (".xlsx", ".xlsm"):
            rows, plan.sheet = _read_xlsx(data, sheet)
            plan.content_hash = content_hash(data, plan.sheet)
        elif suffix == ".xls":
            raise _Reject(None, None, "old .xls workbooks are not read; save it as .xlsx or CSV")
        else:
            raise _Reject(None, None, "unknown file type; give a .csv or .xlsx file")
    except _Reject as exc:
        add(exc.row, exc.column, exc.message)
        return plan

    rows = [(n, r) for n, r in rows if _row_filled(r)]
    if not rows:
        add(None, None, "the file is empty")
        return plan
    header_row, header_cells = rows[0]
    body = rows[1:]
    header: list[str | None] = [_header_key(v) if _is_filled(v) else None for v in header_cells]
    _parse_body(
        plan,
        model,
        authorities,
        set(known_rounds),
        header_row,
        header,
        body,
        round_id,
        create_round,
        add,
    )
    if plan.ok and not plan.submissions:
        add(header_row, None, "the file has a header but no data rows")
    if not plan.ok:
        plan.submissions = []
        plan.rounds_to_create = set()
    return plan


# Long-layout CSV files are first read column by column (`_read_long_columns`); a file that
# does not pass every check that way is read again row by row, which words each problem.
_COLUMNS_FIRST = True


def _factorize(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Each value's place among the distinct values (in order of first appearance), and those
    distinct values."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return codes, list(uniques)


class _RecordColumns:
    """The columns of CSV records read by the csv module (`_csv_records`)."""

    def __init__(self, records: list[list[str]]) -> None:
        self.header: list[str] = records[0] if records else []
        self._body = records[1:]
        self.rows = len(self._body)
        self._columns: list[tuple[str, ...]] | None = None

    def uniform(self) -> bool:
        """True when every record is as wide as the header (no blank, short or long ones)."""
        return set(map(len, self._body)) <= {len(self.header)}

    def column(self, index: int) -> tuple[np.ndarray, list[str]]:
        """A body column's values as (each value's place among the distinct values, the
        distinct values in order of first appearance)."""
        if self._columns is None:
            self._columns = list(zip(*self._body, strict=True))
        return _factorize(self._columns[index])


class _TableColumns:
    """The columns of a CSV read by Arrow (`_csv_table`): the same interface."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table
        self.header: list[str] = [table.column(i)[0].as_py() for i in range(table.num_columns)]
        self.rows = table.num_rows - 1

    def uniform(self) -> bool:
        return True  # Arrow refuses records of another width

    def column(self, index: int) -> tuple[np.ndarray, list[str]]:
        values = self._table.column(index).slice(1).combine_chunks().dictionary_encode()
        return values.indices.to_numpy(zero_copy_only=False), values.dictionary.to_pylist()


def _read_long_columns(
    plan: ImportPlan,
    source: _RecordColumns | _TableColumns,
    *,
    model: Model,
    authorities: AuthorityIndex,
    known_rounds: Iterable[str],
    round_id: str | None,
    create_round: bool,
) -> bool:
    """Read a long-layout CSV column by column, checking each distinct value of a column once:
    True (and `plan` filled) when the file passes as the row-by-row reading would pass it;
    False, with `plan` untouched, at anything else: a file of another layout, a blank or short
    row, any value that is an error or a warning, a repeated dimension. The row-by-row reading
    then reports every problem with its row and column.

    The rules are the row-by-row reading's (`_parse_body`) for text cells: cells are stripped;
    an authority as `authorities.resolve`; a round of the form YYYY-MM, known (or to be created
    with `create_round`), equal to `round_id` when given, which fills blank cells; a dimension
    by id or name; a level as `model.parse_level`; evidence up to EVIDENCE_MAX_CHARS characters;
    a confidence (any case) or blank; submitted_by up to 200 characters, the last filled one of
    a return's rows. A return lacking dimensions is imported with a warning, as row by row."""
    if source.rows < 1 or not _row_filled(source.header) or not source.uniform():
        return False
    trial = ImportPlan(plan.file_name, plan.content_hash)

    def add(row: int | None, column: str | None, message: str, severity: str = "error") -> None:
        trial.problems.append(Problem(plan.file_name, row, column, message, severity))

    header = [_header_key(v) if _is_filled(v) else None for v in source.header]
    seen = _read_header(trial, model, 1, header, round_id, add)
    if seen is None or trial.errors or trial.layout != "long":
        return False
    n = source.rows

    def column(key: str) -> tuple[np.ndarray, list[str]] | None:
        index = seen.get(key)
        return None if index is None else source.column(index)

    # authorities: a blank one is a blank row, a template row or an error
    a_codes, raw = column("authority")
    try:
        codes = [authorities.resolve(v) if v.strip() else None for v in raw]
    except AuthorityLookupError:
        return False
    if None in codes:
        return False
    # rounds: a blank cell (or no round column) takes round_id
    found = column("round")
    r_codes, raw = found if found is not None else (np.zeros(n, dtype=np.intp), [""])
    rounds = [v.strip() or round_id for v in raw]
    to_create = set()
    known = set(known_rounds)
    for value in rounds:
        if value is None or not ROUND_PATTERN.match(value):
            return False
        if round_id is not None and value != round_id:
            return False
        if value not in known:
            if not create_round:
                return False
            to_create.add(value)
    d_codes, raw = column("dimension")
    dims = [model.find_dimension(v.strip()) if v.strip() else None for v in raw]
    if None in dims:
        return False
    l_codes, raw = column("level")
    if not all(v.strip() for v in raw):  # an empty level: a warning row by row
        return False
    try:
        levels = [model.parse_level(v) for v in raw]
    except ValueError:
        return False

    def free_text(key: str, limit: int) -> tuple[np.ndarray, list[str | None]] | None:
        found = column(key)
        if found is None:
            return np.zeros(n, dtype=np.intp), [None]
        values = [v.strip() for v in found[1]]
        if any(len(v) > limit for v in values):
            return None
        return found[0], [v or None for v in values]

    evidence = free_text("evidence", EVIDENCE_MAX_CHARS)
    by = free_text("submitted_by", 200)
    if evidence is None or by is None:
        return False
    found = column("confidence")
    c_codes, raw = found if found is not None else (np.zeros(n, dtype=np.intp), [""])
    confidences = [v.strip().casefold() or None for v in raw]
    if any(c is not None and c not in CONFIDENCES for c in confidences):
        return False

    # one submission for each authority and round, in order of first appearance; each
    # dimension once in it (a repeat is a warning or an error row by row)
    code_of, code_list = _factorize(codes)
    round_of, round_list = _factorize(rounds)
    dim_of, dim_list = _factorize([d.id for d in dims])
    pair = code_of[a_codes] * len(round_list) + round_of[r_codes]
    sub, pairs = pd.factorize(pair)
    if len(pd.unique(sub * len(dim_list) + dim_of[d_codes])) != n:
        return False
    rows = np.arange(2, n + 2)
    first = np.full(len(pairs), n + 2)
    np.minimum.at(first, sub, rows)
    # submitted_by: the last filled one of each submission's rows
    by_codes, by_values = by
    submitted_by: list[str | None] = [None] * len(pairs)
    filled = np.flatnonzero(np.array([v is not None for v in by_values])[by_codes])
    if len(filled):
        last_first = filled[::-1]
        subs_seen, at = np.unique(sub[last_first], return_index=True)
        for k, i in zip(subs_seen.tolist(), last_first[at].tolist(), strict=True):
            submitted_by[k] = by_values[by_codes[i]]
    dimension = _Coded(d_codes, [d.id for d in dims])
    trial._columns = _LongColumns(
        codes=[code_list[p // len(round_list)] for p in pairs.tolist()],
        rounds=[round_list[p % len(round_list)] for p in pairs.tolist()],
        first_rows=first.tolist(),
        submitted_by=submitted_by,
        sub=sub,
        dimension=dimension,
        level=np.array(levels, dtype=np.int64)[l_codes],
        evidence=_Coded(*evidence),
        confidence=_Coded(c_codes, confidences),
        row=rows,
    )
    # a return lacking dimensions: a warning, as row by row
    lacking_any = np.bincount(sub, minlength=len(pairs)) < len(model.dimension_ids)
    present: dict[int, set[str]] = {}
    for i in np.flatnonzero(lacking_any[sub]).tolist():
        present.setdefault(int(sub[i]), set()).add(dimension.choices[d_codes[i]])
    for k in np.flatnonzero(lacking_any).tolist():
        lacking = [d for d in model.dimension_ids if d not in present[k]]
        code, rnd = trial._columns.codes[k], trial._columns.rounds[k]
        add(
            int(first[k]),
            None,
            f"the return of {code} for {rnd} is incomplete: no level for "
            f"{', '.join(lacking)} (its strands will have no level)",
            "warning",
        )
    plan.layout = trial.layout
    plan.problems.extend(trial.problems)
    plan.rounds_to_create = to_create
    plan._columns = trial._columns
    return True


def _read_header(
    plan: ImportPlan,
    model: Model,
    header_row: int,
    header: list[str | None],
    round_id: str | None,
    add,
) -> dict[str, int] | None:
    """The header's columns ({key: index}) and the file's layout (in `plan.layout`); None when
    the header is wrong (its errors added)."""
    dim_ids = set(model.dimension_ids)
    seen: dict[str, int] = {}
    for index, key in enumerate(header):
        if key is None:
            continue
        if key in seen:
            add(header_row, key, f"the column '{key}' appears twice")
        seen[key] = index
    if plan.errors:
        return None
    has_long = "dimension" in seen or "level" in seen
    wide_dims = [k for k in seen if k in dim_ids]
    if has_long and wide_dims:
        add(
            header_row,
            wide_dims[0],
            "the header mixes the long layout (dimension, level) and the wide "
            f"layout (dimension columns such as '{wide_dims[0]}'); use one layout per file",
        )
        return None
    if not has_long and not wide_dims:
        add(
            header_row,
            None,
            "the header is not a return: expected either 'authority, round, "
            "dimension, level' (long layout) or 'authority, round' and one column per dimension "
            f"id ({', '.join(model.dimension_ids)}) (wide layout)",
        )
        return None
    plan.layout = "long" if has_long else "wide"
    required = ["authority", "dimension", "level"] if has_long else ["authority"]
    if round_id is None:
        required.insert(1, "round")
    missing = [c for c in required if c not in seen]
    if missing:
        for column in missing:
            hint = " (or give the round with --round)" if column == "round" else ""
            add(header_row, column, f"missing required column '{column}'{hint}")
        return None

    known = set(layout_columns(plan.layout, model))
    for key in seen:
        if key not in known:
            add(header_row, key, f"unknown column '{key}' ignored", "warning")
    return seen


def _parse_body(
    plan, model, authorities, known_rounds, header_row, header, body, round_id, create_round, add
) -> None:
    dimension_ids = model.dimension_ids
    checklist_ids = [item.id for item in model.checklist]
    seen = _read_header(plan, model, header_row, header, round_id, add)
    if seen is None:
        return
    has_long = plan.layout == "long"

    def cell(row: list[object], key: str) -> object:
        index = seen.get(key)
        return row[index] if index is not None and index < len(row) else None

    subs: dict[tuple[str, str], ParsedSubmission] = {}

    # A file repeats the same few authorities, rounds, dimensions, levels and confidences on
    # many rows: each distinct cell value is checked once (answers that are errors are not
    # remembered, so every row with the error is reported).
    round_memo: dict[tuple[type, object], str] = {}
    authority_memo: dict[tuple[type, object], str] = {}
    level_memo: dict[tuple[type, object], int] = {}
    confidence_memo: dict[tuple[type, object], str | None] = {}
    dimension_memo: dict[tuple[type, object], object] = {}

    def read_round(number: int, raw: object) -> str | None:
        key = (raw.__class__, raw)
        known_value = round_memo.get(key)
        if known_value is not None:
            return known_value
        value = _read_round(number, raw)
        if value is not None:
            round_memo[key] = value
        return value

    def _read_round(number: int, raw: object) -> str | None:
        value: str | None
        if isinstance(raw, (datetime, date)):
            value = f"{raw.year:04d}-{raw.month:02d}"
        else:
            value = _text(raw)
        if value is None:
            if round_id is None:
                add(number, "round", "the round is empty (use YYYY-MM, e.g. 2021-03)")
                return None
            value = round_id  # the round given must exist too (or be created)
        if not ROUND_PATTERN.match(value):
            add(number, "round", f"'{value}' is not a round of the form YYYY-MM (e.g. 2021-03)")
            return None
        if round_id is not None and value != round_id:
            add(number, "round", f"the round '{value}' disagrees with the round given ({round_id})")
            return None
        if value not in known_rounds:
            if create_round:
                plan.rounds_to_create.add(value)
            else:
                add(
                    number,
                    "round",
                    f"the round '{value}' does not exist; create it with "
                    "--create-round (or choose an existing round)",
                )
                return None
        return value

    def read_authority(number: int, raw: object) -> str | None:
        key = (raw.__class__, raw)
        code = authority_memo.get(key)
        if code is not None:
            return code
        try:
            code = authority_memo[key] = authorities.resolve(raw)
        except AuthorityLookupError as exc:
            add(number, "authority", str(exc))
            return None
        return code

    def read_level(number: int, column: str, raw: object) -> int | None:
        key = (raw.__class__, raw)
        level = level_memo.get(key)
        if level is not None:
            return level
        level = _read_level(number, column, raw)
        if level is not None:
            level_memo[key] = level
        return level

    def _read_level(number: int, column: str, raw: object) -> int | None:
        if isinstance(raw, (datetime, date)):
            shown = raw.date() if isinstance(raw, datetime) and raw.time() == time() else raw
            add(number, column, f"'{shown}' looks like a date, not a level ({_level_help(model)})")
            return None
        try:
            return model.parse_level(raw)
        except ValueError:
            add(number, column, f"'{_text(raw)}' is not a level ({_level_help(model)})")
            return None

    def read_confidence(number: int, column: str, raw: object) -> str | None:
        key = (raw.__class__, raw)
        if key in confidence_memo:
            return confidence_memo[key]
        value = _text(raw)
        if value is None:
            confidence_memo[key] = None
            return None
        if value.casefold() not in CONFIDENCES:
            add(
                number,
                column,
                f"'{value}' is not a confidence (use low, medium or high, or leave it blank)",
            )
            return None
        confidence_memo[key] = value.casefold()
        return value.casefold()

    def read_free_text(number: int, column: str, raw: object, limit: int) -> str | None:
        if raw is None:
            return None
        value = _text(raw)
        if value is not None and len(value) > limit:
            add(
                number,
                column,
                f"the text is {len(value):,} characters, over the limit of {limit:,}",
            )
            return None
        return value

    sub_rows: dict[tuple[str, str], list[int]] = {}

    def submission(code: str, rnd: str, number: int) -> ParsedSubmission:
        key = (code, rnd)
        sub = subs.get(key)
        if sub is None:
            sub = subs[key] = ParsedSubmission(code, rnd, first_row=number)
            sub_rows[key] = [number]
        else:
            sub_rows[key].append(number)
        return sub

    i_authority, i_round = seen["authority"], seen.get("round")
    i_by = seen.get("submitted_by")
    if has_long:
        i_dimension, i_level = seen["dimension"], seen["level"]
        i_evidence, i_confidence = seen.get("evidence"), seen.get("confidence")
    for number, row in body:
        width = len(row)
        raw_authority = row[i_authority] if i_authority < width else None
        if (
            has_long
            and not (
                (bool(raw_authority) and not raw_authority.isspace())
                if raw_authority.__class__ is str
                else _is_filled(raw_authority)
            )
            and all(not _is_filled(value) for i, value in enumerate(row) if i != i_dimension)
        ):
            continue  # a template row left as it was: only the pre-filled dimension
        # (the memo lookups are written out here: this loop runs once per row)
        code = authority_memo.get((raw_authority.__class__, raw_authority)) or read_authority(
            number, raw_authority
        )
        raw_round = row[i_round] if i_round is not None and i_round < width else None
        rnd = round_memo.get((raw_round.__class__, raw_round)) or read_round(number, raw_round)
        raw_by = row[i_by] if i_by is not None and i_by < width else None
        submitted_by = (
            None if raw_by is None else read_free_text(number, "submitted_by", raw_by, 200)
        )
        if has_long:
            raw_dim = row[i_dimension] if i_dimension < width else None
            dim = dimension_memo.get((raw_dim.__class__, raw_dim), _UNSEEN)
            if dim is _UNSEEN:
                text = _text(raw_dim)
                dim = dimension_memo[(raw_dim.__class__, raw_dim)] = (
                    model.find_dimension(text) if text else None
                )
            if dim is None:
                add(
                    number,
                    "dimension",
                    f"'{_text(raw_dim) or ''}' is not a dimension of the model "
                    f"(use an id: {', '.join(dimension_ids)}, or the dimension's name)",
                )
            raw_level = row[i_level] if i_level < width else None
            level_filled = (
                bool(raw_level) and not raw_level.isspace()
                if raw_level.__class__ is str
                else _is_filled(raw_level)
            )
            level = (
                level_memo.get((raw_level.__class__, raw_level))
                or read_level(number, "level", raw_level)
                if level_filled
                else None
            )
            raw_evidence = (
                row[i_evidence] if i_evidence is not None and i_evidence < width else None
            )
            if raw_evidence.__class__ is str and len(raw_evidence) <= EVIDENCE_MAX_CHARS:
                evidence = raw_evidence.strip() or None  # the common case, as _text does it
            else:
                evidence = read_free_text(number, "evidence", raw_evidence, EVIDENCE_MAX_CHARS)
            raw_confidence = (
                row[i_confidence] if i_confidence is not None and i_confidence < width else None
            )
            confidence = confidence_memo.get((raw_confidence.__class__, raw_confidence), _UNSEEN)
            if confidence is _UNSEEN:
                confidence = read_confidence(number, "confidence", raw_confidence)
            if code is None or rnd is None or dim is None:
                continue
            key = (code, rnd)
            sub = subs.get(key)
            if sub is None:
                sub = subs[key] = ParsedSubmission(code, rnd, first_row=number)
                sub_rows[key] = [number]
            else:
                sub_rows[key].append(number)
            if submitted_by:
                sub.submitted_by = submitted_by
            if not level_filled:
                if evidence or confidence:
                    add(
                        number,
                        "level",
                        "the level is empty, so this row's evidence and "
                        "confidence are not imported",
                        "warning",
                    )
                continue
            if level is None:
                continue
            dim_id = dim.id
            old = sub.ratings.get(dim_id)
            if old is not None:
                if (old.level, old.evidence, old.confidence) != (level, evidence, confidence):
                    add(
                        number,
                        "dimension",
                        f"{dim_id} for {code} in {rnd} appears twice with "
                        f"different values (also on row {old.row})",
                    )
                else:
                    add(
                        number,
                        "dimension",
                        f"{dim_id} for {code} in {rnd} repeats row "
                        f"{old.row}; the repeat is ignored",
                        "warning",
                    )
                continue
            sub.ratings[dim_id] = Rating(level, evidence, confidence, number)
        else:
            if code is None or rnd is None:
                continue
            earlier = subs.get((code, rnd))
            if earlier is None:
                sub = submission(code, rnd, number)
            else:  # read the repeat on its own, then compare it with the first row
                sub = ParsedSubmission(code, rnd, first_row=number)
                sub_rows[(code, rnd)].append(number)
            sub.submitted_by = submitted_by
            sub.note = read_free_text(number, "note", cell(row, "note"), NOTE_MAX_CHARS)
            for dim_id in model.dimension_ids:
                evidence = read_free_text(
                    number,
                    f"{dim_id}_evidence",
                    cell(row, f"{dim_id}_evidence"),
                    EVIDENCE_MAX_CHARS,
                )
                confidence = read_confidence(
                    number, f"{dim_id}_confidence", cell(row, f"{dim_id}_confidence")
                )
                raw_level = cell(row, dim_id)
                if not _is_filled(raw_level):
                    if evidence or confidence:
                        add(
                            number,
                            dim_id,
                            f"{dim_id} has no level, so its evidence and "
                            "confidence are not imported",
                            "warning",
                        )
                    continue
                level = read_level(number, dim_id, raw_level)
                if level is not None:
                    sub.ratings[dim_id] = Rating(level, evidence, confidence, number)
            for item in checklist_ids:
                column = f"checklist_{item}"
                value = _text(cell(row, column))
                note = read_free_text(
                    number, f"{column}_note", cell(row, f"{column}_note"), NOTE_MAX_CHARS
                )
                if value is None:
                    continue
                if value.casefold() in YES:
                    sub.checklist[item] = (True, note)
                elif value.casefold() in NO:
                    sub.checklist[item] = (False, note)
                else:
                    add(number, column, f"'{value}' is not yes or no")
            if earlier is not None:
                if _wide_content(earlier) != _wide_content(sub):
                    add(
                        number,
                        "authority",
                        f"{code} already has a row for {rnd} (row {earlier.first_row}) with "
                        "different values; one row per authority and round",
                    )
                else:
                    add(
                        number,
                        "authority",
                        f"{code} for {rnd} repeats row {earlier.first_row}; the repeat is ignored",
                        "warning",
                    )

    error_rows = {p.row for p in plan.errors}
    for key, sub in subs.items():
        if not sub.ratings:
            if error_rows.isdisjoint(sub_rows[key]):  # else its rows' errors say why
                add(sub.first_row, None, f"{sub.authority_code} in {sub.round_id} has no ratings")
            continue
        lacking = [d for d in dimension_ids if d not in sub.ratings]
        if lacking:
            add(
                sub.first_row,
                None,
                f"the return of {sub.authority_code} for {sub.round_id} is "
                f"incomplete: no level for {', '.join(lacking)} (its strands will have no level)",
                "warning",
            )
    plan.submissions = list(subs.values())


def _wide_content(sub: ParsedSubmission) -> tuple[object, ...]:
    """What a wide row says, without where it says it (to compare a repeated row)."""
    ratings = {d: (r.level, r.evidence, r.confidence) for d, r in sub.ratings.items()}
    return ratings, sub.checklist, sub.submitted_by, sub.note


def _level_help(model: Model) -> str:
    names = ", ".join(f"{n} {name}" for n, name in model.level_names.items())
    return f"use 1-4 or a level name: {names}"


# ---------------------------------------------------------------------------------------------
# Frames for the storage layer


_SUBMISSION_TYPES = {"key": "int64", "submitted_at": "datetime64[us]", "synthetic": "bool"}


def plan_frames(
    plans: Sequence[ImportPlan],
    *,
    model: Model,
    actor: str | None,
    import_ids: Sequence[int | None],
    submitted_at: datetime,
) -> tuple[pd.DataFrame, pa.Table, pd.DataFrame]:
    """The submissions, ratings (an Arrow table: its text dictionary-encoded) and checklist
    rows of plans, keyed for `write_submissions`."""
    from ehdmm.storage.submissions import CHECKLIST_COLUMNS, RATING_COLUMNS, SUBMISSION_COLUMNS

    subs: dict[str, list] = {name: [] for name in SUBMISSION_COLUMNS}
    parts: list[pa.Table] = []
    checklist: list[tuple] = []
    key = 0
    for plan, import_id in zip(plans, import_ids, strict=True):
        columns = plan._columns if plan._parsed is None else None
        if columns is not None:  # read column by column: no per-rating objects
            count = len(columns.codes)
            keys = list(range(key + 1, key + count + 1))
            by = [b or actor for b in columns.submitted_by]
            codes, rounds, notes = columns.codes, columns.rounds, [None] * count
            order = np.argsort(columns.sub, kind="stable")  # by submission, in file order
            ratings = {
                "key": pa.array(columns.sub[order].astype(np.int64) + key + 1),
                "dimension_id": columns.dimension.arrow(order),
                "level": pa.array(columns.level[order]),
                "evidence": columns.evidence.arrow(order),
                "confidence": columns.confidence.arrow(order),
            }
        else:
            count = len(plan.submissions)
            keys = list(range(key + 1, key + count + 1))
            by = [s.submitted_by or actor for s in plan.submissions]
            codes = [s.authority_code for s in plan.submissions]
            rounds = [s.round_id for s in plan.submissions]
            notes = [s.note for s in plan.submissions]
            found: dict[str, list] = {name: [] for name in RATING_COLUMNS}
            for sub_key, sub in zip(keys, plan.submissions, strict=True):
                for dim_id, rating in sub.ratings.items():
                    found["key"].append(sub_key)
                    found["dimension_id"].append(dim_id)
                    found["level"].append(rating.level)
                    found["evidence"].append(rating.evidence)
                    found["confidence"].append(rating.confidence)
                for item_id, (in_place, note) in sub.checklist.items():
                    checklist.append((sub_key, item_id, in_place, note))
            ratings = {
                "key": pa.array(found["key"], type=pa.int64()),
                "level": pa.array(found["level"], type=pa.int64()),
            }
            for name in ("dimension_id", "evidence", "confidence"):
                text = pa.array(found[name], type=pa.string())
                ratings[name] = text.dictionary_encode()
        key += count
        subs["key"] += keys
        subs["authority_code"] += codes
        subs["round_id"] += rounds
        subs["submitted_by"] += by
        subs["note"] += notes
        for name, value in (
            ("model_version", model.version),
            ("status", "submitted"),
            ("source", "import"),
            ("source_file", Path(plan.file_name).name),
            ("content_hash", plan.content_hash),
            ("submitted_at", submitted_at),
            ("import_id", import_id),
            ("synthetic", False),
        ):
            subs[name] += [value] * count
        parts.append(pa.table({name: ratings[name] for name in RATING_COLUMNS}))
    empty = pa.table(
        {
            "key": pa.array([], pa.int64()),
            "dimension_id": pa.array([], pa.string()).dictionary_encode(),
            "level": pa.array([], pa.int64()),
            "evidence": pa.array([], pa.string()).dictionary_encode(),
            "confidence": pa.array([], pa.string()).dictionary_encode(),
        }
    )
    return (
        pd.DataFrame(
            {
                name: pd.Series(values, dtype=_SUBMISSION_TYPES.get(name, object))
                for name, values in subs.items()
            },
            columns=SUBMISSION_COLUMNS,
        ),
        pa.concat_tables(parts) if parts else empty,
        pd.DataFrame(checklist, columns=CHECKLIST_COLUMNS).astype({"note": object}),
    )


# ---------------------------------------------------------------------------------------------
# Import into the database


class _CodesFirst:
    """An `AuthorityIndex` built only when needed: a reference that is an ONS code (as most are)
    is resolved from a plain set of codes; anything else goes to the full index (names and DfE
    numbers), built on first use. Resolves exactly as `AuthorityIndex.resolve`."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._codes = {str(code).upper(): str(code) for code in frame["code"]}
        self._index: AuthorityIndex | None = None

    def resolve(self, value: object) -> str:
        if value.__class__ is str:
            code = self._codes.get(value.strip().upper())
            if code is not None:
                return code
        if self._index is None:
            self._index = AuthorityIndex(self._frame)
        return self._index.resolve(value)


@dataclass
class ImportResult:
    plan: ImportPlan
    outcome: str  # imported | no-op | rejected | dry-run
    message: str
    submission_ids: list[int] = field(default_factory=list)


def import_returns(
    db: str | os.PathLike[str] | None,
    files: Sequence[tuple[str, bytes]],
    *,
    round_id: str | None = None,
    create_round: bool = False,
    dry_run: bool = False,
    actor: str | None = None,
    sheet: str | None = None,
    model: Model | None = None,
) -> list[ImportResult]:
    """Validate and import each (file name, bytes) as its own all-or-nothing unit."""
    with _gc_paused():
        return _import_returns(
            db,
            files,
            round_id=round_id,
            create_round=create_round,
            dry_run=dry_run,
            actor=actor,
            sheet=sheet,
            model=model,
        )


def _import_returns(
    db: str | os.PathLike[str] | None,
    files: Sequence[tuple[str, bytes]],
    *,
    round_id: str | None,
    create_round: bool,
    dry_run: bool,
    actor: str | None,
    sheet: str | None,
    model: Model | None,
) -> list[ImportResult]:
    from ehdmm.storage import connect, write_with_retry
    from ehdmm.storage import reference as ref
    from ehdmm.storage import submissions as store

    model = model or load_model()
    with connect(db) as conn:
        frame = ref.authorities(conn)
        known_rounds = set(ref.rounds(conn)["id"])
    index = _CodesFirst(frame)
    results = []
    for file_name, data in files:
        plan = parse_return(
            file_name,
            data,
            authorities=index,
            known_rounds=known_rounds,
            round_id=round_id,
            create_round=create_round,
            sheet=sheet,
            model=model,
        )
        if not plan.ok:
            results.append(
                ImportResult(
                    plan,
                    "rejected",
                    f"{plan.file_name}: rejected, {len(plan.errors)} error(s); nothing was written",
                )
            )
            continue
        summary = (
            f"{len(plan.pairs)} submission(s) for {len(plan.authorities)} "
            f"authorit{'y' if len(plan.authorities) == 1 else 'ies'}, "
            f"{plan.rating_count} rating(s), round(s) {', '.join(plan.rounds)}"
        )
        if dry_run:
            results.append(
                ImportResult(
                    plan,
                    "dry-run",
                    f"{plan.file_name}: valid ({plan.layout} "
                    f"layout): {summary}; nothing written (dry run)",
                )
            )
            continue

        def work(conn, plan=plan, summary=summary):
            pairs = plan.pairs
            hashes = store.current_content_hashes(conn, pairs)
            if all(hashes.get(p) == plan.content_hash for p in pairs):
                message = f"{plan.file_name}: already imported (same content); nothing changed"
                store.log_import(
                    conn,
                    actor=actor,
                    file_name=plan.file_name,
                    content_hash=plan.content_hash,
                    layout=plan.layout,
                    outcome="no-op",
                    submissions=0,
                    ratings=0,
                    message=message,
                )
                return ImportResult(plan, "no-op", message)
            for rnd in sorted(plan.rounds_to_create):
                ref.add_round(conn, rnd)
            message = f"{plan.file_name}: imported {summary}"
            import_id = store.log_import(
                conn,
                actor=actor,
                file_name=plan.file_name,
                content_hash=plan.content_hash,
                layout=plan.layout,
                outcome="imported",
                submissions=len(pairs),
                ratings=plan.rating_count,
                message=message,
            )
            subs, ratings, checklist = plan_frames(
                [plan],
                model=model,
                actor=actor,
                import_ids=[import_id],
                submitted_at=datetime.now(),
            )
            ids = store.write_submissions(conn, subs, ratings, checklist)
            return ImportResult(plan, "imported", message, sorted(ids.values()))

        results.append(write_with_retry(db, work))
        known_rounds |= plan.rounds_to_create
    return results
