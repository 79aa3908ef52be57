"""ehdmm.assessment: guided mode, validation, drafts (save, load, resume), submission,
conflicts, history and diffs, on real DuckDB files."""

from __future__ import annotations

import pytest

from ehdmm import assessment, assessment_tables, scoring
from ehdmm import history as hist
from ehdmm.importer import import_returns
from ehdmm.model import Dimension, load_model
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER, Viewer

MODEL = load_model()
DIMS = MODEL.dimension_ids
A, B = "E06000023", "E08000025"
NEW_ROUND = "2027-03"
V = LOCAL_VIEWER

TOY = Dimension(
    id="toy",
    name="Toy",
    strand_id="s",
    descriptors={1: "a. b.", 2: "c.", 3: "d. e.", 4: "f."},
    statements={1: ("a.", "b."), 2: ("c.",), 3: ("d.", "e."), 4: ("f.",)},
)


@pytest.fixture
def db(empty_db):
    write_with_retry(empty_db, lambda conn: ref.add_round(conn, NEW_ROUND))
    return empty_db


def complete(draft: assessment.Draft, levels: list[int]) -> assessment.Draft:
    for dim, level in zip(DIMS, levels, strict=True):
        draft = draft.with_answer(dim, level=level)
    return draft


def all_ticks(dimension: Dimension, up_to: int) -> set[tuple[int, int]]:
    return {
        (level, index)
        for level in range(1, up_to + 1)
        for index in range(len(dimension.statements[level]))
    }


# ---------------------------------------------------------------------------------------------
# Guided mode


@pytest.mark.parametrize(
    ("ticks", "expected"),
    [
        (set(), None),
        ({(1, 0)}, None),  # level 1 not fully ticked: not yet Early
        ({(1, 0), (1, 1)}, 1),
        ({(1, 0), (1, 1), (2, 0), (3, 0)}, 2),  # level 3 half ticked
        ({(1, 0), (1, 1), (2, 0), (3, 0), (3, 1)}, 3),
        ({(1, 0), (1, 1), (3, 0), (3, 1), (4, 0)}, 1),  # a gap at level 2 stops there
        ({(2, 0), (3, 0), (3, 1), (4, 0)}, None),  # higher levels alone give nothing
        (all_ticks(TOY, 4), 4),
    ],
)
def test_proposed_level_is_the_gated_level_of_the_ticks(ticks, expected):
    assert assessment.proposed_level(TOY, ticks) == expected


def test_proposed_level_on_every_real_dimension():
    for dimension in MODEL.dimensions:
        for level in MODEL.level_names:
            assert assessment.proposed_level(dimension, all_ticks(dimension, level)) == level
        missing_one = all_ticks(dimension, 4) - {(2, 0)}
        assert assessment.proposed_level(dimension, missing_one) == 1


def test_proposal_text_names_the_level_or_not_yet_the_first():
    assert assessment.proposal_text(3, MODEL) == f"3 {MODEL.level_names[3]}"
    assert assessment.proposal_text(None, MODEL) == f"not yet {MODEL.level_names[1]}"


def test_the_level_follows_the_ticks_until_the_user_overrides():
    dim = MODEL.dimensions[0]
    draft = assessment.Draft(A, NEW_ROUND, guided=True)
    draft = assessment.follow_proposal(draft, dim, all_ticks(dim, 2))
    assert draft.answer(dim.id).level == 2
    draft = assessment.follow_proposal(draft, dim, all_ticks(dim, 3))
    assert draft.answer(dim.id).level == 3  # followed: it was the proposal
    draft = draft.with_answer(dim.id, level=4)  # the user overrides
    assert assessment.is_override(draft, dim)
    draft = assessment.follow_proposal(draft, dim, all_ticks(dim, 1))
    assert draft.answer(dim.id).level == 4  # an override stays
    draft = draft.with_answer(dim.id, level=1)
    draft = assessment.follow_proposal(draft, dim, set())
    assert draft.answer(dim.id).level is None  # followed down to nothing
    assert not assessment.is_override(assessment.Draft(A, NEW_ROUND), dim)


