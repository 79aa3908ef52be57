"""ehdmm.analysis.trends: hand-made frames (edge cases) and the demo database."""

from __future__ import annotations

import pandas as pd
import pytest

from ehdmm import scoring
from ehdmm.analysis import core, trends
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER

MODEL = load_model()
STRANDS = list(MODEL.strand_ids)
NAMES = MODEL.level_names
ROUNDS = ["R1", "R2", "R3"]


def row(code: str, round_id: str, level: int | None, index: float | None = None) -> dict:
    """Every strand and overall at `level` (None: incomplete, no index)."""
    return {
        "authority_code": code,
        "authority_name": f"Name {code}",
        "round_id": round_id,
        **dict.fromkeys(STRANDS, level),
        "overall": level,
        "index": index if index is not None else (None if level is None else float(level)),
    }


def frame(*rows: dict) -> pd.DataFrame:
    out = pd.DataFrame(list(rows))
    for col in [*STRANDS, "overall"]:
        out[col] = out[col].astype("Int64")
    out["index"] = out["index"].astype("Float64")
    return out


@pytest.fixture
def history() -> pd.DataFrame:
    return frame(
        row("A", "R1", 1),
        row("B", "R1", 2),
        row("C", "R1", None),  # incomplete in R1
        row("A", "R2", 2),
        row("B", "R2", 2),
        row("C", "R2", 3),
        row("D", "R2", 4),  # first submission in R2
        row("A", "R3", 1),  # no one else in R3
    )


def test_shares_sum_to_100_and_n_counts_only_levels(history):
    shares = trends.level_shares(history, MODEL, ROUNDS)
    assert list(dict.fromkeys(shares["item_id"])) == [*STRANDS, "overall"]
    totals = shares.groupby(["round_id", "item_id"])["share"].sum()
    assert totals.round(9).eq(100.0).all()
    r1 = shares[(shares["round_id"] == "R1") & (shares["item_id"] == "overall")]
    assert set(r1["n"]) == {2} and set(r1["incomplete"]) == {1}
    assert r1.set_index("level")["share"].to_dict() == {1: 50.0, 2: 50.0, 3: 0.0, 4: 0.0}
    counts = shares.groupby(["round_id", "item_id"])["count"].sum()
    n = shares.groupby(["round_id", "item_id"])["n"].first()
    assert counts.equals(n)


def test_shares_of_a_peer_group_of_one_and_a_round_it_missed(history):
    shares = trends.level_shares(history, MODEL, ROUNDS, members=["D"])
    r2 = shares[(shares["round_id"] == "R2") & (shares["item_id"] == STRANDS[0])]
    assert r2.set_index("level")["share"].to_dict() == {1: 0.0, 2: 0.0, 3: 0.0, 4: 100.0}
    r1 = shares[shares["round_id"] == "R1"]
    assert (r1["n"] == 0).all() and (r1["share"] == 0).all()
    assert trends.round_sizes(history, ROUNDS, ["D"]) == {"R1": 0, "R2": 1, "R3": 0}
    assert trends.round_sizes(history, ROUNDS) == {"R1": 3, "R2": 4, "R3": 1}


def test_shares_table_and_summary(history):
    shares = trends.level_shares(history, MODEL, ROUNDS)
    table = trends.level_shares_table(shares)
    assert list(table.columns) == [
        "Round",
        "Strand",
        "Level",
        "Authorities",
        "With a level (n)",
        "Incomplete",
        "Share (%)",
    ]
    assert len(table) == len(ROUNDS) * (len(STRANDS) + 1) * len(NAMES)
    text = trends.shares_summary(shares, MODEL)
    assert "R1" in text and "R3" in text and "n = 2" in text


