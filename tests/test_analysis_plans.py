"""Priorities against peers, progress against targets, the national overview of targets."""

from __future__ import annotations

import oracle
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehdmm.analysis import plans
from ehdmm.model import load_model

MODEL = load_model()


def _values(levels, peer, england, peer_suppressed=None):
    ids = list(MODEL.dimension_ids)
    names = {d.id: d.name for d in MODEL.dimensions}
    return pd.DataFrame(
        {
            "item_id": ids,
            "item_name": [names[i] for i in ids],
            "level": pd.array(levels, dtype="Int64"),
            "level_name": [MODEL.level_names.get(v or 0, "incomplete") for v in levels],
            "peer_median": pd.array(peer, dtype="Float64"),
            "peer_n": pd.array([10] * 8, dtype="Int64"),
            "england_median": pd.array(england, dtype="Float64"),
            "england_n": pd.array([150] * 8, dtype="Int64"),
            "peer_suppressed": peer_suppressed or [False] * 8,
            "england_suppressed": [False] * 8,
        }
    )


def test_priorities_sorted_by_gap_then_level():
    levels = [2, 1, 3, 2, 1, 4, 2, 3]
    peer = [2.0, 2.0, 3.5, 3.0, 2.0, 3.0, 2.5, 3.0]
    frame = plans.priorities(_values(levels, peer, [2.0] * 8))
    gaps = frame["gap_to_peer"].tolist()
    assert gaps == sorted(gaps, reverse=True)
    # ties on the gap (1.0: dimensions 1, 3 and 4) by the lowest level first
    tied = frame[frame["gap_to_peer"] == 1.0]
    assert tied["level"].tolist() == sorted(tied["level"].tolist())
    assert frame["priority"].sum() == 3
    assert frame.loc[frame["priority"], "gap_to_peer"].min() >= 0.5
    assert frame["dimension_id"].iloc[0] == MODEL.dimension_ids[1]  # gap 1.0, level 1


def test_a_suppressed_peer_median_sorts_after_and_uses_england():
    levels = [1, 2, 2, 2, 2, 2, 2, 2]
    peer = [None, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0]
    frame = plans.priorities(_values(levels, peer, [3.0] + [2.0] * 7))
    assert frame["dimension_id"].iloc[-1] == MODEL.dimension_ids[0]
    assert pd.isna(frame["gap_to_peer"].iloc[-1]) and frame["gap_to_england"].iloc[-1] == 2.0
    assert frame["priority"].tolist().count(True) == 2  # research (peer gap), then the first


def test_mature_and_unrated_are_never_priorities():
    levels = [4, None, 4, 4, 4, 4, 4, 4]
    frame = plans.priorities(_values(levels, [4.0] * 8, [4.0] * 8))
    assert not frame["priority"].any()


LEVEL = st.one_of(st.none(), st.integers(1, 4))
MEDIAN = st.one_of(st.none(), st.integers(2, 8).map(lambda halves: halves / 2))


@settings(deadline=None)  # pandas' first frames can be slow on a busy machine
@given(
    st.lists(LEVEL, min_size=8, max_size=8),
    st.lists(MEDIAN, min_size=8, max_size=8),
    st.lists(MEDIAN, min_size=8, max_size=8),
    st.integers(0, 8),
)
def test_priorities_are_the_column_wise_references(levels, peer, england, top):
    """Row by row in Python, the same frame (values, order, dtypes) as the pandas reference."""
    values = _values(levels, peer, england)
    pd.testing.assert_frame_equal(plans.priorities(values, top), oracle.priorities(values, top))


def test_priority_cards_give_the_next_levels_statements_and_measures():
    levels = [1, 2, 2, 2, 2, 2, 2, 2]
    frame = plans.priorities(_values(levels, [3.0] + [2.0] * 7, [2.0] * 8))
    (card,) = plans.priority_cards(frame, MODEL, "Region")
    dim = MODEL.dimensions[0]
    assert card.statements == dim.statements[2] and card.next_level_name == "Developing"
    assert card.measures == MODEL.strand(dim.strand_id).measures
    assert "+2.0 levels to the Region median" in card.gap_text


def test_priorities_table_has_numeric_levels_beside_names():
    frame = plans.priorities(_values([1] * 8, [2.0] * 8, [2.0] * 8))
    table = plans.priorities_table(frame, "Region")
    assert table["Level"].tolist() == [1] * 8 and table["Level name"].tolist() == ["Early"] * 8
    assert table["Gap to Region"].tolist() == [1.0] * 8


