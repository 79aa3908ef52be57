"""Scoring in DuckDB: hand-computed cases, properties, and agreement with a pandas reference."""

from __future__ import annotations

import math
import random

import duckdb
import oracle
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehdmm import scoring
from ehdmm.database import record_submission
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.storage.db import apply_migrations
from ehdmm.viewer import LOCAL_VIEWER, Viewer

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
STRANDS = list(MODEL.strand_ids)
A, B, C = "E06000023", "E10000003", "E09000002"


def add_round(db, round_id):
    from ehdmm.storage import write_with_retry

    write_with_retry(db, lambda conn: ref.add_round(conn, round_id))


def levels(db, round_id=None, rule="gated", viewer=LOCAL_VIEWER):
    with connect(db) as conn:
        return scoring.authority_levels(conn, viewer, round_id, rule).set_index("authority_code")


# A return whose rules give different answers: (dimension -> level)
MIXED = {
    "information_governance": 4,
    "data_sharing": 2,  # governance: gated 2, best-fit floor(3.0) = 3
    "data_systems": 4,
    "training": 4,  # systems: 4 / 4
    "casework": 1,  # casework: 1 / 1
    "cba": 2,  # cba: 2 / 2
    "commissioning": 3,
    "research": 4,  # design: gated 3, best-fit floor(3.5) = 3
}


def test_contract_ids_match_the_model():
    assert STRANDS == ["governance", "systems", "casework", "cba", "design"]
    assert set(MIXED) == set(DIMS)


def test_hand_computed_gated(empty_db):
    add_round(empty_db, "2026-03")
    record_submission(empty_db, A, "2026-03", MIXED)
    row = levels(empty_db, "2026-03", "gated").loc[A]
    assert [row[s] for s in STRANDS] == [2, 4, 1, 2, 3]
    assert row["overall"] == 1
    assert row["index"] == pytest.approx(24 / 8)
    assert row["rated"] == 8 and row["expected"] == 8


def test_hand_computed_best_fit(empty_db):
    add_round(empty_db, "2026-03")
    record_submission(empty_db, A, "2026-03", MIXED)
    row = levels(empty_db, "2026-03", "best-fit").loc[A]
    assert [row[s] for s in STRANDS] == [3, 4, 1, 2, 3]
    assert row["overall"] == 3  # floor(24 / 8)
    assert row["index"] == pytest.approx(3.0)


def test_best_fit_overall_uses_the_dimension_mean(empty_db):
    add_round(empty_db, "2026-03")
    ratings = dict.fromkeys(DIMS, 3) | {"casework": 1, "cba": 1}  # mean 20/8 = 2.5
    record_submission(empty_db, A, "2026-03", ratings)
    row = levels(empty_db, "2026-03", "best-fit").loc[A]
    assert row["overall"] == 2
    assert scoring.format_index(row["index"]) == "2.50"


def test_incomplete_return_has_no_strand_overall_or_index(empty_db):
    add_round(empty_db, "2026-03")
    ratings = {k: v for k, v in MIXED.items() if k != "research"}
    record_submission(empty_db, A, "2026-03", ratings)
    for rule in scoring.RULES:
        row = levels(empty_db, "2026-03", rule).loc[A]
        assert pd.isna(row["design"]), "never averaged over fewer dimensions"
        assert pd.isna(row["overall"]) and pd.isna(row["index"])
        assert row["governance"] == (2 if rule == "gated" else 3)
        assert row["rated"] == 7


def test_superseded_and_draft_submissions_do_not_count(empty_db):
    add_round(empty_db, "2026-03")
    first = record_submission(empty_db, A, "2026-03", dict.fromkeys(DIMS, 1))
    second = record_submission(empty_db, A, "2026-03", dict.fromkeys(DIMS, 3))
    record_submission(empty_db, A, "2026-03", dict.fromkeys(DIMS, 4), status="draft")
    row = levels(empty_db, "2026-03").loc[A]
    assert row["overall"] == 3
    with connect(empty_db) as conn:
        history = store.submission_history(conn, LOCAL_VIEWER, A).set_index("id")
        assert store.integrity_problems(conn) == []
    assert history.loc[first, "status"] == "superseded"
    assert history.loc[first, "superseded_by"] == second
    assert history.loc[second, "status"] == "submitted"
    assert sorted(history["status"]) == ["draft", "submitted", "superseded"]