def test_an_override_counts_only_in_guided_mode_and_only_with_ticks():
    dim = MODEL.dimensions[0]
    draft = assessment.Draft(A, NEW_ROUND, guided=False).with_answer(dim.id, level=3)
    assert not assessment.is_override(draft, dim)
    from dataclasses import replace

    guided = replace(draft, guided=True)
    assert not assessment.is_override(guided, dim), "no ticks: no reason needed"
    assert assessment.submit_problems(guided, MODEL)[0].kind == "missing"  # only the others
    ticked = guided.with_answer(dim.id, ticks=frozenset(all_ticks(dim, 1)))
    assert assessment.is_override(ticked, dim)


def test_switching_guided_mode_on_asks_no_reason_of_levels_chosen_before():
    from dataclasses import replace

    draft = assessment.Draft(A, NEW_ROUND)
    for dimension in MODEL.dimensions:
        draft = draft.with_answer(dimension.id, level=3)
    assert assessment.submit_problems(replace(draft, guided=True), MODEL) == []


def test_the_level_follows_the_ticks_when_asked_to_whatever_it_was():
    dim = MODEL.dimensions[0]
    draft = assessment.Draft(A, NEW_ROUND, guided=True).with_answer(dim.id, level=4)
    followed = assessment.follow_proposal(draft, dim, all_ticks(dim, 2), follow=True)
    assert followed.answer(dim.id).level == 2
    kept = assessment.follow_proposal(draft, dim, all_ticks(dim, 2), follow=False)
    assert kept.answer(dim.id).level == 4
    assert assessment.follows(followed, dim) and not assessment.follows(kept, dim)


# ---------------------------------------------------------------------------------------------
# Validation


def test_submit_problems_list_every_missing_dimension_by_name():
    draft = complete(assessment.Draft(A, NEW_ROUND), [2] * len(DIMS))
    draft = draft.with_answer(DIMS[1], level=None).with_answer(DIMS[4], level=None)
    problems = assessment.submit_problems(draft, MODEL)
    assert [p.kind for p in problems] == ["missing"]
    assert problems[0].items == (DIMS[1], DIMS[4])
    text = problems[0].message
    assert f"2 of {len(DIMS)}" in text
    assert MODEL.dimension(DIMS[1]).name in text and MODEL.dimension(DIMS[4]).name in text
    assert MODEL.dimension(DIMS[0]).name not in text
    assert assessment.missing_dimensions(draft, MODEL) == [DIMS[1], DIMS[4]]


def test_an_override_needs_a_reason_and_a_checklist_note_an_answer():
    dim = MODEL.dimensions[2]
    draft = complete(assessment.Draft(A, NEW_ROUND, guided=True), [1] * len(DIMS))
    for other in MODEL.dimensions:  # every other dimension: ticks that give level 1
        draft = draft.with_answer(other.id, ticks=frozenset(all_ticks(other, 1)))
    assert assessment.submit_problems(draft, MODEL) == []
    draft = draft.with_answer(dim.id, level=3)
    problems = assessment.submit_problems(draft, MODEL)
    assert [(p.kind, p.items) for p in problems] == [("reason", (dim.id,))]
    assert dim.name in problems[0].message and "1 Early" in problems[0].message
    draft = draft.with_answer(dim.id, reason="   ")
    assert [p.kind for p in assessment.submit_problems(draft, MODEL)] == ["reason"]
    draft = draft.with_answer(dim.id, reason="Statements lag behind our new warehouse")
    assert assessment.submit_problems(draft, MODEL) == []
    item = MODEL.checklist[0]
    draft = draft.with_checklist(item.id, note="to check")
    problems = assessment.submit_problems(draft, MODEL)
    assert [(p.kind, p.items) for p in problems] == [("checklist", (item.id,))]
    draft = draft.with_checklist(item.id, in_place=False)
    assert assessment.submit_problems(draft, MODEL) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level": 5}, "not 1-4"),
        ({"confidence": "certain"}, "confidence must be one of"),
        ({"evidence": "x" * (assessment.EVIDENCE_MAX_CHARS + 1)}, "over the limit"),
        ({"reason": "x" * (assessment.REASON_MAX_CHARS + 1)}, "over the limit"),
        ({"ticks": frozenset({(1, 99)})}, "no statement"),
    ],
)
def test_values_the_form_cannot_produce_are_refused(db, change, message):
    draft = assessment.Draft(A, NEW_ROUND).with_answer(DIMS[0], **change)
    with pytest.raises(ValueError, match=message):
        assessment.save_draft(db, V, draft, actor="me", model=MODEL)
    assert assessment.load_draft(db, V, A, NEW_ROUND).submission_id is None


