"""ehdmm.analysis.benchmark: the group's distribution over the levels, the index spread and the
peer list; on hand-made frames and on the demo database."""

from __future__ import annotations

import oracle
import pandas as pd

from ehdmm.analysis import benchmark, core, profile
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER

MODEL = load_model()
STRANDS = list(MODEL.strand_ids)
NAMES = MODEL.level_names


def wide_frame(rows: list[tuple[str, list[int | None], float | None]]) -> pd.DataFrame:
    """Wide levels: (code, strand levels in model order, index) per authority."""
    records = []
    for code, levels, index in rows:
        record = {"authority_code": code, "authority_name": f"Name {code}", "round_id": "r"}
        record.update(dict(zip(STRANDS, levels, strict=True)))
        complete = all(v is not None for v in levels)
        record["overall"] = min(levels) if complete else None
        record["index"] = index
        records.append(record)
    frame = pd.DataFrame(records)
    for column in [*STRANDS, "overall"]:
        frame[column] = frame[column].astype("Int64")
    frame["index"] = frame["index"].astype("Float64")
    return frame


WIDE = wide_frame(
    [
        ("A", [1, 2, 3, 4, 1], 2.25),
        ("B", [2, 2, 3, 4, 2], 2.75),
        ("C", [3, 2, 3, None, 3], None),
        ("D", [4, 4, 4, 4, 4], 4.0),
        ("E", [1, 1, 1, 1, 1], 1.0),
    ]
)
AUTHORITIES = pd.DataFrame(
    {
        "code": ["A", "B", "C", "D", "E", "F"],
        "name": ["Zeta", "Alpha", "Gamma", "Delta", "Beta", "Epsilon"],
        "region": ["North"] * 6,
        "la_type": ["County"] * 6,
        "la_number": [1, 2, 3, 4, 5, 6],
        "synthetic": [False] * 6,
    }
)


def strand_dist(members: list[str], authority: str = "A") -> pd.DataFrame:
    tidy = profile.item_tidy(WIDE, pd.DataFrame(), MODEL, "strand")
    return benchmark.distribution(tidy, members, authority, model=MODEL, items="strand")


def test_distribution_counts_sum_to_the_members_with_a_level():
    dist = strand_dist(["A", "B", "C", "F"])
    assert len(dist) == len(STRANDS) * 4
    sums = dist.groupby("item_id", sort=False)["count"].sum()
    n = dist.groupby("item_id", sort=False)["n"].first()
    assert list(sums) == list(n)
    # F has no submission; C has no level for the fourth strand
    assert list(n) == [3, 3, 3, 2, 3]
    first = dist[dist["item_id"] == STRANDS[0]]
    assert list(first["count"]) == [1, 1, 1, 0]
    assert list(first["level_name"]) == [NAMES[v] for v in (1, 2, 3, 4)]
    assert list(first["share"].round(1)) == [33.3, 33.3, 33.3, 0.0]


def test_distribution_marks_the_authority_level_per_item():
    dist = strand_dist(["A", "B", "C"], authority="C")
    own = dist[dist["own"]]
    assert list(own["item_id"]) == [STRANDS[0], STRANDS[1], STRANDS[2], STRANDS[4]]
    assert list(own["level"]) == [3, 2, 3, 3]
    text = benchmark.position_text(dist, "Gamma", MODEL, has_submission=True)
    assert text.startswith("Gamma: ")
    assert f"{MODEL.strands[3].name}: incomplete" in text
    assert f"{MODEL.strands[0].name}: {NAMES[3]} (1 of 3 members at this level)" in text


def test_distribution_for_an_authority_without_submission_marks_nothing():
    dist = strand_dist(["A", "B", "F"], authority="F")
    assert not dist["own"].any()
    text = benchmark.position_text(dist, "Epsilon", MODEL, has_submission=False)
    assert "no submission" in text


def test_distribution_of_a_group_of_one_and_of_nobody():
    one = strand_dist(["D"], authority="D")
    assert set(one["n"]) == {1}
    assert list(one[one["own"]]["level"]) == [4] * 5
    nobody = strand_dist([], authority="A")
    assert set(nobody["n"]) == {0} and set(nobody["count"]) == {0}
    assert set(nobody["share"]) == {0.0}
    assert "no levels" in benchmark.distribution_summary(nobody)


