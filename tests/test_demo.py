"""ehdmm.demo: deterministic, plausible, marked synthetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ehdmm import demo, scoring
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER

MODEL = load_model()


def test_generation_is_deterministic():
    codes = [f"A{i}" for i in range(40)]
    one, two = demo.generate(MODEL, codes), demo.generate(MODEL, codes)
    pd.testing.assert_frame_equal(one.ratings, two.ratings)
    other = demo.generate(MODEL, codes, seed=1)
    assert not one.ratings["level"].equals(other.ratings["level"])


def test_demo_database_shape(demo_db):
    with connect(demo_db) as conn:
        counts = store.table_counts(conn)
        history = store.submission_history(conn, LOCAL_VIEWER)
        levels = scoring.authority_levels(conn, LOCAL_VIEWER, None, "gated")
        assert store.integrity_problems(conn) == []
        assert store.is_demo(conn)
    assert counts["authorities"] == 153
    assert sorted(history["round_id"].unique()) == list(demo.ROUNDS)
    assert history["synthetic"].all()
    per_round = levels.groupby("round_id").size()
    assert (per_round < 153).all() and (per_round > 130).all()  # some miss a round
    assert (history["status"] == "superseded").sum() > 5  # a few resubmissions
    assert (levels["rated"] < 8).sum() > 3  # a few incomplete returns
    assert set(levels["overall"].dropna().unique()) <= {1, 2, 3, 4}
    assert counts["checklist_answers"] > 0


def test_strands_correlate_and_progress_is_gradual(demo_db):
    with connect(demo_db) as conn:
        frame = scoring.authority_levels(conn, LOCAL_VIEWER, None, "best-fit")
    strands = frame[list(MODEL.strand_ids)].astype(float)
    corr = strands.corr().to_numpy()
    assert corr[np.triu_indices(5, 1)].mean() > 0.3
    means = frame.groupby("round_id")["index"].mean()
    assert means.is_monotonic_increasing
    wide = frame.pivot(index="authority_code", columns="round_id", values="index").astype(float)
    change = wide.diff(axis=1).stack()
    assert (change < 0).sum() > 0, "some setbacks"
    assert change.abs().max() <= 2.5


def test_scaled_demo_adds_synthetic_copies(tmp_path):
    counts = demo.install_demo(tmp_path / "big.duckdb", scale=3)
    assert counts["authorities"] == 459
    with connect(tmp_path / "big.duckdb") as conn:
        assert store.integrity_problems(conn) == []


def test_demo_refuses_a_database_with_submissions(demo_db):
    with pytest.raises(ValueError, match="already holds submissions"):
        demo.write_demo(demo_db)


def test_demo_plans_for_about_half_the_authorities(demo_db):
    with connect(demo_db) as conn:
        targets = conn.execute("SELECT * FROM targets").df()
        actions = conn.execute("SELECT * FROM plan_actions").df()
        levels = conn.execute(
            "SELECT s.authority_code, r.dimension_id, r.level FROM submissions s "
            "JOIN ratings r ON r.submission_id = s.id "
            "WHERE s.round_id = '2024-03' AND s.status = 'submitted'"
        ).df()
    share = targets["authority_code"].nunique() / 153
    assert 0.35 <= share <= 0.65
    assert targets["synthetic"].all() and actions["synthetic"].all()
    assert set(actions["authority_code"]) == set(targets["authority_code"])
    merged = targets.merge(levels, on=["authority_code", "dimension_id"])
    assert len(merged) == len(targets)
    assert (merged["target_level"] > merged["level"]).all()
    assert (merged["baseline_level"] == merged["level"]).all()
    assert (targets["target_round"] > targets["set_in_round"]).all()
    model = load_model()
    for row in actions.itertuples():
        known = {
            t for texts in model.dimension(row.dimension_id).statements.values() for t in texts
        }
        assert set(row.statements.split("\n")) <= known
    assert set(actions["status"]) <= {"planned", "in progress", "done", "dropped"}


def test_about_a_third_of_the_latest_round_has_two_to_five_respondents(demo_db):
    with connect(demo_db) as conn:
        per = conn.execute(
            "SELECT authority_code, round_id, count(*) AS n, bool_and(synthetic) AS synthetic "
            "FROM respondents GROUP BY ALL"
        ).df()
        assessed = conn.execute(
            "SELECT count(DISTINCT authority_code) FROM submissions "
            "WHERE round_id = '2026-03' AND status = 'submitted'"
        ).fetchone()[0]
        unsynthetic = conn.execute("SELECT count(*) FROM responses WHERE NOT synthetic").fetchone()[
            0
        ]
        spread = conn.execute(
            "SELECT count(*) FROM (SELECT p.authority_code FROM response_ratings r "
            "JOIN respondents p ON p.id = r.respondent_id "
            "GROUP BY p.authority_code, r.dimension_id HAVING max(level) > min(level))"
        ).fetchone()[0]
        consensus = conn.execute(
            "SELECT count(DISTINCT c.submission_id), bool_and(s.status = 'submitted') "
            "FROM consensus_levels c JOIN submissions s ON s.id = c.submission_id"
        ).fetchone()
    assert set(per["round_id"]) == {"2026-03"}
    assert per["n"].between(2, 5).all() and per["synthetic"].all() and unsynthetic == 0
    assert 0.25 <= len(per) / assessed <= 0.42
    assert spread > len(per)  # views differ: more dimensions with a spread than authorities
    assert consensus == (len(per), True)


def test_respondents_leave_the_rest_of_the_demo_as_it_was():
    codes = [f"A{i}" for i in range(40)]
    data = demo.generate(MODEL, codes)
    before = (data.submissions.copy(), data.ratings.copy(), data.checklist.copy())
    partners = demo.generate_partners(MODEL, data)
    assert not partners.respondents.empty
    for frame, kept in zip((data.submissions, data.ratings, data.checklist), before, strict=True):
        pd.testing.assert_frame_equal(frame, kept)
