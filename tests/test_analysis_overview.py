"""ehdmm.analysis.overview: hand-made frames (edge cases) and the demo database."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehdmm import scoring
from ehdmm.analysis import core, overview
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER

MODEL = load_model()
STRANDS = list(MODEL.strand_ids)
DIMS = list(MODEL.dimension_ids)
NAMES = MODEL.level_names


def wide(
    code: str,
    strands: list[int | None],
    *,
    overall: int | None = None,
    index: float | None = None,
    rated: int | None = None,
    region: str = "London",
    la_type: str = "Unitary",
    round_id: str = "R2",
) -> dict:
    """One row as `core.levels` returns it."""
    complete = all(v is not None for v in strands)
    row = {
        "authority_code": code,
        "authority_name": f"Name {code}",
        "round_id": round_id,
        **dict(zip(STRANDS, strands, strict=True)),
        "overall": overall if overall is not None else (min(strands) if complete else None),
        "index": index,
        "rated": rated if rated is not None else (len(DIMS) if complete else len(DIMS) - 1),
        "expected": len(DIMS),
        "region": region,
        "la_type": la_type,
    }
    return row


def frame(*rows: dict) -> pd.DataFrame:
    out = pd.DataFrame(list(rows))
    for col in [*STRANDS, "overall"]:
        out[col] = out[col].astype("Int64")
    out["index"] = out["index"].astype("Float64")
    return out


def authorities(*codes: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": list(codes),
            "name": [f"Name {c}" for c in codes],
            "region": ["London"] * len(codes),
            "la_type": ["Unitary"] * len(codes),
        }
    )


def dims_of(code: str, levels: list[int | None], round_id: str = "R2") -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "authority_code": code,
            "round_id": round_id,
            "strand_id": [MODEL.dimension(d).strand_id for d in DIMS],
            "dimension_id": DIMS,
            "level": levels,
        }
    )
    out["level"] = out["level"].astype("Int64")
    return out


FULL = [3, 2, 4, 1, 2]
WITH_GAP = [2, None, 3, 3, 2]


@pytest.fixture
def small() -> tuple[pd.DataFrame, pd.DataFrame]:
    levels = frame(
        wide("A", FULL, index=2.625),
        wide("B", [1, 1, 1, 1, 1], index=1.0, region="North East", la_type="County"),
        wide("C", WITH_GAP),
    )
    return levels, authorities("A", "B", "C", "D")


def test_coverage_counts_assessed_complete_and_missing(small):
    levels, auth = small
    cover = overview.coverage(levels, auth, MODEL)
    assert cover == overview.Coverage(total=4, assessed=3, complete=2, missing=1)


def test_coverage_of_a_round_with_no_submissions():
    empty = frame(wide("A", FULL)).iloc[0:0]
    cover = overview.coverage(empty, authorities("A", "B"), MODEL)
    assert (cover.assessed, cover.complete, cover.missing) == (0, 0, 2)


def test_missing_authorities_lists_who_has_not_submitted(small):
    levels, auth = small
    table = overview.missing_authorities(levels, auth)
    assert list(table.columns) == ["Authority", "ONS code", "Region"]
    assert table.to_dict("records") == [
        {"Authority": "Name D", "ONS code": "D", "Region": "London"}
    ]


def test_level_counts_sum_to_the_number_assessed_with_incomplete_counted(small):
    levels, _ = small
    counts = overview.level_counts(levels, MODEL)
    assert list(dict.fromkeys(counts["item_id"])) == [*STRANDS, "overall"]
    assert (counts.groupby("item_id")["count"].sum() == 3).all()
    second = counts[counts["item_id"] == STRANDS[1]]
    incomplete = second[second["level"].isna()]
    assert incomplete["level_label"].tolist() == ["incomplete"]
    assert incomplete["count"].tolist() == [1]
    first = counts[counts["item_id"] == STRANDS[0]].set_index("level_label")["count"]
    assert first[f"3 {NAMES[3]}"] == 1 and first[f"1 {NAMES[1]}"] == 1
    assert first[f"2 {NAMES[2]}"] == 1 and first[f"4 {NAMES[4]}"] == 0


def test_level_counts_of_no_authorities_are_zero(small):
    levels, _ = small
    counts = overview.level_counts(levels.iloc[0:0], MODEL)
    assert counts["count"].sum() == 0 and (counts["n"] == 0).all()
    assert "No authority" in overview.counts_summary(counts, "R2")


def test_level_counts_table_is_one_row_per_strand(small):
    levels, _ = small
    table = overview.level_counts_table(overview.level_counts(levels, MODEL))
    assert table["Strand"].tolist() == [*[s.name for s in MODEL.strands], "Overall"]
    level_columns = [f"{k} {v}" for k, v in NAMES.items()] + ["incomplete"]
    assert list(table.columns) == ["Strand", *level_columns, "Assessed"]
    assert (table[level_columns].sum(axis=1) == table["Assessed"]).all()


def test_heatmap_cells_by_dimension_cover_every_authority_sorted_by_index(small):
    levels, auth = small
    dims = pd.concat(
        [
            dims_of("A", [3, 3, 2, 3, 4, 1, 2, 3]),
            dims_of("B", [1] * 8),
            dims_of("C", [2, 2, None, 3, 3, 3, 2, 2]),
        ]
    )
    cells = overview.heatmap_cells(levels, dims, auth, MODEL, by="dimension")
    assert len(cells) == 4 * len(DIMS)
    order = cells.drop_duplicates("authority_code")["authority_code"].tolist()
    assert order == ["A", "B", "C", "D"]  # index 2.625, 1.0, incomplete, no submission
    labels = cells.set_index(["authority_code", "item_id"])["label"]
    assert labels[("A", DIMS[0])] == f"3 {NAMES[3]}"
    assert labels[("C", DIMS[2])] == overview.NOT_RATED
    assert set(cells[cells["authority_code"] == "D"]["label"]) == {overview.NO_SUBMISSION}
    assert cells[cells["authority_code"] == "D"]["level"].isna().all()


def test_heatmap_cells_by_strand_have_five_columns_and_incomplete(small):
    levels, auth = small
    cells = overview.heatmap_cells(levels, pd.DataFrame(), auth, MODEL, by="strand")
    assert cells["item_id"].nunique() == len(STRANDS)
    labels = cells.set_index(["authority_code", "item_id"])["label"]
    assert labels[("C", STRANDS[1])] == "incomplete"
    assert labels[("B", STRANDS[0])] == f"1 {NAMES[1]}"
    table = overview.heatmap_table(cells)
    assert table["ONS code"].tolist() == ["A", "B", "C", "D"]
    assert table["Maturity index"].tolist()[0] == 2.63  # half away from zero
    with pytest.raises(ValueError):
        overview.heatmap_cells(levels, pd.DataFrame(), auth, MODEL, by="region")


def test_filters_on_region_type_overall_and_index(small):
    levels, _ = small
    full = overview.index_bounds(MODEL)
    assert full == (1.0, 4.0)
    assert overview.filter_levels(levels, MODEL)["authority_code"].tolist() == ["A", "B", "C"]
    by_region = overview.filter_levels(levels, MODEL, regions=["North East"])
    assert by_region["authority_code"].tolist() == ["B"]
    by_type = overview.filter_levels(levels, MODEL, la_types=["Unitary"])
    assert by_type["authority_code"].tolist() == ["A", "C"]
    incomplete = overview.filter_levels(levels, MODEL, overall=["incomplete"])
    assert incomplete["authority_code"].tolist() == ["C"]
    early = overview.filter_levels(levels, MODEL, overall=[f"1 {NAMES[1]}"])
    assert early["authority_code"].tolist() == ["A", "B"]
    # the whole scale keeps authorities without an index; a narrower range drops them
    assert len(overview.filter_levels(levels, MODEL, index_range=full)) == 3
    narrow = overview.filter_levels(levels, MODEL, index_range=(2.0, 4.0))
    assert narrow["authority_code"].tolist() == ["A"]
    options = overview.filter_options(levels, MODEL)
    assert options["region"] == ["London", "North East"]
    assert options["overall"][-1] == "incomplete"


def test_authority_table_shows_level_names_and_two_decimal_index(small):
    levels, _ = small
    table = overview.authority_table(levels, MODEL)
    strand_names = [s.name for s in MODEL.strands]
    assert list(table.columns) == [
        "Authority",
        "ONS code",
        "Region",
        "LA type",
        *strand_names,
        "Overall",
        "Maturity index",
    ]
    row = table.set_index("ONS code").loc["C"]
    assert row[strand_names[1]] == "incomplete"
    assert row["Overall"] == "incomplete"
    assert pd.isna(row["Maturity index"])
    assert table.set_index("ONS code").loc["A", "Maturity index"] == 2.63


def test_level_changes_only_count_authorities_with_a_level_in_both_rounds():
    before = frame(
        wide("A", [1, 2, 3, 3, 2], round_id="R1"),
        wide("B", [2, 2, 2, 2, 2], round_id="R1"),
        wide("C", [None, 1, 1, 1, 1], round_id="R1"),
    )
    now = frame(
        wide("A", [2, 2, 2, 3, 2]),
        wide("B", [2, 2, None, 2, 2]),
        wide("C", [3, 1, 1, 1, 1]),
        wide("D", [4, 4, 4, 4, 4]),  # new this round: never compared
    )
    changes = overview.level_changes(now, before, MODEL)
    got = changes.set_index(["item_id", "change"])["count"]
    first, third = STRANDS[0], STRANDS[2]
    assert (got[(first, "improved")], got[(first, "same")], got[(first, "declined")]) == (1, 1, 0)
    assert (got[(third, "improved")], got[(third, "same")], got[(third, "declined")]) == (0, 1, 1)
    n = changes.groupby("item_id")["n"].first()
    assert n[first] == 2 and n[third] == 2 and n[STRANDS[1]] == 3
    assert changes.groupby("item_id")["count"].sum().to_dict() == n.to_dict()
    table = overview.level_changes_table(changes)
    assert list(table.columns) == ["Strand", "Improved", "Same level", "Declined", "Compared"]
    assert overview.assessed_in_both(now, before) == 3
    assert "improved" in overview.changes_summary(changes, "R2", "R1")


def test_levels_of_the_chosen_authority(small):
    levels, _ = small
    assert overview.levels_of(levels, "D", MODEL) is None
    mine = overview.levels_of(levels, "C", MODEL)
    assert mine[STRANDS[1]] is None and mine["overall"] is None and mine[STRANDS[0]] == 2
    assert "no current submission" in overview.selected_note(levels, "D", "Name D", "R2")


def test_on_the_demo_database_counts_match_scoring(demo_db):
    levels = core.levels(demo_db, LOCAL_VIEWER, "2026-03", "gated")
    auth = core.authorities(demo_db)
    with connect(demo_db) as conn:
        direct = scoring.authority_levels(conn, LOCAL_VIEWER, "2026-03", "gated")
    cover = overview.coverage(levels, auth, MODEL)
    assert cover.assessed == len(direct)
    assert cover.complete == int(direct["index"].notna().sum())
    assert cover.missing == len(auth) - len(direct) > 0
    counts = overview.level_counts(levels, MODEL)
    for item in [*STRANDS, "overall"]:
        got = counts[counts["item_id"] == item]
        assert got["count"].sum() == len(direct)
        expected_top = int((direct[item] == max(NAMES)).sum())
        assert int(got[got["level"] == max(NAMES)]["count"].iloc[0]) == expected_top


def test_row_blocks_cover_every_row_once():
    assert overview.row_blocks(0) == [(0, 0)]
    assert overview.row_blocks(153) == [(0, 153)]
    blocks = overview.row_blocks(450, size=200)
    assert blocks == [(0, 200), (200, 400), (400, 450)]
    assert overview.block_label(blocks[1], 450) == "201-400 of 450"


def test_block_of_and_block_cells_find_the_authority(small):
    levels, auth = small
    cells = overview.heatmap_cells(levels, pd.DataFrame(), auth, MODEL, by="strand")
    last = cells.loc[cells["row"] == cells["row"].max(), "authority_code"].iloc[0]
    assert overview.block_of(cells, last, size=2) == int(cells["row"].max()) // 2
    assert overview.block_of(cells, "NOT-A-CODE", size=2) == 0
    part = overview.block_cells(cells, (1, 3))
    assert sorted(part["row"].unique()) == [1, 2]
    assert len(part) == 2 * len(STRANDS)


# -- sorting with missing values last, the lowest and highest N -------------------------------


@settings(deadline=None)  # pandas' first sorts can be slow on a busy machine
@given(
    st.lists(st.one_of(st.none(), st.integers(4, 16).map(lambda x: x / 4)), max_size=30),
    st.booleans(),
)
def test_sorting_puts_missing_last_whichever_way(values, ascending):
    frame = pd.DataFrame(
        {
            "authority_name": [f"A{i:02d}" for i in range(len(values))],
            "index": pd.array(values, dtype="Float64"),
            "overall": pd.array([None if v is None else int(v) for v in values], dtype="Int64"),
        }
    )
    out = overview.sort_levels(frame, "index", ascending)["index"]
    present = out.notna().to_numpy()
    assert not (present[1:] & ~present[:-1]).any()
    got = list(out.dropna())
    assert got == sorted(got, reverse=not ascending)
    lowest = overview.extremes(frame, 3, lowest=True)
    assert list(lowest["index"]) == sorted(v for v in values if v is not None)[:3]
