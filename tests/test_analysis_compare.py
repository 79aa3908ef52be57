"""Unit tests of ehdmm.analysis.compare on hand-made frames (and the demo database)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from ehdmm import scoring
from ehdmm.analysis import compare, core
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage.reference import NEIGHBOURS_CSV
from ehdmm.viewer import LOCAL_VIEWER

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
STRANDS = list(MODEL.strand_ids)
ROUND = "2026-03"


def make_frames(ratings: dict[str, list[int | None]], names: dict[str, str] | None = None):
    """Tidy dimension levels and wide levels (gated rule, computed here by hand) for authorities
    given as code -> 8 dimension levels (None = not rated)."""
    names = names or {}
    dim_rows, wide_rows = [], []
    for code, levels in ratings.items():
        by_dim = dict(zip(DIMS, levels, strict=True))
        for dimension in MODEL.dimensions:
            dim_rows.append(
                {
                    "authority_code": code,
                    "round_id": ROUND,
                    "strand_id": dimension.strand_id,
                    "dimension_id": dimension.id,
                    "level": by_dim[dimension.id],
                }
            )
        row = {
            "authority_code": code,
            "authority_name": names.get(code, f"Name {code}"),
            "round_id": ROUND,
        }
        for strand in MODEL.strands:
            values = [by_dim[d.id] for d in strand.dimensions]
            row[strand.id] = None if None in values else min(values)
        rated = [v for v in levels if v is not None]
        row["overall"] = min(rated) if len(rated) == len(levels) else None
        row["index"] = sum(rated) / len(rated) if len(rated) == len(levels) else None
        wide_rows.append(row)
    dims = pd.DataFrame(dim_rows)
    dims["level"] = dims["level"].astype("Int64")
    wide = pd.DataFrame(wide_rows)
    for col in [*STRANDS, "overall"]:
        wide[col] = wide[col].astype("Int64")
    wide["index"] = wide["index"].astype("Float64")
    return dims, wide


# -- which authorities ---------------------------------------------------------------------------


def test_default_selection_is_the_authority_and_its_three_closest_neighbours():
    assert compare.default_selection("A", ["N1", "N2", "N3", "N4"]) == ["A", "N1", "N2", "N3"]
    assert compare.default_selection("A", ["N1"]) == ["A", "N1"]
    assert compare.default_selection("A", []) == ["A"]
    assert compare.default_selection("A", ["A", "N1", "N1", "N2", "N3"]) == ["A", "N1", "N2", "N3"]
    assert compare.default_selection(
        "A", ["N1", "X", "N2", "N3"], allowed={"A", "N1", "N2", "N3"}
    ) == ["A", "N1", "N2", "N3"]


def test_peer_selection_keeps_at_most_eight_with_the_authority_first_and_neighbours_next():
    members = [f"C{i:02d}" for i in range(20)]
    chosen, size = compare.peer_selection("C10", members, preferred=["C15", "C03", "ZZ"])
    assert chosen == ["C10", "C15", "C03", "C00", "C01", "C02", "C04", "C05"]
    assert size == 20 and len(chosen) == compare.MAX_AUTHORITIES


def test_peer_selection_of_a_group_of_one_and_of_a_group_without_the_authority():
    assert compare.peer_selection("A", ["A"]) == (["A"], 1)
    chosen, size = compare.peer_selection("A", ["B", "C"])
    assert chosen == ["A", "B", "C"] and size == 3
    small, size = compare.peer_selection("A", ["C", "A", "B"], limit=8)
    assert small == ["A", "C", "B"] and size == 3


def test_split_by_submission_keeps_the_order_and_drops_duplicates():
    _, wide = make_frames({"A": [1] * 8, "C": [2] * 8})
    assert compare.split_by_submission(["C", "B", "A", "C"], wide) == (["C", "A"], ["B"])


def test_authority_labels_are_name_and_code_sorted_by_name_without_synthetic_ones():
    frame = pd.DataFrame(
        {
            "code": ["E2", "E1", "S1"],
            "name": ["Bath", "York", "Aaa synthetic"],
            "synthetic": [False, False, True],
        }
    )
    labels = compare.authority_labels(frame)
    assert list(labels.items()) == [("E2", "Bath (E2)"), ("E1", "York (E1)")]


def test_neighbours_come_closest_first_as_published(empty_db):
    with open(NEIGHBOURS_CSV, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["gss_code"] == "E06000023"]
    expected = [r["neighbour_gss_code"] for r in sorted(rows, key=lambda r: int(r["rank"]))]
    assert compare.neighbours(empty_db, "E06000023") == expected
    assert len(expected) == 10


# -- levels ----------------------------------------------------------------------------------------


def test_comparison_long_dimensions_in_model_order_with_incomplete_labels():
    dims, wide = make_frames({"A": [1, 2, 3, 4, 1, 2, 3, 4], "B": [2, None, 2, 2, 2, 2, 2, 2]})
    long = compare.comparison_long(dims, wide, ["B", "A", "Z"], "dimension", MODEL)
    assert list(long["authority_code"].unique()) == ["B", "A"]  # Z has no submission
    b = long[long["authority_code"] == "B"]
    assert list(b["item_id"]) == DIMS
    assert list(b["item_name"]) == [d.name for d in MODEL.dimensions]
    assert b["level"].isna().tolist() == [False, True] + [False] * 6
    assert b["level_label"].iloc[1] == "incomplete"
    a = long[long["authority_code"] == "A"]
    assert a["level"].tolist() == [1, 2, 3, 4, 1, 2, 3, 4]
    assert a["level_label"].iloc[2] == f"3 {MODEL.level_names[3]}"
    assert str(long["level"].dtype) == "Int64"


def test_comparison_long_strands_come_from_the_wide_levels():
    dims, wide = make_frames({"A": [1, 2, 3, 4, 1, 2, 3, 4], "B": [2, None, 2, 2, 2, 2, 2, 2]})
    long = compare.comparison_long(dims, wide, ["A", "B"], "strand", MODEL)
    for code in ("A", "B"):
        got = long[long["authority_code"] == code]
        assert list(got["item_id"]) == STRANDS
        expected = wide.set_index("authority_code").loc[code, STRANDS].tolist()
        assert [None if pd.isna(v) else int(v) for v in got["level"]] == [
            None if pd.isna(v) else int(v) for v in expected
        ]
    assert long.loc[long["authority_code"] == "B", "level_label"].iloc[0] == "incomplete"
    with pytest.raises(ValueError, match="unknown item kind"):
        compare.comparison_long(dims, wide, ["A"], "overall", MODEL)


def test_comparison_long_of_nobody_with_a_submission_is_empty():
    dims, wide = make_frames({"A": [1] * 8})
    long = compare.comparison_long(dims, wide, ["Z"], "dimension", MODEL)
    assert long.empty and list(long.columns) == compare.LONG_COLUMNS


def test_comparison_table_rows_cells_and_differs_flag():
    dims, wide = make_frames(
        {"A": [3, 3, 2, 2, 4, 1, 3, 3], "B": [3, 2, 2, 2, None, 1, 3, 4]},
        names={"A": "Avon", "B": "Bury"},
    )
    table = compare.comparison_table(dims, wide, ["A", "B", "Z"], MODEL)
    assert list(table.columns) == ["Type", "Item", "Avon", "Bury", "Differs"]
    n_items = len(DIMS) + len(STRANDS) + 2
    assert len(table) == n_items
    assert list(table["Item"][: len(DIMS)]) == [d.name for d in MODEL.dimensions]
    assert list(table["Item"][len(DIMS) : len(DIMS) + len(STRANDS)]) == [
        s.name for s in MODEL.strands
    ]
    rows = table.set_index("Item")
    first, second = MODEL.dimensions[0].name, MODEL.dimensions[1].name
    assert rows.loc[first, "Avon"] == rows.loc[first, "Bury"] == f"3 {MODEL.level_names[3]}"
    assert rows.loc[first, "Differs"] == "no"
    assert rows.loc[second, "Differs"] == "yes"
    casework = MODEL.dimensions[4].name
    assert rows.loc[casework, "Bury"] == "incomplete"
    assert rows.loc[casework, "Differs"] == "yes"  # incomplete differs from a level
    strand = MODEL.strand_of(MODEL.dimensions[4].id).name
    assert table.set_index(["Type", "Item"]).loc[("Strand", strand), "Bury"] == "incomplete"
    assert rows.loc["Overall", "Avon"] == f"1 {MODEL.level_names[1]}"
    assert rows.loc["Overall", "Bury"] == "incomplete"
    assert rows.loc["Maturity index", "Avon"] == "2.63"  # 21/8 = 2.625, half away from zero
    assert rows.loc["Maturity index", "Bury"] == "incomplete"
    assert set(table["Differs"]) <= {"yes", "no"}


def test_comparison_table_of_one_authority_never_differs():
    dims, wide = make_frames({"A": [1, 2, None, 4, 1, 2, 3, 4]})
    table = compare.comparison_table(dims, wide, ["A"], MODEL)
    assert list(table["Differs"].unique()) == ["no"]
    assert "incomplete" in set(table["Name A"])


def test_comparison_table_headings_tell_apart_authorities_with_the_same_name():
    dims, wide = make_frames({"A": [1] * 8, "B": [1] * 8}, names={"A": "Same", "B": "Same"})
    table = compare.comparison_table(dims, wide, ["A", "B"], MODEL)
    assert list(table.columns)[2:4] == ["Same (A)", "Same (B)"]
    assert list(table["Differs"].unique()) == ["no"]


def test_differing_items_summary_and_chart_table():
    dims, wide = make_frames(
        {"A": [3, 3, 3, 3, 3, 3, 3, 3], "B": [3, 3, 3, 3, 3, 3, 3, 1]},
        names={"A": "Avon", "B": "Bury"},
    )
    long = compare.comparison_long(dims, wide, ["A", "B"], "dimension", MODEL)
    assert compare.differing_items(long) == [DIMS[-1]]
    text = compare.summary(long, "dimension", "B")
    assert text.startswith("The 2 authorities are at the same level in 7 of 8 dimensions")
    assert "differ in 1" in text
    assert f"Bury's levels range from 1 {MODEL.level_names[1]} to 3 {MODEL.level_names[3]}" in text
    assert "Avon is at 3" in compare.summary(long, "dimension", "A")
    assert compare.summary(long.iloc[0:0], "dimension", "A").startswith("No chosen authority")
    table = compare.chart_table(long, "dimension")
    assert list(table.columns) == ["Authority", "ONS code", "Dimension", "Level", "Level name"]
    assert len(table) == 16


def test_highlight_differences_shades_exactly_the_differing_rows():
    dims, wide = make_frames({"A": [3] * 8, "B": [3] * 7 + [1]})
    table = compare.comparison_table(dims, wide, ["A", "B"], MODEL)
    styled = compare.highlight_differences(table)._compute()
    shaded = {row for (row, _col), styles in styled.ctx.items() if styles}
    assert shaded == set(table.index[table["Differs"] == "yes"])
    assert 0 < len(shaded) < len(table)


def test_on_the_demo_database_the_table_matches_scoring(demo_db):
    wide = core.levels(demo_db, LOCAL_VIEWER, ROUND, "best-fit")
    dims = core.dimensions(demo_db, LOCAL_VIEWER, ROUND)
    codes = list(wide["authority_code"][:3])
    table = compare.comparison_table(dims, wide, codes, MODEL)
    with connect(demo_db) as conn:
        expected = scoring.authority_levels(conn, LOCAL_VIEWER, ROUND, "best-fit")
    row = expected.set_index("authority_code").loc[codes[1]]
    column = row["authority_name"]
    rows = table.set_index(["Type", "Item"])
    assert rows.index.is_unique  # a strand and a dimension may share a name ("Data systems")
    for strand in MODEL.strands:
        value = row[strand.id]
        want = "incomplete" if pd.isna(value) else f"{int(value)} {MODEL.level_names[int(value)]}"
        assert rows.loc[("Strand", strand.name), column] == want
