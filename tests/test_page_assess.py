"""AppTest of pages/7_Assess.py on real DuckDB files: filling in the form in both modes, saving
as the user goes, resuming in a new session, submitting (the levels shown equal the scoring
module's), refusals (a missing dimension, an override without a reason) and conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import oracle
import pytest
from streamlit.testing.v1 import AppTest
from test_storage_db import hold_lock

from ehdmm import assessment, collection, peers, scoring
from ehdmm import history as hist
from ehdmm.analysis import core
from ehdmm.model import load_model
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.ui import data_assess as keys
from ehdmm.viewer import LOCAL_VIEWER

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "pages/7_Assess.py"
MODEL = load_model()
DIMS = MODEL.dimension_ids
A, B = "E06000023", "E08000025"
NEW_ROUND = "2027-03"


@pytest.fixture
def db(demo_db):
    """The demo database with a new round that has no submission yet, and 2026-03 kept open
    by the national team (a round made by an import is closed once a later round exists)."""
    write_with_retry(demo_db, lambda conn: ref.add_round(conn, NEW_ROUND))
    collection.open_round(demo_db, LOCAL_VIEWER, "2026-03", actor="tests")
    return demo_db


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    """The app as served (home page first, then this page), so page links resolve."""
    monkeypatch.setenv("EHDMM_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def choose_round(at: AppTest, round_id: str) -> None:
    at.selectbox(key=keys.ROUND_KEY).select(round_id).run()
    ok(at)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def submit(at: AppTest) -> None:
    """Submit, then confirm after reading what changes (when there is nothing missing)."""
    button(at, "Submit the assessment").click().run()
    ok(at)
    confirm = [b for b in at.button if b.label == "Confirm and submit"]
    if confirm:
        confirm[0].click().run()
        ok(at)


def submitted_rows(db: Path, round_id: str = NEW_ROUND, authority: str = A):
    with connect(db) as conn:
        history = store.submission_history(conn, LOCAL_VIEWER, authority)
    return history[(history["round_id"] == round_id) & (history["status"] != "draft")]


def texts(elements) -> str:
    return " | ".join(e.value for e in elements)


def result_frame(at: AppTest):
    return next(d.value for d in at.dataframe if "Gated" in d.value.columns)


def test_direct_mode_fill_in_submit_and_see_the_computed_levels(db, monkeypatch):
    """Round 2026-03 has the demo's submission: the form starts from it, and submitting
    supersedes it (kept as history); the levels shown are the scoring module's."""
    round_id = "2026-03"
    at = open_page(db, monkeypatch, authority=A, peers="region", round=round_id)
    assert at.selectbox(key=keys.ROUND_KEY).value == round_id
    assert "No open draft" in texts(at.caption)
    before = submitted_rows(db, round_id)
    assert list(before["status"]) == ["submitted"]
    levels = [4, 1, 4, 4, 3, 2, 4, 2]  # gated and best fit differ (strands and overall)
    for dim, level in zip(DIMS, levels, strict=True):
        at.radio(key=keys.level_key(dim)).set_value(level)
    at.radio(key=keys.confidence_key(DIMS[0])).set_value("high")
    at.text_area(key=keys.evidence_key(DIMS[0])).input("Protocols signed with police")
    at.radio(key=keys.check_key(MODEL.checklist[0].id)).set_value("yes")
    at.text_input(key=keys.note_key(MODEL.checklist[0].id)).input("Signed 2026")
    at.run()
    ok(at)
    assert "saved automatically" in texts(at.caption)
    assert f"{len(DIMS)} of {len(DIMS)} dimensions rated" in at.get("progress")[0].proto.text
    draft = assessment.load_draft(db, LOCAL_VIEWER, A, round_id)
    assert draft.submission_id is not None
    assert draft.levels() == dict(zip(DIMS, levels, strict=True))
    assert draft.answer(DIMS[0]).evidence == "Protocols signed with police"
    assert draft.answer(DIMS[0]).confidence == "high"
    assert draft.checklist_answer(MODEL.checklist[0].id) == assessment.ChecklistAnswer(
        True, "Signed 2026"
    )
    after = submitted_rows(db, round_id)  # a draft changes no submission
    assert after.reset_index(drop=True).equals(before.reset_index(drop=True))

    button(at, "Submit the assessment").click().run()  # asks first, saying what changes
    ok(at)
    asked = texts(at.markdown)
    assert "Submit this assessment?" in asked and "dimensions changed level" in asked
    assert submitted_rows(db, round_id).reset_index(drop=True).equals(before.reset_index(drop=True))
    button(at, "Confirm and submit").click().run()
    ok(at)
    assert "Submitted" in texts(at.success)
    rows = submitted_rows(db, round_id).set_index("id")
    old = int(before["id"].iloc[0])
    assert rows.loc[old, "status"] == "superseded"
    new = rows[rows["status"] == "submitted"]
    assert len(new) == 1 and new["source"].iloc[0] == "form"
    assert rows.loc[old, "superseded_by"] == new.index[0]
    assert "supersedes the previous submission" in texts(at.success)

    with connect(db) as conn:
        gated = scoring.authority_levels(conn, LOCAL_VIEWER, round_id, "gated")
        best = scoring.authority_levels(conn, LOCAL_VIEWER, round_id, "best-fit")
    shown = result_frame(at)
    own_gated = gated[gated["authority_code"] == A].iloc[0]
    own_best = best[best["authority_code"] == A].iloc[0]
    for strand in MODEL.strands:
        row = shown[shown["Strand"] == strand.name].iloc[0]
        assert row["Gated"] == f"{own_gated[strand.id]} {MODEL.level_names[own_gated[strand.id]]}"
        assert row["Best fit"] == f"{own_best[strand.id]} {MODEL.level_names[own_best[strand.id]]}"
    overall = shown[shown["Strand"] == "Overall"].iloc[0]
    assert overall["Gated"].startswith(str(own_gated["overall"]))
    assert overall["Best fit"].startswith(str(own_best["overall"]))
    assert own_gated["overall"] == min(levels)
    assert own_best["overall"] == sum(levels) // len(levels) != own_gated["overall"]
    index = next(m for m in at.metric if m.label == "Maturity index")
    assert index.value == scoring.format_index(sum(levels) / len(levels))
    members = oracle.peer_codes(db, LOCAL_VIEWER, A, "region")
    rank = core.rank_in_group(gated, A, members)
    assert 1 < rank.n < 153  # the region, not England
    assert f"Rank by maturity index in {peers.parse_peer_group('region').label}: {rank.text}" in (
        texts(at.markdown)
    )
    assert any("not a league table" in c.value for c in at.caption)
    links = at.get("page_link")
    assert links and "Authority profile" in links[0].proto.label
    assert "authority=E06000023" in links[0].proto.query_string


