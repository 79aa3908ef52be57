"""ehdmm.history: an authority's submissions for people, and the difference between two."""

from __future__ import annotations

import re

import pandas as pd
from test_assessment import complete, db  # noqa: F401 (db: a fixture)

from ehdmm import assessment
from ehdmm import history as hist
from ehdmm.database import record_submission
from ehdmm.model import load_model
from ehdmm.viewer import LOCAL_VIEWER

MODEL = load_model()
DIMS = MODEL.dimension_ids
A, B = "E06000023", "E08000025"
NEW_ROUND = "2027-03"
V = LOCAL_VIEWER


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["dimension_id", "level", "evidence", "confidence"])


def test_diff_table_tells_what_changed_and_how():
    a = frame([(DIMS[0], 2, "x", "low"), (DIMS[1], 3, "y", "high"), (DIMS[2], 1, None, None)])
    b = frame([(DIMS[0], 3, "x", "low"), (DIMS[1], 3, "z", "high"), (DIMS[3], 4, None, None)])
    diff = hist.diff_table(a, b, MODEL).set_index("Dimension")
    names = {d.id: d.name for d in MODEL.dimensions}
    assert diff.loc[names[DIMS[0]], "Change"] == "2 Developing → 3 Maturing (+1)"
    assert diff.loc[names[DIMS[1]], "Change"] == "unchanged"
    assert bool(diff.loc[names[DIMS[1]], "Evidence changed"]) is True
    assert diff.loc[names[DIMS[2]], "Change"] == "1 Early → not rated"
    assert diff.loc[names[DIMS[3]], "Change"] == "not rated → 4 Mature"
    assert diff.loc[names[DIMS[4]], "Change"] == "not rated in either"
    assert list(diff["Level changed"]).count(True) == 3
    summary = hist.diff_summary(diff.reset_index(), len(DIMS))
    assert summary.startswith(f"3 of {len(DIMS)} dimensions changed level")
    same = hist.diff_table(a, a, MODEL)
    assert hist.diff_summary(same, len(DIMS)).startswith("No dimension changed")


def test_history_lists_every_status_with_date_source_and_author(db):  # noqa: F811
    first = complete(assessment.load_draft(db, V, A, NEW_ROUND), [2] * len(DIMS))
    assessment.submit(db, V, first, actor="alice", model=MODEL)
    second = complete(assessment.load_draft(db, V, A, NEW_ROUND), [3] * len(DIMS))
    assessment.submit(db, V, second, actor="bob", model=MODEL)
    third = assessment.load_draft(db, V, A, NEW_ROUND).with_answer(DIMS[0], level=4)
    assessment.save_draft(db, V, third, actor="carol", model=MODEL)
    record_submission(db, B, NEW_ROUND, dict.fromkeys(DIMS, 1))  # another authority: not shown
    history = hist.history(db, V, A)
    table = hist.history_table(history)
    assert list(table["Status"]) == ["draft", "submitted", "superseded"]
    assert list(table["Author"]) == ["carol", "bob", "alice"]
    assert list(table["Source"]) == ["form"] * 3
    assert table["Date"].str.match(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()
    labels = hist.submission_labels(history)
    assert list(labels) == list(history["id"])
    assert all("· form" in label for label in labels.values())
    stem = hist.compare_stem(history, A, int(history["id"].iloc[1]), int(history["id"].iloc[0]))
    assert re.fullmatch(
        rf"ehdmm_{A}_compare_{NEW_ROUND}_\d{{8}}-\d{{4}}_{NEW_ROUND}_\d{{8}}-\d{{4}}", stem
    )
    rounds = dict(zip(history["id"], history["round_id"], strict=True))
    assert all(label.startswith(f"{rounds[i]} · ") for i, label in labels.items())  # no id
    assert list(table["Superseded on"]) == ["", "", table["Date"].iloc[1]]
    older, newer = hist.default_pair(history, NEW_ROUND)
    assert (older, newer) == (int(history["id"].iloc[1]), int(history["id"].iloc[0]))
    ratings = hist.submission_ratings(db, V, [older, newer])
    diff = hist.diff_table(hist.ratings_of(ratings, older), hist.ratings_of(ratings, newer), MODEL)
    assert list(diff["Level changed"]) == [True] + [False] * (len(DIMS) - 1)


def test_default_pair_uses_the_latest_rounds_when_the_round_has_one_submission():
    history = pd.DataFrame(
        {
            "id": [5, 9, 12],
            "round_id": ["2024-03", "2025-03", "2026-03"],
            "status": ["submitted"] * 3,
        }
    )
    assert hist.default_pair(history, "2026-03") == (9, 12)
    assert hist.default_pair(history.iloc[:1], "2026-03") == (None, None)