def test_transition_matrix_counts_those_with_a_level_in_both_rounds(history):
    matrix = trends.transition_matrix(history, MODEL, "R1", "R2", "overall")
    assert len(matrix) == len(NAMES) ** 2
    assert matrix["count"].sum() == 2  # A and B; C was incomplete in R1, D absent
    got = matrix.set_index(["from_level", "to_level"])["count"]
    assert got[(1, 2)] == 1 and got[(2, 2)] == 1
    assert matrix.loc[0, "from_label"] == f"1 {NAMES[1]}"
    table = trends.transition_table(matrix, "R1", "R2")
    assert table.columns[0] == "Level in R1"
    assert table.columns[1] == f"1 {NAMES[1]} in R2"
    assert table["Total"].tolist() == [1, 1, 0, 0]
    text = trends.transition_summary(matrix, "Overall", "R1", "R2")
    assert "of 2 authorities" in text and "1 moved up, 1 stayed and 0 moved down" in text


def test_transition_matrix_of_a_strand_within_a_group(history):
    matrix = trends.transition_matrix(history, MODEL, "R2", "R3", STRANDS[2], members=["A", "B"])
    assert matrix["count"].sum() == 1
    assert matrix.set_index(["from_level", "to_level"])["count"][(2, 1)] == 1
    empty = trends.transition_matrix(history, MODEL, "R2", "R3", STRANDS[2], members=["D"])
    assert empty["count"].sum() == 0


def test_authority_transition(history):
    assert trends.authority_transition(history, "A", "R1", "R2") == (1, 2)
    assert trends.authority_transition(history, "C", "R1", "R2") == (None, 3)
    assert trends.authority_transition(history, "D", "R1", "R2") == (None, 4)


def test_movers_rise_and_fall_with_two_decimals_and_ties_by_name():
    history = frame(
        row("A", "R1", 2, 2.0),
        row("A", "R2", 2, 2.125),
        row("B", "R1", 2, 2.5),
        row("B", "R2", 2, 2.375),
        row("C", "R1", 2, 2.0),
        row("C", "R2", 3, 3.0),
        row("D", "R1", 2, 2.0),
        row("D", "R2", 2, 2.0),  # no change: in neither list
        row("E", "R1", 2, 2.0),
        row("E", "R2", 3, 3.0),  # ties with C: listed after it
        row("F", "R1", None),
        row("F", "R2", 4, 4.0),  # no index in R1: left out
    )
    changes = trends.index_changes(history, "R1", "R2")
    assert set(changes["authority_code"]) == {"A", "B", "C", "D", "E"}
    up, down = trends.movers(changes, "R1", "R2")
    assert up["ONS code"].tolist() == ["C", "E", "A"]
    assert down["ONS code"].tolist() == ["B"]
    assert list(up.columns) == [
        "Authority",
        "ONS code",
        "Index (from R1)",
        "Index (to R2)",
        "Change",
    ]
    assert up["Change"].tolist() == [1.0, 1.0, 0.13]  # 0.125 half away from zero
    assert down["Change"].tolist() == [-0.13]
    top_one, _ = trends.movers(changes, "R1", "R2", top=1)
    assert top_one["ONS code"].tolist() == ["C"]
    only_d = trends.index_changes(history, "R1", "R2", members=["D"])
    up, down = trends.movers(only_d, "R1", "R2")
    assert up.empty and down.empty and list(up.columns)[-1] == "Change"


def test_on_the_demo_database_transitions_match_scoring(demo_db):
    history = core.levels(demo_db, LOCAL_VIEWER, None, "gated")
    with connect(demo_db) as conn:
        before = scoring.authority_levels(conn, LOCAL_VIEWER, "2025-03", "gated")
        after = scoring.authority_levels(conn, LOCAL_VIEWER, "2026-03", "gated")
    both = before.merge(after, on="authority_code", suffixes=("_b", "_a"))
    expected = int((both["overall_b"].notna() & both["overall_a"].notna()).sum())
    matrix = trends.transition_matrix(history, MODEL, "2025-03", "2026-03", "overall")
    assert matrix["count"].sum() == expected > 100
    rounds = sorted(history["round_id"].unique())
    shares = trends.level_shares(history, MODEL, rounds)
    last = shares[(shares["round_id"] == "2026-03") & (shares["item_id"] == "overall")]
    assert last["n"].iloc[0] == int(after["overall"].notna().sum())
