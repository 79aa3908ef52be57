"""Spread of respondents' levels (`ehdmm.analysis.spread`): counts, range, the median rounded
down, the disagreement flag, evidence side by side, how contested each dimension is."""

from __future__ import annotations

import math
import statistics

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from ehdmm.analysis import spread
from ehdmm.model import load_model

MODEL = load_model()
LEVELS = st.lists(st.integers(1, 4), min_size=1, max_size=12)


def test_median_rounds_down():
    assert spread.floor_median([2, 3]) == 2
    assert spread.floor_median([1, 4]) == 2
    assert spread.floor_median([3, 3, 4]) == 3
    assert spread.floor_median([]) is None


@given(LEVELS)
def test_median_is_a_held_range_level(levels):
    median = spread.floor_median(levels)
    assert min(levels) <= median <= max(levels)
    assert median == math.floor(statistics.median(levels))


def test_disagreement_flags():
    assert spread.disagreement([2, 2, 3]) == ""
    assert spread.disagreement([2, 4, 4]) == "levels 2 or more apart"
    assert spread.disagreement([2, 3]) == "no majority"
    assert spread.disagreement([1, 3]) == "levels 2 or more apart; no majority"
    assert spread.disagreement([3]) == ""


@given(LEVELS)
def test_flag_matches_its_definition(levels):
    apart = max(levels) - min(levels) >= 2
    majority = any(levels.count(v) > len(levels) / 2 for v in set(levels))
    assert bool(spread.disagreement(levels)) == (apart or not majority)


def test_spread_counts_per_dimension_and_ignores_unrated():
    ratings = pd.DataFrame(
        {
            "respondent_id": [1, 2, 3, 1],
            "dimension_id": ["casework", "casework", "casework", "cba"],
            "level": [1, 3, None, 4],
        }
    )
    frame = spread.spread(ratings, MODEL).set_index("dimension_id")
    assert list(frame.loc["casework", [1, 2, 3, 4]]) == [1, 0, 1, 0]
    assert frame.loc["casework", "n"] == 2
    assert frame.loc["casework", "median"] == 2
    assert frame.loc["casework", "flag"] == "levels 2 or more apart; no majority"
    assert frame.loc["research", "n"] == 0 and pd.isna(frame.loc["research", "median"])
    table = spread.spread_table(frame.reset_index(), MODEL)
    assert list(table.columns[1:5]) == ["1 Early", "2 Developing", "3 Maturing", "4 Mature"]
    assert table.loc[4, "Range"] == "1 to 3" and table.loc[5, "Range"] == "4"


def test_evidence_side_by_side_keeps_text_as_typed():
    ratings = pd.DataFrame(
        {
            "respondent_id": [7, 8],
            "dimension_id": ["cba", "cba"],
            "level": [2, None],
            "evidence": ["**not bold** <b>", "only evidence"],
        }
    )
    table = spread.evidence_side_by_side({7: "Police", 8: "Health"}, ratings, MODEL)
    row = table[table["Dimension"] == MODEL.dimension("cba").name].iloc[0]
    assert row["Police"] == "2 Developing: **not bold** <b>"
    assert row["Health"] == "only evidence"


def test_contested_counts_current_consensuses_that_differ_from_the_median():
    frame = pd.DataFrame(
        {
            "status": ["submitted", "submitted", "superseded", "submitted"],
            "dimension_id": ["cba", "cba", "cba", "casework"],
            "median_level": [2, 2, 1, 3],
            "level": [2, 3, 4, 3],
        }
    )
    out = spread.contested(frame, MODEL).set_index("dimension_id")
    assert (out.loc["cba", "consensuses"], out.loc["cba", "differing"]) == (2, 1)
    assert out.loc["cba", "share"] == 0.5
    assert out.loc["casework", "share"] == 0.0
    assert pd.isna(out.loc["research", "share"])
