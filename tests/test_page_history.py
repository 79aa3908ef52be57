"""AppTest of pages/9_History.py on real DuckDB files: every submission of the chosen authority
(draft, submitted, superseded) with date, source and author, and the side-by-side diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ehdmm import assessment
from ehdmm import history as hist
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "9_History.py")
MODEL = load_model()
DIMS = MODEL.dimension_ids
A, B = "E06000023", "E08000025"
V = LOCAL_VIEWER


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("EHDMM_DB", str(db))
    at = AppTest.from_file(PAGE, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture
def db(demo_db):
    """Demo data, then for A in 2026-03: a resubmission (superseding the demo's) by 'alice' and
    an open draft by 'bob' with one level changed and text that must stay plain."""
    draft = assessment.load_draft(demo_db, V, A, "2026-03")
    before = draft.answer(DIMS[0]).level
    draft = draft.with_answer(DIMS[0], level=1 if before == 4 else 4)  # a change, whatever it was
    assessment.submit(demo_db, V, draft, actor="alice")
    draft = assessment.load_draft(demo_db, V, A, "2026-03")
    draft = draft.with_answer(DIMS[1], level=1, evidence="<b>bold</b> **md**")
    assessment.save_draft(demo_db, V, draft, actor="bob")
    return demo_db


def test_history_lists_every_submission_with_date_source_and_author(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    table = frame_with(at, "Status")
    with connect(db) as conn:
        expected = store.submission_history(conn, V, A)
    assert "Submission" not in table.columns and "Superseded by" not in table.columns
    assert list(table["Round"]) == list(expected["round_id"])
    assert set(table["Status"]) == {"draft", "submitted", "superseded"}
    in_round = table[table["Round"] == "2026-03"]
    assert list(in_round["Status"]) == ["draft", "submitted", "superseded"]
    assert list(in_round["Author"])[:2] == ["bob", "alice"]
    assert list(in_round["Source"]) == ["form", "form", "demo"]
    assert in_round["Date"].str.match(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()
    superseded = in_round.iloc[2]
    assert superseded["Superseded on"] == in_round.iloc[1]["Date"]  # when it was replaced
    assert (in_round.iloc[:2]["Superseded on"] == "").all()
    assert (table["Round"] == "2025-03").any()
    assert any("CSV" in b.label for b in at.get("download_button"))


def test_the_diff_shows_which_dimensions_changed_from_which_level_to_which(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A, round="2026-03")
    with connect(db) as conn:
        history = store.submission_history(conn, V, A)
    in_round = history[history["round_id"] == "2026-03"]
    draft_id, current_id, old_id = (int(i) for i in in_round["id"])
    # default: the two newest of the sidebar's round: the current submission and the draft
    assert at.selectbox(key=f"history_a_{A}").value == current_id
    assert at.selectbox(key=f"history_b_{A}").value == draft_id
    diff = frame_with(at, "Change").set_index("Dimension")
    name = MODEL.dimension(DIMS[1]).name
    assert diff["Level changed"].sum() == 1 and diff.loc[name, "Level in B"] == "1 Early"
    assert bool(diff.loc[name, "Evidence changed"]) is True

    at.selectbox(key=f"history_a_{A}").select(old_id).run()
    at.selectbox(key=f"history_b_{A}").select(current_id).run()
    assert not at.exception
    ratings = hist.submission_ratings(db, V, [old_id, current_id]).set_index(
        ["submission_id", "dimension_id"]
    )
    before = int(ratings.loc[(old_id, DIMS[0]), "level"])
    after = int(ratings.loc[(current_id, DIMS[0]), "level"])
    assert before != after
    diff = frame_with(at, "Change").set_index("Dimension")
    first = MODEL.dimension(DIMS[0]).name
    names = MODEL.level_names
    assert diff.loc[first, "Level in A"] == f"{before} {names[before]}"
    assert diff.loc[first, "Level in B"] == f"{after} {names[after]}"
    assert diff.loc[first, "Change"] == (
        f"{before} {names[before]} → {after} {names[after]} ({after - before:+d})"
    )
    assert diff["Level changed"].sum() == 1
    assert f"1 of {len(DIMS)} dimensions changed level: {first}" in at.markdown[-1].value


def test_user_text_is_never_rendered_as_markdown_or_html(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A, round="2026-03")
    rendered = [*at.markdown, *at.caption, *at.info, *at.warning, *at.error]
    assert not any("<b>bold</b>" in e.value or "**md**" in e.value for e in rendered)


def test_changing_the_authority_changes_the_history(db, monkeypatch):
    at = open_page(db, monkeypatch, authority=A)
    at.sidebar.selectbox[0].select(B).run()
    table = frame_with(at, "Status")
    with connect(db) as conn:
        expected = store.submission_history(conn, V, B)
    assert list(table["Date"]) == list(expected["submitted_at"].dt.strftime("%Y-%m-%d %H:%M"))
    assert "draft" not in set(table["Status"])


def test_an_authority_without_submissions_says_so(empty_db, monkeypatch):
    at = open_page(empty_db, monkeypatch, authority=A)
    assert any("has no submissions or drafts yet" in i.value for i in at.info)
    assert not at.dataframe