def test_evidence_at_the_limit_is_kept_whole(db):
    text = "é" * assessment.EVIDENCE_MAX_CHARS
    draft = assessment.Draft(A, NEW_ROUND).with_answer(DIMS[0], evidence=text)
    assessment.save_draft(db, V, draft, actor="me", model=MODEL)
    assert assessment.load_draft(db, V, A, NEW_ROUND).answer(DIMS[0]).evidence == text


def test_unknown_dimension_or_checklist_item_is_refused():
    with pytest.raises(ValueError, match="unknown dimension"):
        assessment.check_values(assessment.Draft(A, NEW_ROUND).with_answer("nope", level=1), MODEL)
    with pytest.raises(ValueError, match="unknown checklist item"):
        assessment.check_values(
            assessment.Draft(A, NEW_ROUND).with_checklist("nope", in_place=True), MODEL
        )


# ---------------------------------------------------------------------------------------------
# Drafts


def test_a_new_round_starts_empty_and_a_draft_saves_and_resumes(db):
    draft = assessment.load_draft(db, V, A, NEW_ROUND)
    assert draft.answers == {} and draft.submission_id is None and draft.revision == 0
    draft = draft.with_answer(DIMS[0], evidence="Protocols <script>x</script> *signed*")
    draft = draft.with_answer(DIMS[1], level=3, confidence="high", reason="why")
    draft = draft.with_answer(DIMS[2], ticks=frozenset({(1, 0)}))
    draft = draft.with_checklist(MODEL.checklist[0].id, note="to ask")
    draft = draft.with_checklist(MODEL.checklist[1].id, in_place=True, note="yes, 2024")
    saved = assessment.save_draft(db, V, draft, actor="me", model=MODEL)
    assert saved.submission_id is not None and saved.revision == 1 and saved.saved_by == "me"
    resumed = assessment.load_draft(db, V, A, NEW_ROUND)
    assert resumed.answers == draft.answers
    assert resumed.checklist == draft.checklist
    assert resumed.submission_id == saved.submission_id and resumed.revision == 1
    # saving again replaces the draft: one draft, new content, no leftovers
    again = assessment.save_draft(
        db, V, resumed.with_answer(DIMS[0], evidence=""), actor="me", model=MODEL
    )
    assert again.submission_id == saved.submission_id and again.revision == 2
    resumed = assessment.load_draft(db, V, A, NEW_ROUND)
    assert DIMS[0] not in resumed.answers
    with connect(db) as conn:
        history = store.submission_history(conn, V, A)
    assert list(history["status"]) == ["draft"]


def test_guided_mode_stores_the_proposed_level_and_reason(db):
    dim = MODEL.dimensions[0]
    draft = assessment.Draft(A, NEW_ROUND, guided=True)
    draft = assessment.follow_proposal(draft, dim, all_ticks(dim, 2))
    draft = draft.with_answer(dim.id, level=3, reason="new protocols")
    saved = assessment.save_draft(db, V, draft, actor="me", model=MODEL)
    ratings = hist.submission_ratings(db, V, [saved.submission_id]).set_index("dimension_id")
    assert ratings.loc[dim.id, "level"] == 3
    assert ratings.loc[dim.id, "proposed_level"] == 2
    assert ratings.loc[dim.id, "override_reason"] == "new protocols"
    resumed = assessment.load_draft(db, V, A, NEW_ROUND)
    assert resumed.guided and resumed.answer(dim.id).ticks == frozenset(all_ticks(dim, 2))


def test_a_draft_never_counts_in_benchmarks(db):
    draft = complete(assessment.load_draft(db, V, A, NEW_ROUND), [4] * len(DIMS))
    assessment.save_draft(db, V, draft, actor="me", model=MODEL)
    with connect(db) as conn:
        assert scoring.authority_levels(conn, V, NEW_ROUND, "gated").empty
        assert scoring.latest_round(conn, V) is None