def test_distribution_by_dimension_has_eight_items():
    dims = pd.DataFrame(
        {
            "authority_code": ["A"] * 8,
            "round_id": ["r"] * 8,
            "dimension_id": list(MODEL.dimension_ids),
            "level": pd.array([1, 2, 3, 4, 1, 2, 3, None], dtype="Int64"),
        }
    )
    tidy = profile.item_tidy(WIDE, dims, MODEL, "dimension")
    dist = benchmark.distribution(tidy, ["A"], "A", MODEL, "dimension")
    assert list(dict.fromkeys(dist["item_name"])) == [d.name for d in MODEL.dimensions]
    assert list(dist.groupby("item_id", sort=False)["n"].first()) == [1] * 7 + [0]


def test_distribution_table_and_summary():
    dist = strand_dist(["A", "B", "C"])
    table = benchmark.distribution_table(dist, "Zeta")
    assert list(table.columns) == ["Item", "Level", "Authorities", "n", "Share (%)", "Zeta"]
    assert table["Level"].iloc[0] == f"1 {NAMES[1]}"
    assert (table["Zeta"] == "◀ here").sum() == len(STRANDS)
    summary = benchmark.distribution_summary(dist)
    assert f"{MODEL.strands[1].name}: most often {NAMES[2]} (3 of 3)" in summary


def test_index_points_hold_members_with_an_index_only():
    points = benchmark.index_points(WIDE, ["A", "B", "C", "F"], "A")
    assert list(points["authority_code"]) == ["A", "B"]  # ordered by index
    assert list(points["index"]) == [2.25, 2.75]
    assert list(points["is_authority"]) == [True, False]
    assert "2 members have a maturity index, from 2.25 to 2.75" in benchmark.index_summary(
        points, "Zeta"
    )
    assert "Zeta is at 2.25" in benchmark.index_summary(points, "Zeta")
    missing = benchmark.index_points(WIDE, ["A", "C"], "C")
    assert "Gamma has none" in benchmark.index_summary(missing, "Gamma")
    assert "No member" in benchmark.index_summary(missing.iloc[0:0], "Gamma")
    table = benchmark.index_table(points)
    assert list(table["Maturity index"]) == ["2.25", "2.75"]


def test_peer_table_lists_every_member_by_name_with_level_names():
    table = benchmark.peer_table(WIDE, AUTHORITIES, ["A", "C", "F"], MODEL, "C")
    assert list(table["Authority"]) == ["Epsilon", "Gamma", "Zeta"]
    assert list(table["Chosen"]) == ["", "yes", ""]
    assert list(table.columns) == [
        "Chosen",
        "Authority",
        "ONS code",
        "Region",
        "LA type",
        *(s.name for s in MODEL.strands),
        "Overall",
        "Maturity index",
    ]
    row = table.set_index("ONS code")
    assert row.loc["F", "Overall"] == "no submission"
    assert row.loc["C", MODEL.strands[3].name] == "incomplete"
    assert row.loc["C", "Overall"] == "incomplete" and row.loc["C", "Maturity index"] == ""
    assert row.loc["A", MODEL.strands[0].name] == f"1 {NAMES[1]}"
    assert row.loc["A", "Maturity index"] == "2.25"
    assert benchmark.group_counts(WIDE, ["A", "C", "F"]) == (3, 2)


def test_on_the_demo_database_counts_match_the_scored_strand_levels(demo_db):
    code = "E06000023"
    wide = core.levels(demo_db, LOCAL_VIEWER, "2026-03", "gated")
    members = oracle.peer_codes(demo_db, LOCAL_VIEWER, code, "region")
    with connect(demo_db) as conn:
        strands = oracle.strand_levels(conn, LOCAL_VIEWER, "2026-03", "gated")
    tidy = profile.item_tidy(wide, pd.DataFrame(), MODEL, "strand")
    dist = benchmark.distribution(tidy, members, code, MODEL, "strand")
    for strand in MODEL.strands:
        part = dist[dist["item_id"] == strand.id]
        rated = strands[
            (strands["strand_id"] == strand.id)
            & strands["authority_code"].isin(members)
            & strands["level"].notna()
        ]
        assert int(part["count"].sum()) == len(rated) == int(part["n"].iloc[0])
        for level in NAMES:
            assert int(part.loc[part["level"] == level, "count"].iloc[0]) == int(
                (rated["level"] == level).sum()
            )
    table = benchmark.peer_table(wide, core.authorities(demo_db), members, MODEL)
    assert sorted(table["ONS code"]) == sorted(members)
