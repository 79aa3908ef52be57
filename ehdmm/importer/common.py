"""What every part of the importer shares: limits, a problem found in a file, what a file would
import (`ImportPlan`), and small helpers on cells and headers."""

from __future__ import annotations

import gc
import hashlib
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ehdmm.quoting import file_label, shown

if TYPE_CHECKING:
    from ehdmm.importer.columns import LongColumns

MAX_IMPORT_BYTES = 20 * 1024 * 1024
EVIDENCE_MAX_CHARS = 4000
NOTE_MAX_CHARS = 2000
SUBMITTED_BY_MAX_CHARS = 200
CONFIDENCES = ("low", "medium", "high")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def size_text(size: int) -> str:
    """A byte count in words: '3.0 GB (3,221,225,472 bytes)', '20.0 MB (20,971,520 bytes)',
    '1,048 bytes'."""
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB ({size:,} bytes)"
    if size >= 1024 * 1024:
        return f"{size / 1048576:.1f} MB ({size:,} bytes)"
    return f"{size:,} bytes"


MAX_IMPORT_MB_LIMIT = 10_240  # the largest EHDMM_MAX_IMPORT_MB accepted (10 GB)


class ConfigurationError(ValueError):
    """A setting (an environment variable) holds a value ehdmm cannot use."""


def max_import_bytes() -> int:
    """The upload size limit in bytes: EHDMM_MAX_IMPORT_MB (a number of megabytes greater than 0
    and at most `MAX_IMPORT_MB_LIMIT`) or, when it is unset or empty, the 20 MB default.
    `ConfigurationError` naming the variable for any other value ('inf', 'nan', '-1', 'big'):
    a limit is never silently dropped or replaced."""
    raw = os.environ.get("EHDMM_MAX_IMPORT_MB", "").strip()
    if not raw:
        return MAX_IMPORT_BYTES
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_IMPORT_MB_LIMIT):
        raise ConfigurationError(
            f"EHDMM_MAX_IMPORT_MB is set to {raw[:40]!r}: it must be a number of megabytes "
            f"greater than 0 and at most {MAX_IMPORT_MB_LIMIT:,} (for example 50); unset it "
            f"for the default of {MAX_IMPORT_BYTES // 1048576} MB."
        )
    return max(1, int(value * 1024 * 1024))


@dataclass(frozen=True)
class Problem:
    """One problem in a file: an error (the file is rejected) or a warning (it is not)."""

    file: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = [file_label(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {shown(self.column)}")
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
    `ehdmm.importer.columns`): the import itself writes from the columns."""

    file_name: str
    content_hash: str
    layout: str | None = None
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)
    rounds_to_create: set[str] = field(default_factory=set)
    _parsed: list[ParsedSubmission] | None = field(default=None, repr=False, compare=False)
    _columns: LongColumns | None = field(default=None, repr=False, compare=False)

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
    def first_rows(self) -> list[int]:
        """The first row of each submission, in file order (as `pairs`)."""
        if self._parsed is None and self._columns is not None:
            return list(self._columns.first_rows)
        return [s.first_row for s in self.submissions]

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

    def add(
        self, row: int | None, column: str | None, message: str, severity: str = "error"
    ) -> None:
        """Record a problem of this file."""
        self.problems.append(Problem(self.file_name, row, column, message, severity))


class Reject(Exception):
    """Stops reading a file at a problem that makes the rest unreadable."""

    def __init__(self, row: int | None, column: str | None, message: str) -> None:
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


def content_hash(data: bytes, sheet: str | None = None, round_id: str | None = None) -> str:
    """SHA-256 of a file's bytes; for a workbook, of its bytes and the sheet read (two sheets
    of one workbook are different content); with the round given for the file (`--round`), of
    that too (one file imported for two rounds is two imports)."""
    digest = hashlib.sha256(data)
    if sheet is not None:
        digest.update(b"\x00sheet:" + sheet.encode("utf-8"))
    if round_id is not None:
        digest.update(b"\x00round:" + round_id.encode("utf-8"))
    return digest.hexdigest()


@contextmanager
def gc_paused() -> Iterator[None]:
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


def is_filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def row_filled(row: list[object]) -> bool:
    """True when any cell of the row is filled (usually decided by the first cell)."""
    for value in row:
        if value.__class__ is str:
            if value and not value.isspace():
                return True
        elif value is not None:
            return True
    return False


def header_key(value: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().casefold())


def cell_text(value: object) -> str | None:
    """A cell as plain text (never evaluated); None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def warn_incomplete(plan: ImportPlan, row: int, code: str, round_id: str, lacking: list[str]):
    """The warning for a return that lacks some dimensions."""
    plan.add(
        row,
        None,
        f"the return of {code} for {round_id} is incomplete: no level for "
        f"{', '.join(lacking)} (on its own, its strands have no level)",
        "warning",
    )
