"""Import of self-assessment returns (CSV and XLSX), validated before anything is written.

Two layouts, detected from the header:
- long: one row per authority x dimension: authority, round, dimension, level, and optionally
  evidence, confidence, submitted_by;
- wide: one row per authority and round: authority, round, one column per dimension id (level),
  optionally <dimension>_evidence, <dimension>_confidence, checklist_<item> (yes/no),
  checklist_<item>_note, submitted_by, note.

Each file is one all-or-nothing unit: every problem is reported with file, row (as Excel shows
it) and column, and a file with any error writes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

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
    """What a file would import, or why it cannot."""

    file_name: str
    content_hash: str
    layout: str | None = None
    sheet: str | None = None
    submissions: list[ParsedSubmission] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rounds_to_create: set[str] = field(default_factory=set)

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
        return sum(len(s.ratings) for s in self.submissions)

    @property
    def authorities(self) -> list[str]:
        return sorted({s.authority_code for s in self.submissions})

    @property
    def rounds(self) -> list[str]:
        return sorted({s.round_id for s in self.submissions})


class _Reject(Exception):
    """Stops reading a file at a problem that makes the rest unreadable."""

    def __init__(self, row: int | None, column: str | None, message: str) -> None:
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


# ---------------------------------------------------------------------------------------------
# Reading cells


def _decode(data: bytes) -> tuple[str, str | None]:
    if b"\x00" in data[:4096]:
        raise _Reject(None, None, "this is not a text CSV file (it holds binary data)")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), None
        except UnicodeDecodeError as exc:
            line = data[: exc.start + 3].count(b"\n") + 1
            raise _Reject(
                line,
                None,
                "the file starts with a UTF-8 marker but is not valid UTF-8 text; save it again "
                "as CSV UTF-8",
            ) from exc
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "the file is not UTF-8; it was read as Windows-1252 text"
    except UnicodeDecodeError as exc:
        raise _Reject(
            None,
            None,
            "the file's text encoding is neither UTF-8 nor Windows-1252; save it as CSV UTF-8",
        ) from exc


def _read_csv(data: bytes) -> tuple[list[tuple[int, list[object]]], list[str]]:
    text, note = _decode(data)
    notes = [note] if note else []
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                delimiter = candidate
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for number, record in enumerate(reader, start=1):
            rows.append((number, list(record)))
    except csv.Error as exc:
        # the record being read (as Excel numbers rows), not the physical line: a quoted
        # field may span lines
        raise _Reject(len(rows) + 1, None, f"the CSV cannot be read: {exc}") from exc
    return rows, notes


def _read_xlsx(data: bytes, sheet: str | None) -> tuple[list[tuple[int, list[object]]], str]:
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _Reject(None, None, "this is not a valid XLSX workbook (it is not a zip package)")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged packages
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
            rows, notes = _read_csv(data)
            for note in notes:
                add(None, None, note, "warning")
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

    rows = [(n, r) for n, r in rows if any(_is_filled(v) for v in r)]
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


def _parse_body(
    plan, model, authorities, known_rounds, header_row, header, body, round_id, create_round, add
) -> None:
    dim_ids = set(model.dimension_ids)
    checklist_ids = [item.id for item in model.checklist]
    seen: dict[str, int] = {}
    for index, key in enumerate(header):
        if key is None:
            continue
        if key in seen:
            add(header_row, key, f"the column '{key}' appears twice")
        seen[key] = index
    if plan.errors:
        return
    has_long = "dimension" in seen or "level" in seen
    wide_dims = [k for k in seen if k in dim_ids]
    if has_long and wide_dims:
        add(
            header_row,
            wide_dims[0],
            "the header mixes the long layout (dimension, level) and the wide "
            f"layout (dimension columns such as '{wide_dims[0]}'); use one layout per file",
        )
        return
    if not has_long and not wide_dims:
        add(
            header_row,
            None,
            "the header is not a return: expected either 'authority, round, "
            "dimension, level' (long layout) or 'authority, round' and one column per dimension "
            f"id ({', '.join(model.dimension_ids)}) (wide layout)",
        )
        return
    plan.layout = "long" if has_long else "wide"
    required = ["authority", "dimension", "level"] if has_long else ["authority"]
    if round_id is None:
        required.insert(1, "round")
    missing = [c for c in required if c not in seen]
    if missing:
        for column in missing:
            hint = " (or give the round with --round)" if column == "round" else ""
            add(header_row, column, f"missing required column '{column}'{hint}")
        return

    known = set(layout_columns(plan.layout, model))
    for key in seen:
        if key not in known:
            add(header_row, key, f"unknown column '{key}' ignored", "warning")

    def cell(row: list[object], key: str) -> object:
        index = seen.get(key)
        return row[index] if index is not None and index < len(row) else None

    subs: dict[tuple[str, str], ParsedSubmission] = {}

    def read_round(number: int, row: list[object]) -> str | None:
        raw = cell(row, "round") if "round" in seen else None
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

    def read_authority(number: int, row: list[object]) -> str | None:
        raw = cell(row, "authority")
        try:
            return authorities.resolve(raw)
        except AuthorityLookupError as exc:
            add(number, "authority", str(exc))
            return None

    def read_level(number: int, column: str, raw: object) -> int | None:
        if isinstance(raw, (datetime, date)):
            add(number, column, f"'{raw}' looks like a date, not a level ({_level_help(model)})")
            return None
        try:
            return model.parse_level(raw)
        except ValueError:
            add(number, column, f"'{_text(raw)}' is not a level ({_level_help(model)})")
            return None

    def read_confidence(number: int, column: str, raw: object) -> str | None:
        value = _text(raw)
        if value is None:
            return None
        if value.casefold() not in CONFIDENCES:
            add(
                number,
                column,
                f"'{value}' is not a confidence (use low, medium or high, or leave it blank)",
            )
            return None
        return value.casefold()

    def read_free_text(number: int, column: str, raw: object, limit: int) -> str | None:
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
        sub = subs.get((code, rnd))
        if sub is None:
            sub = subs[(code, rnd)] = ParsedSubmission(code, rnd, first_row=number)
        sub_rows.setdefault((code, rnd), []).append(number)
        return sub

    for number, row in body:
        if has_long and all(
            not _is_filled(value) for index, value in enumerate(row) if index != seen["dimension"]
        ):
            continue  # a template row left as it was: only the pre-filled dimension
        code = read_authority(number, row)
        rnd = read_round(number, row)
        submitted_by = read_free_text(number, "submitted_by", cell(row, "submitted_by"), 200)
        if has_long:
            raw_dim = _text(cell(row, "dimension"))
            dim = model.find_dimension(raw_dim) if raw_dim else None
            if dim is None:
                add(
                    number,
                    "dimension",
                    f"'{raw_dim or ''}' is not a dimension of the model "
                    f"(use an id: {', '.join(model.dimension_ids)}, or the dimension's name)",
                )
            raw_level = cell(row, "level")
            level = read_level(number, "level", raw_level) if _is_filled(raw_level) else None
            evidence = read_free_text(number, "evidence", cell(row, "evidence"), EVIDENCE_MAX_CHARS)
            confidence = read_confidence(number, "confidence", cell(row, "confidence"))
            if code is None or rnd is None or dim is None:
                continue
            sub = submission(code, rnd, number)
            if submitted_by:
                sub.submitted_by = submitted_by
            if not _is_filled(raw_level):
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
            new = Rating(level, evidence, confidence, number)
            old = sub.ratings.get(dim.id)
            if old is not None:
                if (old.level, old.evidence, old.confidence) != (level, evidence, confidence):
                    add(
                        number,
                        "dimension",
                        f"{dim.id} for {code} in {rnd} appears twice with "
                        f"different values (also on row {old.row})",
                    )
                else:
                    add(
                        number,
                        "dimension",
                        f"{dim.id} for {code} in {rnd} repeats row "
                        f"{old.row}; the repeat is ignored",
                        "warning",
                    )
                continue
            sub.ratings[dim.id] = new
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
        lacking = [d for d in model.dimension_ids if d not in sub.ratings]
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


def plan_frames(
    plans: Sequence[ImportPlan],
    *,
    model: Model,
    actor: str | None,
    import_ids: Sequence[int | None],
    submitted_at: datetime,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The submissions, ratings and checklist rows of plans, keyed for `write_submissions`."""
    subs, ratings, checklist = [], [], []
    key = 0
    for plan, import_id in zip(plans, import_ids, strict=True):
        for sub in plan.submissions:
            key += 1
            subs.append(
                {
                    "key": key,
                    "authority_code": sub.authority_code,
                    "round_id": sub.round_id,
                    "model_version": model.version,
                    "status": "submitted",
                    "source": "import",
                    "source_file": Path(plan.file_name).name,
                    "content_hash": plan.content_hash,
                    "submitted_at": submitted_at,
                    "submitted_by": sub.submitted_by or actor,
                    "note": sub.note,
                    "import_id": import_id,
                    "synthetic": False,
                }
            )
            for dim_id, rating in sub.ratings.items():
                ratings.append(
                    {
                        "key": key,
                        "dimension_id": dim_id,
                        "level": rating.level,
                        "evidence": rating.evidence,
                        "confidence": rating.confidence,
                    }
                )
            for item_id, (in_place, note) in sub.checklist.items():
                checklist.append(
                    {"key": key, "item_id": item_id, "in_place": in_place, "note": note}
                )
    from ehdmm.storage.submissions import CHECKLIST_COLUMNS, RATING_COLUMNS, SUBMISSION_COLUMNS

    return (
        pd.DataFrame(subs, columns=SUBMISSION_COLUMNS),
        pd.DataFrame(ratings, columns=RATING_COLUMNS).astype(
            {"evidence": object, "confidence": object}
        ),
        pd.DataFrame(checklist, columns=CHECKLIST_COLUMNS).astype({"note": object}),
    )


# ---------------------------------------------------------------------------------------------
# Import into the database


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
    from ehdmm.storage import connect, write_with_retry
    from ehdmm.storage import reference as ref
    from ehdmm.storage import submissions as store

    model = model or load_model()
    with connect(db) as conn:
        index = AuthorityIndex(ref.authorities(conn))
        known_rounds = set(ref.rounds(conn)["id"])
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
            f"{len(plan.submissions)} submission(s) for {len(plan.authorities)} "
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
            pairs = [(s.authority_code, s.round_id) for s in plan.submissions]
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
                submissions=len(plan.submissions),
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