def test_a_round_with_a_current_submission_prefills_a_new_draft(demo_db):
    with connect(demo_db) as conn:
        current = store.current_ratings(conn, V, A, "2026-03")
    draft = assessment.load_draft(demo_db, V, A, "2026-03")
    assert draft.submission_id is None and draft.prefilled_from == draft.base_id
    assert draft.levels() == dict(zip(current["dimension_id"], current["level"], strict=True))
    assert "No open draft" in assessment_tables.draft_status(draft, MODEL)


# ---------------------------------------------------------------------------------------------
# Submitting


def test_submit_refuses_an_incomplete_draft_and_writes_nothing(db):
    draft = complete(assessment.load_draft(db, V, A, NEW_ROUND), [2] * len(DIMS))
    draft = draft.with_answer(DIMS[-1], level=None)
    with connect(db) as conn:
        before = store.table_counts(conn)
    with pytest.raises(assessment.SubmitRefused) as refused:
        assessment.submit(db, V, draft, actor="me", model=MODEL)
    assert refused.value.problems[0].items == (DIMS[-1],)
    with connect(db) as conn:
        assert store.table_counts(conn) == before


def test_submit_makes_the_current_submission_and_scoring_sees_it(db):
    levels = [3, 3, 2, 4, 3, 1, 4, 4]
    draft = complete(assessment.load_draft(db, V, A, NEW_ROUND), levels)
    result = assessment.submit(db, V, draft, actor="me", model=MODEL)
    assert result.superseded_id is None
    with connect(db) as conn:
        gated = scoring.authority_levels(conn, V, NEW_ROUND, "gated")
        best = scoring.authority_levels(conn, V, NEW_ROUND, "best-fit")
        rows = store.submission_history(conn, V, A)
    assert list(rows["status"]) == ["submitted"] and rows["submitted_by"][0] == "me"
    assert list(rows["source"]) == ["form"]
    assert gated["overall"][0] == min(levels)
    assert best["overall"][0] == sum(levels) // len(levels)
    table = assessment_tables.result_table(gated, best, A, MODEL)
    assert list(table["Strand"]) == [s.name for s in MODEL.strands] + ["Overall"]
    assert table["Gated"].iloc[-1] == f"1 {MODEL.level_names[1]}"
    assert table["Best fit"].iloc[-1] == f"3 {MODEL.level_names[3]}"
    for strand in MODEL.strands:
        row = table[table["Strand"] == strand.name].iloc[0]
        assert row["Gated"].startswith(str(gated[strand.id][0]))
        assert row["Best fit"].startswith(str(best[strand.id][0]))
    assert assessment_tables.has_levels(gated, A) and not assessment_tables.has_levels(gated, B)
    assert assessment_tables.index_text(gated, A) == scoring.format_index(sum(levels) / len(levels))
    # after submitting, the form starts from the submission; there is no open draft
    after = assessment.load_draft(db, V, A, NEW_ROUND)
    assert after.submission_id is None and after.base_id == result.submission_id
    assert after.levels() == dict(zip(DIMS, levels, strict=True))


def test_submitting_again_supersedes_and_keeps_history(demo_db):
    with connect(demo_db) as conn:
        old = store.submission_history(conn, V, A)
    old_current = int(
        old[(old["round_id"] == "2026-03") & (old["status"] == "submitted")]["id"].iloc[0]
    )
    draft = assessment.load_draft(demo_db, V, A, "2026-03")
    draft = draft.with_answer(DIMS[0], level=4, evidence="moved up")
    result = assessment.submit(demo_db, V, draft, actor="me", model=MODEL)
    assert result.superseded_id == old_current
    history = hist.history(demo_db, V, A)
    by_id = history.set_index("id")
    assert by_id.loc[old_current, "status"] == "superseded"
    assert by_id.loc[old_current, "superseded_by"] == result.submission_id
    assert by_id.loc[result.submission_id, "status"] == "submitted"
    assert len(history) == len(old) + 1
    with connect(demo_db) as conn:
        assert store.integrity_problems(conn) == []
        dims = scoring.dimension_levels(conn, V, "2026-03")
    own = dims[dims["authority_code"] == A].set_index("dimension_id")
    assert own.loc[DIMS[0], "level"] == 4


