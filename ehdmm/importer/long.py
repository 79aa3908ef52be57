"""The long layout read row by row: one row per authority, round and dimension (authority, round,
dimension, level, and optionally evidence, confidence, submitted_by). Every problem is reported
at its row and column."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ehdmm.importer.cells import CellError, Cells
from ehdmm.importer.common import (
    EVIDENCE_MAX_CHARS,
    SUBMITTED_BY_MAX_CHARS,
    ImportPlan,
    ParsedSubmission,
    Rating,
    is_filled,
)

Rows = Sequence[tuple[int, list[object]]]
Submissions = dict[tuple[str, str], ParsedSubmission]
SubmissionRows = dict[tuple[str, str], list[int]]

_UNSEEN = object()  # a memo's "not looked up yet"


def checked(
    plan: ImportPlan, number: int, column: str, read: Callable[..., object], *args: object
) -> object | None:
    """`read(*args)`, or None with its error added at the row and column."""
    try:
        return read(*args)
    except CellError as exc:
        plan.add(number, column, exc.message)
        return None


def _filled(value: object) -> bool:
    """`is_filled`, with the common case (a text cell) first."""
    if value.__class__ is str:
        return bool(value) and not value.isspace()
    return is_filled(value)


def _evidence(plan: ImportPlan, cells: Cells, number: int, raw: object) -> str | None:
    if raw.__class__ is str and len(raw) <= EVIDENCE_MAX_CHARS:
        return raw.strip() or None  # the common case, as free_text does it
    return checked(plan, number, "evidence", cells.free_text, raw, EVIDENCE_MAX_CHARS)


def parse_long(plan: ImportPlan, cells: Cells, seen: dict[str, int], body: Rows) -> tuple:
    """Read the body's rows into submissions (one per authority and round, in order of first
    row); returns (submissions, each submission's rows)."""
    subs: Submissions = {}
    sub_rows: SubmissionRows = {}
    i_authority, i_round, i_by = seen["authority"], seen.get("round"), seen.get("submitted_by")
    i_dimension, i_level = seen["dimension"], seen["level"]
    i_evidence, i_confidence = seen.get("evidence"), seen.get("confidence")
    authority_memo, round_memo = cells.authority_memo, cells.round_memo
    level_memo, confidence_memo = cells.level_memo, cells.confidence_memo
    for number, row in body:
        width = len(row)
        raw_authority = row[i_authority] if i_authority < width else None
        if not _filled(raw_authority) and all(
            not is_filled(value) for i, value in enumerate(row) if i != i_dimension
        ):
            continue  # a template row left as it was: only the pre-filled dimension
        # (the memo lookups are written out here: this loop runs once per row)
        code = authority_memo.get((raw_authority.__class__, raw_authority)) or checked(
            plan, number, "authority", cells.authority, raw_authority
        )
        raw_round = row[i_round] if i_round is not None and i_round < width else None
        rnd = round_memo.get((raw_round.__class__, raw_round)) or checked(
            plan, number, "round", cells.round, raw_round
        )
        raw_by = row[i_by] if i_by is not None and i_by < width else None
        submitted_by = (
            None
            if raw_by is None
            else checked(
                plan, number, "submitted_by", cells.free_text, raw_by, SUBMITTED_BY_MAX_CHARS
            )
        )
        raw_dim = row[i_dimension] if i_dimension < width else None
        dim = cells.dimension_memo.get((raw_dim.__class__, raw_dim)) or checked(
            plan, number, "dimension", cells.dimension, raw_dim
        )
        raw_level = row[i_level] if i_level < width else None
        level_filled = _filled(raw_level)
        level = (
            level_memo.get((raw_level.__class__, raw_level))
            or checked(plan, number, "level", cells.level, raw_level)
            if level_filled
            else None
        )
        raw_evidence = row[i_evidence] if i_evidence is not None and i_evidence < width else None
        evidence = _evidence(plan, cells, number, raw_evidence)
        raw_confidence = (
            row[i_confidence] if i_confidence is not None and i_confidence < width else None
        )
        confidence = confidence_memo.get((raw_confidence.__class__, raw_confidence), _UNSEEN)
        if confidence is _UNSEEN:
            confidence = checked(plan, number, "confidence", cells.confidence, raw_confidence)
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
                plan.add(
                    number,
                    "level",
                    "the level is empty, so this row's evidence and confidence are not imported",
                    "warning",
                )
            continue
        if level is None:
            continue
        _add_rating(plan, sub, dim.id, Rating(level, evidence, confidence, number))
    return subs, sub_rows


def _add_rating(plan: ImportPlan, sub: ParsedSubmission, dim_id: str, rating: Rating) -> None:
    """Add a row's rating to its submission; a dimension seen before is an error when its
    values differ, and an ignored repeat (a warning) when they are the same."""
    old = sub.ratings.get(dim_id)
    if old is None:
        sub.ratings[dim_id] = rating
        return
    code, rnd = sub.authority_code, sub.round_id
    if (old.level, old.evidence, old.confidence) != (
        rating.level,
        rating.evidence,
        rating.confidence,
    ):
        plan.add(
            rating.row,
            "dimension",
            f"{dim_id} for {code} in {rnd} appears twice with different values "
            f"(also on row {old.row})",
        )
    else:
        plan.add(
            rating.row,
            "dimension",
            f"{dim_id} for {code} in {rnd} repeats row {old.row}; the repeat is ignored",
            "warning",
        )