@pytest.mark.parametrize(
    ("level", "baseline", "target", "target_round", "round_id", "status"),
    [
        (None, 1, 3, "2027-03", "2026-03", "open"),
        (3, 1, 3, "2027-03", "2026-03", "met"),
        (4, 1, 3, "2025-03", "2026-03", "met"),
        (2, 1, 3, "2027-03", "2026-03", "on track"),
        (1, 1, 3, "2027-03", "2026-03", "on track"),
        (1, 2, 3, "2027-03", "2026-03", "not met"),
        (2, 1, 3, "2026-03", "2026-03", "not met"),
        (2, 1, 3, "2025-03", "2026-03", "passed"),
    ],
)
def test_target_status(level, baseline, target, target_round, round_id, status):
    assert plans.target_status(level, baseline, target, target_round, round_id) == status


@given(
    st.one_of(st.none(), st.integers(1, 4)),
    st.integers(1, 4),
    st.integers(2025, 2028),
    st.integers(2025, 2028),
)
def test_met_whenever_the_level_reaches_the_target(level, target, target_year, year):
    status = plans.target_status(level, 1, target, f"{target_year}-03", f"{year}-03")
    assert status in plans.STATUSES
    assert (status == "met") == (level is not None and level >= target)
    if status == "passed":
        assert year > target_year


def test_progress_reads_the_rounds_levels():
    targets = pd.DataFrame(
        {
            "authority_code": ["A", "A", "B"],
            "dimension_id": ["casework", "cba", "casework"],
            "target_level": [3, 2, 4],
            "target_round": ["2027-03", "2026-03", "2025-03"],
            "baseline_level": [1, 1, 2],
        }
    )
    dims = pd.DataFrame(
        {
            "authority_code": ["A", "A", "B"],
            "dimension_id": ["casework", "cba", "casework"],
            "level": pd.array([2, 2, 3], dtype="Int64"),
        }
    )
    frame = plans.progress(targets, dims, "2026-03")
    assert frame["status"].tolist() == ["on track", "met", "passed"]
    assert frame["current_level"].tolist() == [2, 2, 3]
    table = plans.progress_table(frame, MODEL)
    assert table["Level name"].tolist()[0] == "Developing" and table["Target"].tolist()[0] == 3


def test_overview_suppresses_small_counts_for_authority_viewers():
    targets = pd.DataFrame(
        {
            "authority_code": [f"E{i:08d}" for i in range(6)] + ["X", "Y"],
            "dimension_id": ["casework"] * 8,
            "target_level": [3] * 6 + [4, 4],
            "target_round": ["2027-03"] * 8,
        }
    )
    open_ = plans.targets_overview(targets, MODEL, restrict=False, threshold=5)
    assert open_["Authorities"].tolist() == [6, 2]
    shut = plans.targets_overview(targets, MODEL, restrict=True, threshold=5)
    assert shut["Authorities"].tolist()[0] == 6 and shut["Authorities"].isna().tolist()[1]
    assert shut["Targets"].isna().tolist() == [False, True]


def test_met_by_round_counts_targets_after_they_were_set_and_suppresses_few():
    targets = pd.DataFrame(
        {
            "authority_code": [f"A{i}" for i in range(6)] + ["B"],
            "dimension_id": ["casework"] * 7,
            "target_level": [3] * 7,
            "target_round": ["2026-03"] * 7,
            "set_in_round": ["2024-03"] * 6 + ["2025-03"],
            "baseline_level": [1] * 7,
        }
    )
    dims = pd.DataFrame(
        {
            "authority_code": [f"A{i}" for i in range(6)] * 2 + ["B"],
            "round_id": ["2025-03"] * 6 + ["2026-03"] * 7,
            "dimension_id": ["casework"] * 13,
            "level": pd.array([2] * 6 + [3] * 6 + [1], dtype="Int64"),
        }
    )
    rounds = ["2024-03", "2025-03", "2026-03"]
    open_ = plans.met_by_round(targets, dims, rounds, restrict=False, threshold=5)
    assert open_["Round"].tolist() == ["2025-03", "2026-03"]  # none before it was set
    assert open_.set_index("Round").loc["2025-03", "On track"] == 6
    assert open_.set_index("Round").loc["2026-03", "Met"] == 6
    assert open_.set_index("Round").loc["2026-03", "Not met"] == 1
    shut = plans.met_by_round(targets, dims, rounds, restrict=True, threshold=5)
    assert shut.set_index("Round").loc["2026-03", "Met"] == 6
    assert pd.isna(shut.set_index("Round").loc["2026-03", "Not met"])  # one authority
    assert shut.set_index("Round").loc["2026-03", "Passed"] == 0