def test_rounds_are_separate_and_latest_round(empty_db):
    for r in ("2024-03", "2025-03"):
        add_round(empty_db, r)
    record_submission(empty_db, A, "2024-03", dict.fromkeys(DIMS, 1))
    record_submission(empty_db, B, "2025-03", dict.fromkeys(DIMS, 2))
    assert list(levels(empty_db, "2024-03").index) == [A]
    assert list(levels(empty_db, "2025-03").index) == [B]
    assert len(levels(empty_db, None)) == 2
    with connect(empty_db) as conn:
        assert scoring.latest_round(conn, LOCAL_VIEWER) == "2025-03"


def test_an_authority_viewer_sees_only_its_own_rows(empty_db):
    add_round(empty_db, "2026-03")
    record_submission(empty_db, A, "2026-03", dict.fromkeys(DIMS, 2))
    record_submission(empty_db, B, "2026-03", dict.fromkeys(DIMS, 3))
    viewer = Viewer(role="authority", authority_code=B)
    assert list(levels(empty_db, "2026-03", viewer=viewer).index) == [B]
    with connect(empty_db) as conn:
        dims = scoring.dimension_levels(conn, viewer, "2026-03")
        strands = oracle.strand_levels(conn, viewer, "2026-03", "gated")
    assert set(dims["authority_code"]) == {B} and set(strands["authority_code"]) == {B}


def test_unknown_rule_is_a_clear_error(empty_db):
    with connect(empty_db) as conn, pytest.raises(ValueError, match="unknown scoring rule"):
        scoring.authority_levels(conn, LOCAL_VIEWER, None, "median")


@pytest.mark.parametrize(
    ("value", "text"),
    [(2.625, "2.63"), (2.125, "2.13"), (1.0, "1.00"), (3.875, "3.88"), (None, ""), (pd.NA, "")],
)
def test_index_rounds_half_away_from_zero(value, text):
    assert scoring.format_index(value) == text


def test_demo_levels_agree_with_the_pandas_reference(demo_db):
    with connect(demo_db) as conn:
        ratings = scoring.dimension_levels(conn, LOCAL_VIEWER)
        for rule in scoring.RULES:
            got = scoring.authority_levels(conn, LOCAL_VIEWER, None, rule)
            expected = reference_levels(ratings, rule)
            compare(got, expected)


# ---------------------------------------------------------------------------------------------
# A pure pandas reference implementation and property tests against the SQL