def test_guided_mode_proposes_a_level_and_an_override_needs_a_reason(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    choose_round(at, NEW_ROUND)
    at.toggle(key=keys.GUIDED_KEY).set_value(True).run()
    ok(at)
    first = MODEL.dimensions[0]
    # every dimension: tick all the first level's statements; the first one: up to level 2
    for dimension in MODEL.dimensions:
        top = 2 if dimension is first else 1
        for level in range(1, top + 1):
            for index in range(len(dimension.statements[level])):
                at.checkbox(key=keys.tick_key(dimension.id, level, index)).check()
    at.run()
    ok(at)
    draft = assessment.load_draft(db, LOCAL_VIEWER, A, NEW_ROUND)
    assert draft.answer(first.id).level == 2  # the proposal
    assert all(draft.answer(d).level == 1 for d in DIMS[1:])
    assert at.radio(key=keys.guided_level_key(first.id)).value == 0  # as the statements give
    assert f"The ticked statements give: **2 {MODEL.level_names[2]}**" in texts(at.caption)

    at.radio(key=keys.guided_level_key(first.id)).set_value(3).run()  # override, no reason
    ok(at)
    assert "Give a reason" in texts(at.warning)
    submit(at)
    assert "Not submitted" in texts(at.error) and "give a reason" in texts(at.error)
    assert first.name in texts(at.error)
    assert submitted_rows(db).empty

    at.text_input(key=keys.reason_key(first.id)).input("New warehouse live in May").run()
    ok(at)
    submit(at)
    assert "Submitted" in texts(at.success)
    rows = submitted_rows(db)
    ratings = hist.submission_ratings(db, LOCAL_VIEWER, [int(rows["id"].iloc[0])])
    own = ratings.set_index("dimension_id")
    assert own.loc[first.id, "level"] == 3 and own.loc[first.id, "proposed_level"] == 2
    assert own.loc[first.id, "override_reason"] == "New warehouse live in May"
    with connect(db) as conn:
        gated = scoring.authority_levels(conn, LOCAL_VIEWER, NEW_ROUND, "gated")
    shown = result_frame(at)
    assert (
        shown["Gated"].iloc[-1]
        == f"1 {MODEL.level_names[1]}"
        == (f"{gated['overall'].iloc[0]} {MODEL.level_names[1]}")
    )


def test_a_draft_resumes_in_a_fresh_session(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    choose_round(at, NEW_ROUND)
    at.radio(key=keys.level_key(DIMS[0])).set_value(4)
    at.radio(key=keys.level_key(DIMS[3])).set_value(2)
    at.text_area(key=keys.evidence_key(DIMS[3])).input("Training plan **2026** <b>x</b>")
    at.toggle(key=keys.GUIDED_KEY).set_value(True)
    at.run()
    ok(at)
    at.checkbox(key=keys.tick_key(DIMS[1], 1, 0)).check().run()
    ok(at)

    fresh = open_page(db, monkeypatch, authority=A)  # a new browser session, same database
    choose_round(fresh, NEW_ROUND)
    # guided mode resumes: levels chosen before it stand, as chosen
    assert fresh.radio(key=keys.guided_level_key(DIMS[0])).value == 4
    assert fresh.radio(key=keys.guided_level_key(DIMS[3])).value == 2
    assert fresh.radio(key=keys.guided_level_key(DIMS[2])).value == 0  # none chosen
    assert fresh.text_area(key=keys.evidence_key(DIMS[3])).value == (
        "Training plan **2026** <b>x</b>"
    )
    assert fresh.toggle(key=keys.GUIDED_KEY).value is True
    assert fresh.checkbox(key=keys.tick_key(DIMS[1], 1, 0)).value is True
    assert "saved automatically" in texts(fresh.caption)
    # user text never reaches a markdown element
    assert not any("<b>x</b>" in m.value for m in [*fresh.markdown, *fresh.caption])


def test_submit_with_a_missing_dimension_lists_what_is_missing(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    choose_round(at, NEW_ROUND)
    for dim in DIMS[:-2]:
        at.radio(key=keys.level_key(dim)).set_value(2)
    at.run()
    submit(at)
    error = texts(at.error)
    assert "Not submitted" in error and f"2 of {len(DIMS)} not rated yet" in error
    for dim in DIMS[-2:]:
        assert MODEL.dimension(dim).name in error
    assert MODEL.dimension(DIMS[0]).name not in error
    assert submitted_rows(db).empty
    assert not at.success


def test_changing_the_authority_shows_its_own_answers(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    with connect(db) as conn:
        own = store.current_ratings(conn, LOCAL_VIEWER, A, "2026-03").set_index("dimension_id")
        other = store.current_ratings(conn, LOCAL_VIEWER, B, "2026-03").set_index("dimension_id")
    assert at.selectbox(key=keys.ROUND_KEY).value == "2026-03"  # the sidebar's round
    shown = {d: at.radio(key=keys.level_key(d)).value for d in DIMS}
    assert shown == {d: int(own.loc[d, "level"]) for d in DIMS}
    at.sidebar.selectbox[0].select(B).run()
    ok(at)
    shown = {d: at.radio(key=keys.level_key(d)).value for d in DIMS}
    assert shown == {d: int(other.loc[d, "level"]) for d in DIMS}
    assert "No open draft" in texts(at.caption)
    at.sidebar.selectbox[1].select("2025-03").run()  # the sidebar's round becomes the default
    ok(at)
    assert at.selectbox(key=keys.ROUND_KEY).value == "2025-03"


def test_a_change_from_a_stale_session_is_refused_with_try_again(db, monkeypatch):
    one = open_page(db, monkeypatch, authority=A)
    choose_round(one, NEW_ROUND)
    two = open_page(db, monkeypatch, authority=A)
    choose_round(two, NEW_ROUND)
    two.radio(key=keys.level_key(DIMS[0])).set_value(3).run()
    ok(two)
    one.radio(key=keys.level_key(DIMS[0])).set_value(1).run()  # made on an out-of-date copy
    ok(one)
    assert "changed in another window or session" in texts(one.warning)
    assert one.radio(key=keys.level_key(DIMS[0])).value == 3  # the saved version is shown
    assert assessment.load_draft(db, LOCAL_VIEWER, A, NEW_ROUND).answer(DIMS[0]).level == 3
    one.radio(key=keys.level_key(DIMS[0])).set_value(1).run()  # trying again works
    ok(one)
    assert assessment.load_draft(db, LOCAL_VIEWER, A, NEW_ROUND).answer(DIMS[0]).level == 1


def test_the_page_shows_the_descriptors_and_measures_of_every_dimension(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    shown = texts(at.markdown)
    for strand in MODEL.strands:
        assert strand.name in texts(at.header)
        if not strand.measures_incomplete:
            assert strand.measures in shown
    for dimension in MODEL.dimensions:
        for level in MODEL.level_names:
            assert dimension.descriptor(level) in shown
    assert len(at.get("progress")) == 1
    summary = next(d.value for d in at.dataframe if "Dimension" in d.value.columns)
    assert list(summary["Dimension"]) == [d.name for d in MODEL.dimensions]
    spec = json.dumps([c.value for c in at.caption])
    assert "Most of this MEASURES line" in spec


def test_a_busy_database_keeps_the_change_and_asks_to_try_again(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    choose_round(at, NEW_ROUND)
    holder = hold_lock(db, 7.0)  # another process holds the file longer than the 5 s timeout
    try:
        at.radio(key=keys.level_key(DIMS[0])).set_value(2).run()
        ok(at)
        error = texts(at.error)
        assert "Not saved" in error and "busy" in error and "Try again" in error
        assert at.radio(key=keys.level_key(DIMS[0])).value == 2  # kept in the window
    finally:
        holder.wait(timeout=30)
    assert assessment.load_draft(db, LOCAL_VIEWER, A, NEW_ROUND).submission_id is None
    at.button(key="assess_save_top").click().run()
    ok(at)
    assert assessment.load_draft(db, LOCAL_VIEWER, A, NEW_ROUND).answer(DIMS[0]).level == 2
    assert "Draft saved" in texts(at.success)
    assert "saved automatically" in texts(at.caption)


def test_submitting_the_same_assessment_twice_says_nothing_changes(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    choose_round(at, NEW_ROUND)
    for dim in DIMS:
        at.radio(key=keys.level_key(dim)).set_value(2)
    at.run()
    button(at, "Submit the assessment").click().run()
    assert "first submission for round 2027-03" in texts(at.markdown)
    button(at, "Confirm and submit").click().run()
    ok(at)
    assert len(submitted_rows(db)) == 1
    button(at, "Submit the assessment").click().run()  # the second click of a double click
    ok(at)
    assert "identical to the current submission" in texts(at.info)
    assert not [b for b in at.button if b.label == "Confirm and submit"]
    assert len(submitted_rows(db)) == 1


def test_switching_guided_mode_on_opens_no_draft_and_asks_no_reasons(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)  # 2026-03: the demo's complete submission
    at.toggle(key=keys.GUIDED_KEY).set_value(True).run()
    ok(at)
    assert assessment.load_draft(db, LOCAL_VIEWER, A, "2026-03").submission_id is None
    assert "Give a reason" not in texts(at.warning)
    assert "give a reason" not in texts(at.caption)
    assert "No open draft" in texts(at.caption)
    at.checkbox(key=keys.tick_key(DIMS[1], 1, 0)).check().run()  # the first real answer
    ok(at)
    draft = assessment.load_draft(db, LOCAL_VIEWER, A, "2026-03")
    assert draft.submission_id is not None and draft.guided


def test_every_statement_is_shown_in_full_beside_its_tick_box(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    at.toggle(key=keys.GUIDED_KEY).set_value(True).run()
    ok(at)
    shown = texts(at.markdown)
    for dimension in MODEL.dimensions:
        for statements in dimension.statements.values():
            for statement in statements:
                assert keys.plain(statement) in shown
    box = at.checkbox(key=keys.tick_key(DIMS[0], 1, 0))
    assert box.label == MODEL.dimensions[0].statements[1][0]