def test_a_stale_copy_cannot_be_submitted(db):
    one = complete(assessment.load_draft(db, V, A, NEW_ROUND), [2] * len(DIMS))
    two = complete(assessment.load_draft(db, V, A, NEW_ROUND), [3] * len(DIMS))
    assessment.submit(db, V, one, actor="one", model=MODEL)
    with pytest.raises(assessment.DraftConflict):
        assessment.submit(db, V, two, actor="two", model=MODEL)
    with connect(db) as conn:
        assert len(store.submission_history(conn, V, A)) == 1


def test_an_import_arriving_after_the_form_was_opened_is_not_overwritten_silently(db, tmp_path):
    draft = complete(assessment.load_draft(db, V, A, NEW_ROUND), [2] * len(DIMS))
    draft = assessment.save_draft(db, V, draft, actor="la", model=MODEL)
    csv = (
        "authority,round,"
        + ",".join(DIMS)
        + "\n"
        + f"{A},{NEW_ROUND},"
        + ",".join(["4"] * len(DIMS))
    )
    [result] = import_returns(db, [("late.csv", csv.encode())], actor="national")
    assert result.outcome == "imported"
    with pytest.raises(assessment.DraftConflict, match="Another submission"):
        assessment.submit(db, V, draft, actor="la", model=MODEL)
    fresh = assessment.load_draft(db, V, A, NEW_ROUND)
    assert fresh.submission_id == draft.submission_id  # the draft was kept
    assert fresh.levels() == draft.levels()
    submitted = assessment.submit(db, V, fresh, actor="la", model=MODEL)
    assert submitted.superseded_id == result.submission_ids[0]


def test_a_viewer_can_assess_only_their_own_authority(db):
    own = Viewer(role="authority", authority_code=A)
    assert assessment.assessable_authorities(own, [A, B]) == [A]
    assert assessment.assessable_authorities(V, [A, B]) == [A, B]
    with pytest.raises(assessment.NotAllowed):
        assessment.load_draft(db, own, B, NEW_ROUND)
    with pytest.raises(assessment.NotAllowed):
        assessment.save_draft(db, own, assessment.Draft(B, NEW_ROUND), actor="x", model=MODEL)
    saved = assessment.save_draft(
        db, own, assessment.Draft(A, NEW_ROUND).with_answer(DIMS[0], level=1), actor="x"
    )
    assert saved.submission_id is not None


def test_unknown_authority_or_round_is_refused(db):
    with pytest.raises(ValueError, match="no round"):
        assessment.save_draft(db, V, assessment.Draft(A, "2099-03"), actor="x", model=MODEL)
    with pytest.raises(ValueError, match="unknown authority"):
        assessment.save_draft(db, V, assessment.Draft("E99999999", NEW_ROUND), actor="x")


def test_assessment_rounds_include_rounds_without_submissions(db):
    assert assessment.assessment_rounds(db) == [NEW_ROUND]
    assert assessment.default_round(["2027-03", "2026-03"], "2026-03") == "2026-03"
    assert assessment.default_round(["2027-03", "2026-03"], "2019-03") == "2027-03"
    assert assessment.default_round([], None) is None


# ---------------------------------------------------------------------------------------------
# Tables, history and diffs


# ---------------------------------------------------------------------------------------------
# Submitting what is already the current submission; what a submission changes


def test_submitting_the_current_submission_again_is_a_noop_that_says_so(db):
    draft = complete(assessment.load_draft(db, V, A, NEW_ROUND), [2] * len(DIMS))
    first = assessment.submit(db, V, draft, actor="x", model=MODEL)
    again = assessment.load_draft(db, V, A, NEW_ROUND)
    assert again.prefilled_from == first.submission_id
    with pytest.raises(assessment.SubmitUnchanged) as caught:
        assessment.submit(db, V, again, actor="x", model=MODEL)
    assert "exactly what the current submission says" in str(caught.value)
    with connect(db) as conn:
        rows = store.submission_history(conn, V, A)
    assert list(rows[rows["round_id"] == NEW_ROUND]["status"]) == ["submitted"]