def reference_levels(dims: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Scoring written independently of the SQL, from tidy dimension levels."""
    strand_of = {d.id: d.strand_id for d in MODEL.dimensions}

    def apply(values: list[float]) -> float:
        if any(pd.isna(v) for v in values):
            return math.nan
        return min(values) if rule == "gated" else math.floor(sum(values) / len(values))

    rows = []
    for (code, rnd), group in dims.groupby(["authority_code", "round_id"]):
        by_dim = {r.dimension_id: r.level for r in group.itertuples()}
        values = [by_dim.get(d, math.nan) for d in DIMS]
        values = [math.nan if pd.isna(v) else float(v) for v in values]
        row = {"authority_code": code, "round_id": rnd}
        for strand in STRANDS:
            row[strand] = apply(
                [v for d, v in zip(DIMS, values, strict=True) if strand_of[d] == strand]
            )
        row["overall"] = apply(values)
        row["index"] = math.nan if any(math.isnan(v) for v in values) else sum(values) / 8
        rows.append(row)
    return pd.DataFrame(rows)


def compare(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = got.set_index(["authority_code", "round_id"]).sort_index()
    expected = expected.set_index(["authority_code", "round_id"]).sort_index()
    assert list(got.index) == list(expected.index)
    for col in [*STRANDS, "overall", "index"]:
        left = got[col].astype("Float64").to_numpy(dtype=float, na_value=math.nan)
        right = expected[col].to_numpy(dtype=float)
        assert left == pytest.approx(right, nan_ok=True), col


def _base_database() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(":memory:")
    apply_migrations(conn)
    ref.load_reference(conn)
    ref.sync_model(conn, MODEL)
    ref.add_round(conn, "2026-03")
    return conn


_BASES: list[duckdb.DuckDBPyConnection] = []  # two in-memory databases, made once per process
_LENT: dict[int, duckdb.DuckDBPyConnection] = {}  # each one's connection last handed out
_CALLS = [0]


def memory_conn() -> duckdb.DuckDBPyConnection:
    """A connection to an in-memory database holding the schema, the reference data and the
    round 2026-03, nothing more. Made once (about 0.1 s, more than an example's own work): each
    caller works in a transaction of its own, rolled back when the same database is lent again.
    Calls take the two databases in turn, so an example may use two connections at once."""
    if not _BASES:
        _BASES.extend(_base_database() for _ in range(2))
    slot = _CALLS[0] % len(_BASES)
    _CALLS[0] += 1
    if (earlier := _LENT.pop(slot, None)) is not None:
        earlier.rollback()  # what the caller before wrote is gone
        earlier.close()
    conn = _BASES[slot].cursor()
    conn.begin()
    _LENT[slot] = conn
    return conn


def insert(conn, returns: dict[str, dict[str, int]], shuffle_seed: int | None = None) -> None:
    subs, ratings = [], []
    for key, (code, dims) in enumerate(returns.items(), start=1):
        subs.append(
            {
                "key": key,
                "authority_code": code,
                "round_id": "2026-03",
                "model_version": MODEL.version,
                "status": "submitted",
                "source": "form",
                "source_file": None,
                "content_hash": None,
                "submitted_at": None,
                "submitted_by": None,
                "note": None,
                "import_id": None,
                "synthetic": False,
            }
        )
        ratings += [
            {"key": key, "dimension_id": d, "level": v, "evidence": None, "confidence": None}
            for d, v in dims.items()
        ]
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(ratings)
    store.write_submissions(
        conn,
        pd.DataFrame(subs, columns=store.SUBMISSION_COLUMNS),
        pd.DataFrame(ratings, columns=store.RATING_COLUMNS).astype(
            {"evidence": object, "confidence": object}
        ),
    )


def sql_levels(conn, rule):
    return scoring.authority_levels(conn, LOCAL_VIEWER, "2026-03", rule).set_index("authority_code")


one_return = st.dictionaries(st.sampled_from(DIMS), st.integers(1, 4), min_size=1)
complete_return = st.fixed_dictionaries({d: st.integers(1, 4) for d in DIMS})
codes = [A, B, C, "E08000025", "E06000001"]
many_returns = st.dictionaries(st.sampled_from(codes), one_return, min_size=1, max_size=5)
quick = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(returns=many_returns, seed=st.integers(0, 1000))
def test_sql_agrees_with_pandas_and_row_order_does_not_matter(returns, seed):
    conn = memory_conn()
    insert(conn, returns, shuffle_seed=seed)
    dims = scoring.dimension_levels(conn, LOCAL_VIEWER, "2026-03")
    dims = dims[dims["level"].notna()]
    for rule in scoring.RULES:
        got = scoring.authority_levels(conn, LOCAL_VIEWER, "2026-03", rule)
        compare(got, reference_levels(dims, rule))
    other = memory_conn()
    insert(other, dict(reversed(list(returns.items()))), shuffle_seed=seed + 1)
    for rule in scoring.RULES:
        pd.testing.assert_frame_equal(
            sql_levels(conn, rule).sort_index(), sql_levels(other, rule).sort_index()
        )


@quick
@given(returns=many_returns)
def test_levels_in_range_and_gated_never_above_best_fit(returns):
    conn = memory_conn()
    insert(conn, returns)
    gated, best = sql_levels(conn, "gated"), sql_levels(conn, "best-fit")
    for col in [*STRANDS, "overall"]:
        for code in gated.index:
            g, b = gated.loc[code, col], best.loc[code, col]
            assert pd.isna(g) == pd.isna(b)
            if not pd.isna(g):
                assert 1 <= g <= b <= 4
    for code in gated.index:
        index = gated.loc[code, "index"]
        assert pd.isna(index) or 1.0 <= index <= 4.0


@quick
@given(ratings=complete_return, dim=st.sampled_from(DIMS))
def test_raising_one_dimension_never_lowers_any_level(ratings, dim):
    if ratings[dim] == 4:
        return
    raised = ratings | {dim: ratings[dim] + 1}
    conn = memory_conn()
    insert(conn, {A: ratings, B: raised})
    for rule in scoring.RULES:
        frame = sql_levels(conn, rule)
        for col in [*STRANDS, "overall", "index"]:
            assert frame.loc[B, col] >= frame.loc[A, col], (rule, col)


# ---------------------------------------------------------------------------------------------
# The packed one-pass query (`authority_levels`) against the row-per-dimension grid queries
# (`strand_levels`, `overall_levels`), with more than one model version in the database

OLD = "2015-01"  # a made-up earlier model version: fewer dimensions, strands laid out otherwise
OLD_LAYOUT = [
    ("information_governance", "governance"),
    ("data_sharing", "systems"),
    ("data_systems", "systems"),
    ("casework", "casework"),
    ("cba", "casework"),
    ("legacy", "retired"),  # a dimension and strand the current model does not have
]
versioned_return = st.tuples(
    st.sampled_from([MODEL.version, OLD]),
    st.dictionaries(st.sampled_from([*DIMS, "legacy"]), st.integers(1, 4), min_size=1),
)
versioned_returns = st.dictionaries(
    st.sampled_from(codes), versioned_return, min_size=1, max_size=5
)


def versioned_conn(returns: dict[str, tuple[str, dict[str, int]]]) -> duckdb.DuckDBPyConnection:
    conn = memory_conn()
    conn.executemany(
        "INSERT INTO model_dimensions "
        "(model_version, dimension_id, strand_id, strand_order, dimension_order) "
        "VALUES (?, ?, ?, ?, ?)",
        [(OLD, d, s, 1, n) for n, (d, s) in enumerate(OLD_LAYOUT, start=1)],
    )
    insert(conn, {code: dims for code, (_, dims) in returns.items()})
    for code, (version, _) in returns.items():
        conn.execute(
            "UPDATE submissions SET model_version = ? WHERE authority_code = ?", [version, code]
        )
    return conn


@quick
@pytest.mark.parametrize("per_word", [21, 2])  # 2: the levels spread over several integers
@given(returns=versioned_returns)
def test_packed_levels_agree_with_the_grid_queries_across_model_versions(per_word, returns):
    from ehdmm.storage import scoring as sql

    conn = versioned_conn(returns)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sql, "_PER_WORD", per_word)
        check_packed_against_grid(conn, returns)


def check_packed_against_grid(conn, returns) -> None:
    from ehdmm.storage import scoring as sql

    grid = scoring.dimension_levels(conn, LOCAL_VIEWER, "2026-03")
    _, packed = sql.scored_levels(conn, LOCAL_VIEWER, "2026-03", [], [], [*DIMS, "legacy", "nope"])
    packed = packed.set_index("authority_code")
    expected = {(r.authority_code, r.dimension_id): r.level for r in grid.itertuples()}
    for code in packed.index:
        assert packed.loc[code, "nope"] is pd.NA, "a dimension of no model version has no level"
        for dimension in [*DIMS, "legacy"]:
            theirs = expected.get((code, dimension))
            mine = packed.loc[code, dimension]
            assert pd.isna(mine) == (theirs is None or pd.isna(theirs)), (code, dimension)
            if not pd.isna(mine):
                assert mine == theirs, (code, dimension)
    both = scoring.authority_levels_by_rule(conn, LOCAL_VIEWER, "2026-03", scoring.RULES)
    for rule in scoring.RULES:
        got = both[rule].set_index("authority_code")
        one = scoring.authority_levels(conn, LOCAL_VIEWER, "2026-03", rule)
        pd.testing.assert_frame_equal(one.set_index("authority_code"), got)
        overall = oracle.overall_levels(conn, LOCAL_VIEWER, "2026-03", rule)
        strands = oracle.strand_levels(conn, LOCAL_VIEWER, "2026-03", rule)
        assert sorted(got.index) == sorted(returns) == sorted(overall["authority_code"])
        assert list(got.index) == sorted(got.index), "ordered by authority code"
        for row in overall.itertuples():
            mine = got.loc[row.authority_code]
            assert (mine["rated"], mine["expected"]) == (row.rated, row.expected)
            for column in ("overall", "index"):
                theirs = getattr(row, column)
                assert pd.isna(mine[column]) == pd.isna(theirs), column
                if not pd.isna(theirs):
                    assert mine[column] == pytest.approx(theirs), column
        expected = {(r.authority_code, r.strand_id): r.level for r in strands.itertuples()}
        for code in got.index:
            for strand in STRANDS:
                theirs = expected.get((code, strand))
                mine = got.loc[code, strand]
                assert pd.isna(mine) == (theirs is None or pd.isna(theirs)), (code, strand)
                if not pd.isna(mine):
                    assert mine == theirs, (code, strand)
