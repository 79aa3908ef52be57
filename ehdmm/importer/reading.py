"""Reading a file into rows: bytes to text (encodings), CSV records (by Arrow's reader when the
quoting is plain, else by the csv module) and the rows of an XLSX sheet."""

from __future__ import annotations

import csv
import io
import re

import pyarrow as pa

from ehdmm.importer.common import Reject

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


def _is_utf32(data: bytes) -> bool:
    """A UTF-32 file: a byte-order mark, or three NUL bytes in every four of mostly-ASCII
    text."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return True
    sample = data[: 4096 - 4096 % 4]
    if len(sample) < 8:
        return False
    lanes = [sample[i::4] for i in range(4)]
    zeros = [lane.count(0) >= 0.9 * len(lane) for lane in lanes]
    return zeros in ([False, True, True, True], [True, True, True, False])


def decode(data: bytes) -> tuple[str, str | None]:
    """A CSV file's text, and a note on how it was read (None when it is UTF-8)."""
    if _is_utf32(data):
        raise Reject(
            None,
            None,
            f"the file is UTF-32 text, not a CSV of UTF-8 or Windows-1252 text; {_SAVE_AS_UTF8}",
        )
    if _is_utf16(data):
        raise Reject(
            None,
            None,
            "the file is UTF-16 text (as Excel's 'Unicode Text' saves it), not a CSV of UTF-8 "
            f"or Windows-1252 text; {_SAVE_AS_UTF8}",
        )
    nul = data.find(b"\x00")  # anywhere in the file: text never holds one
    if nul >= 0:
        raise Reject(
            _line_of(data, nul) if nul >= 4096 else None,
            None,
            "this is not a text CSV file (it holds binary data)",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), None
        except UnicodeDecodeError as exc:
            raise Reject(
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
        raise Reject(
            _line_of(data, bad),
            None,
            "the file mixes text encodings (UTF-8 on row "
            f"{_line_of(data, good.start())}, another encoding on this row); " + _SAVE_AS_UTF8,
        )
    try:
        return data.decode("cp1252"), "the file is not UTF-8; it was read as Windows-1252 text"
    except UnicodeDecodeError as exc:
        raise Reject(
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


def csv_text(data: bytes) -> tuple[str, str, list[str]]:
    """A CSV file's text, its delimiter (from the first line) and notes on how it was read."""
    text, note = decode(data)
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


def csv_table(utf8: bytes, text: str, delimiter: str) -> pa.Table | None:
    """The CSV's records as a table of text columns (row 0 the first record), read by Arrow's
    CSV reader, or None when its reading might differ from the csv module's (`csv_records`):
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
            # one thread: Arrow's thread pool, once started, can abort the process as it is
            # torn down at exit ("terminate called without an active exception", apache/arrow
            # #34314), which a CLI import once did in a test; a return is small enough
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
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


def csv_records(text: str, delimiter: str) -> list[list[str]]:
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
        raise Reject(len(records) + 1, None, f"the CSV cannot be read{where}: {reason}") from exc
    return records
