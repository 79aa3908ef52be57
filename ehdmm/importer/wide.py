"""The wide layout read row by row: one row per authority and round, one column per dimension id
(its level), and optionally <dimension>_evidence, <dimension>_confidence, checklist_<item>
(yes/no), checklist_<item>_note, submitted_by and note. Every problem is reported at its row and
column."""

from __future__ import annotations

from ehdmm.importer.cells import Cells
from ehdmm.importer.common import (
    EVIDENCE_MAX_CHARS,
    NOTE_MAX_CHARS,
    SUBMITTED_BY_MAX_CHARS,
    ImportPlan,
    ParsedSubmission,
    Rating,
    cell_text,
    is_filled,
)
from ehdmm.importer.long import Rows, SubmissionRows, Submissions, checked


def parse_wide(plan: ImportPlan, cells: Cells, seen: dict[str, int], body: Rows) -> tuple:
    """Read the body's rows into submissions (one per authority and round); a repeated row is
    an error when it says something else, an ignored repeat (a warning) when not. Returns
    (submissions, each submission's rows)."""
    subs: Submissions = {}
    sub_rows: SubmissionRows = {}
    i_authority, i_round = seen["authority"], seen.get("round")
    i_by = seen.get("submitted_by")
    for number, row in body:

        def cell(key: str, row: list[object] = row) -> object:
            index = seen.get(key)
            return row[index] if index is not None and index < len(row) else None

        width = len(row)
        raw_authority = row[i_authority] if i_authority < width else None
        code = checked(plan, number, "authority", cells.authority, raw_authority)
        raw_round = row[i_round] if i_round is not None and i_round < width else None
        rnd = checked(plan, number, "round", cells.round, raw_round)
        raw_by = row[i_by] if i_by is not None and i_by < width else None
        submitted_by = (
            None
            if raw_by is None
            else checked(
                plan, number, "submitted_by", cells.free_text, raw_by, SUBMITTED_BY_MAX_CHARS
            )
        )
        if code is None or rnd is None:
            continue
        earlier = subs.get((code, rnd))
        sub = ParsedSubmission(code, rnd, first_row=number)
        if earlier is None:  # else read the repeat on its own, then compare it with the first
            subs[(code, rnd)] = sub
            sub_rows[(code, rnd)] = []
        sub_rows[(code, rnd)].append(number)
        sub.submitted_by = submitted_by
        sub.note = checked(plan, number, "note", cells.free_text, cell("note"), NOTE_MAX_CHARS)
        _read_ratings(plan, cells, sub, number, cell)
        _read_checklist(plan, cells, sub, number, cell)
        if earlier is not None:
            _compare_repeat(plan, earlier, sub, number)
    return subs, sub_rows


def _read_ratings(plan: ImportPlan, cells: Cells, sub: ParsedSubmission, number: int, cell):
    for dim_id in cells.model.dimension_ids:
        evidence = checked(
            plan,
            number,
            f"{dim_id}_evidence",
            cells.free_text,
            cell(f"{dim_id}_evidence"),
            EVIDENCE_MAX_CHARS,
        )
        confidence = checked(
            plan, number, f"{dim_id}_confidence", cells.confidence, cell(f"{dim_id}_confidence")
        )
        raw_level = cell(dim_id)
        if not is_filled(raw_level):
            if evidence or confidence:
                plan.add(
                    number,
                    dim_id,
                    f"{dim_id} has no level, so its evidence and confidence are not imported",
                    "warning",
                )
            continue
        level = checked(plan, number, dim_id, cells.level, raw_level)
        if level is not None:
            sub.ratings[dim_id] = Rating(level, evidence, confidence, number)


def _read_checklist(plan: ImportPlan, cells: Cells, sub: ParsedSubmission, number: int, cell):
    for item in cells.model.checklist:
        column = f"checklist_{item.id}"
        raw = cell(column)
        note = checked(
            plan, number, f"{column}_note", cells.free_text, cell(f"{column}_note"), NOTE_MAX_CHARS
        )
        if cell_text(raw) is None:
            continue
        answer = checked(plan, number, column, cells.yes_no, raw)
        if answer is not None:
            sub.checklist[item.id] = (answer, note)


def _wide_content(sub: ParsedSubmission) -> tuple[object, ...]:
    """What a wide row says, without where it says it (to compare a repeated row)."""
    ratings = {d: (r.level, r.evidence, r.confidence) for d, r in sub.ratings.items()}
    return ratings, sub.checklist, sub.submitted_by, sub.note


def _compare_repeat(
    plan: ImportPlan, earlier: ParsedSubmission, sub: ParsedSubmission, number: int
) -> None:
    code, rnd = sub.authority_code, sub.round_id
    if _wide_content(earlier) != _wide_content(sub):
        plan.add(
            number,
            "authority",
            f"{code} already has a row for {rnd} (row {earlier.first_row}) with "
            "different values; one row per authority and round",
        )
    else:
        plan.add(
            number,
            "authority",
            f"{code} for {rnd} repeats row {earlier.first_row}; the repeat is ignored",
            "warning",
        )
