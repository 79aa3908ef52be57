"""ehdmm.assessment_tables: what the Assess page shows beside the form (answers at a glance,
what submitting would change, the rank among peers)."""

from __future__ import annotations

from test_assessment import complete, db  # noqa: F401 (db: a fixture)

from ehdmm import assessment, assessment_tables
from ehdmm.model import load_model
from ehdmm.viewer import LOCAL_VIEWER

MODEL = load_model()
DIMS = MODEL.dimension_ids
A, B = "E06000023", "E08000025"
NEW_ROUND = "2027-03"
V = LOCAL_VIEWER


def all_ticks(dimension, up_to: int) -> set[tuple[int, int]]:
    return {
        (level, index)
        for level in range(1, up_to + 1)
        for index in range(len(dimension.statements[level]))
    }


def test_summary_table_shows_levels_proposals_and_evidence_length():
    dim = MODEL.dimensions[0]
    draft = assessment.Draft(A, NEW_ROUND, guided=True)
    draft = assessment.follow_proposal(draft, dim, all_ticks(dim, 2))
    draft = draft.with_answer(dim.id, evidence="abc", confidence="low")
    table = assessment_tables.summary_table(draft, MODEL)
    assert len(table) == len(DIMS)
    first = table.iloc[0]
    assert first["Level"] == f"2 {MODEL.level_names[2]}"
    assert first["Proposed by the statements"] == f"2 {MODEL.level_names[2]}"
    assert first["Evidence (characters)"] == 3 and first["Confidence"] == "low"
    assert table.iloc[1]["Level"] == "not rated"
    assert "Proposed by the statements" not in assessment_tables.summary_table(
        assessment.Draft(A, NEW_ROUND), MODEL
    )


def test_the_preview_of_a_submission_says_what_changes(db):  # noqa: F811
    draft = complete(assessment.load_draft(db, V, A, NEW_ROUND), [2] * len(DIMS))
    first = assessment_tables.submit_preview(db, V, draft, MODEL)
    assert not first.identical and "first submission" in first.text
    assessment.submit(db, V, draft, actor="x", model=MODEL)
    again = assessment.load_draft(db, V, A, NEW_ROUND)
    same = assessment_tables.submit_preview(db, V, again, MODEL)
    assert same.identical and "identical" in same.text
    changed = again.with_answer(DIMS[0], level=3, evidence="new evidence")
    preview = assessment_tables.submit_preview(db, V, changed, MODEL)
    assert not preview.identical
    assert "1 of 8 dimensions changed level" in preview.text
    assert MODEL.dimension(DIMS[0]).name in preview.text and "evidence" in preview.text
