"""The long layout read column by column, for speed: each distinct value of a column is checked
once, by the same cell readers as the row-by-row reading (`ehdmm.importer.cells`), and the
ratings are kept as arrays (no object per rating). A file is read this way only when it passes
as the row-by-row reading would pass it; anything else (another layout, a blank or short row, any
value that is an error or a warning, a repeated dimension) leaves the plan untouched, and the
row-by-row reading then words every problem with its row and column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ehdmm.importer.cells import CellError, Cells
from ehdmm.importer.common import (
    EVIDENCE_MAX_CHARS,
    SUBMITTED_BY_MAX_CHARS,
    ImportPlan,
    ParsedSubmission,
    Rating,
    header_key,
    is_filled,
    row_filled,
    warn_incomplete,
)
from ehdmm.importer.header import read_header


@dataclass
class Coded:
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


@dataclass
class LongColumns:
    """A long-layout file read column by column: per submission (in order of first row) its
    authority, round, first row and submitted_by; per rating (in file order) its submission's
    place, dimension, level, evidence, confidence and row."""

    codes: list[str]
    rounds: list[str]
    first_rows: list[int]
    submitted_by: list[str | None]
    sub: np.ndarray
    dimension: Coded
    level: np.ndarray
    evidence: Coded
    confidence: Coded
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


def factorize(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Each value's place among the distinct values (in order of first appearance), and those
    distinct values."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return codes, list(uniques)


class RecordColumns:
    """The columns of CSV records read by the csv module (`reading.csv_records`)."""

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
        return factorize(self._columns[index])


class TableColumns:
    """The columns of a CSV read by Arrow (`reading.csv_table`): the same interface."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table
        self.header: list[str] = [table.column(i)[0].as_py() for i in range(table.num_columns)]
        self.rows = table.num_rows - 1

    def uniform(self) -> bool:
        return True  # Arrow refuses records of another width

    def column(self, index: int) -> tuple[np.ndarray, list[str]]:
        values = self._table.column(index).slice(1).combine_chunks().dictionary_encode()
        return values.indices.to_numpy(zero_copy_only=False), values.dictionary.to_pylist()


@dataclass
class _Values:
    """Each column of a file as (each row's place among the distinct values, the distinct
    values read by the cell readers)."""

    authority: tuple[np.ndarray, list[str]]
    round: tuple[np.ndarray, list[str]]
    dimension: tuple[np.ndarray, list[str]]
    level: tuple[np.ndarray, list[int]]
    evidence: tuple[np.ndarray, list[str | None]]
    confidence: tuple[np.ndarray, list[str | None]]
    submitted_by: tuple[np.ndarray, list[str | None]]


def _read_values(
    source: RecordColumns | TableColumns, seen: dict[str, int], cells: Cells
) -> _Values | None:
    """Every distinct value of every column read by the cell readers; None at the first value
    that is an error, or a warning row by row (an empty level)."""
    n = source.rows
    blank = (np.zeros(n, dtype=np.intp), [""])

    def column(key: str, read, *args: object) -> tuple[np.ndarray, list]:
        index = seen.get(key)
        codes, raw = source.column(index) if index is not None else blank
        return codes, [read(value, *args) for value in raw]

    try:
        found = {
            "authority": column("authority", cells.authority),
            "round": column("round", cells.round),  # a blank cell takes round_id
            "dimension": column("dimension", lambda v: cells.dimension(v).id),
            "level": column("level", lambda v: cells.level(v) if is_filled(v) else None),
            "evidence": column("evidence", cells.free_text, EVIDENCE_MAX_CHARS),
            "confidence": column("confidence", cells.confidence),
            "submitted_by": column("submitted_by", cells.free_text, SUBMITTED_BY_MAX_CHARS),
        }
    except CellError:
        return None
    if None in found["level"][1]:  # an empty level: a warning row by row
        return None
    return _Values(**found)


def read_long_columns(
    plan: ImportPlan,
    source: RecordColumns | TableColumns,
    *,
    cells: Cells,
    round_id: str | None,
) -> bool:
    """Read a long-layout CSV column by column: True (and `plan` filled) when the file passes
    as the row-by-row reading would pass it; False, with `plan` untouched, at anything else.
    A return lacking dimensions is imported with a warning, as row by row."""
    if source.rows < 1 or not row_filled(source.header) or not source.uniform():
        return False
    trial = ImportPlan(plan.file_name, plan.content_hash)
    header = [header_key(v) if is_filled(v) else None for v in source.header]
    seen = read_header(trial, cells.model, 1, header, round_id)
    if seen is None or trial.errors or trial.layout != "long":
        return False
    values = _read_values(source, seen, cells)
    if values is None:
        return False
    columns = _submissions(values, source.rows)
    if columns is None:
        return False
    _warn_lacking(trial, columns, cells.model.dimension_ids)
    plan.layout = trial.layout
    plan.problems.extend(trial.problems)
    plan.rounds_to_create = set(cells.rounds_to_create)
    plan._columns = columns
    return True


def _submissions(values: _Values, n: int) -> LongColumns | None:
    """One submission for each authority and round, in order of first appearance, with each
    dimension once in it (None at a repeat: a warning or an error row by row)."""
    a_codes, codes = values.authority
    r_codes, rounds = values.round
    d_codes, dims = values.dimension
    code_of, code_list = factorize(codes)
    round_of, round_list = factorize(rounds)
    dim_of, dim_list = factorize(dims)
    pair = code_of[a_codes] * len(round_list) + round_of[r_codes]
    sub, pairs = pd.factorize(pair)
    if len(pd.unique(sub * len(dim_list) + dim_of[d_codes])) != n:
        return None
    rows = np.arange(2, n + 2)
    first = np.full(len(pairs), n + 2)
    np.minimum.at(first, sub, rows)
    # submitted_by: the last filled one of each submission's rows
    by_codes, by_values = values.submitted_by
    submitted_by: list[str | None] = [None] * len(pairs)
    filled = np.flatnonzero(np.array([v is not None for v in by_values])[by_codes])
    if len(filled):
        last_first = filled[::-1]
        subs_seen, at = np.unique(sub[last_first], return_index=True)
        for k, i in zip(subs_seen.tolist(), last_first[at].tolist(), strict=True):
            submitted_by[k] = by_values[by_codes[i]]
    l_codes, levels = values.level
    return LongColumns(
        codes=[code_list[p // len(round_list)] for p in pairs.tolist()],
        rounds=[round_list[p % len(round_list)] for p in pairs.tolist()],
        first_rows=first.tolist(),
        submitted_by=submitted_by,
        sub=sub,
        dimension=Coded(d_codes, dims),
        level=np.array(levels, dtype=np.int64)[l_codes],
        evidence=Coded(*values.evidence),
        confidence=Coded(*values.confidence),
        row=rows,
    )


def _warn_lacking(plan: ImportPlan, columns: LongColumns, dimension_ids: Sequence[str]) -> None:
    """A warning for each return lacking dimensions, as row by row."""
    sub, d_codes, choices = columns.sub, columns.dimension.codes, columns.dimension.choices
    lacking_any = np.bincount(sub, minlength=len(columns.codes)) < len(dimension_ids)
    present: dict[int, set[str]] = {}
    for i in np.flatnonzero(lacking_any[sub]).tolist():
        present.setdefault(int(sub[i]), set()).add(choices[d_codes[i]])
    for k in np.flatnonzero(lacking_any).tolist():
        lacking = [d for d in dimension_ids if d not in present[k]]
        warn_incomplete(plan, columns.first_rows[k], columns.codes[k], columns.rounds[k], lacking)
