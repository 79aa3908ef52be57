"""Scoring in DuckDB: dimension, strand and overall levels and the maturity index.

Every query scores an authority's current submission (status 'submitted') per round, against the
dimensions of the model version that submission was made under (table `model_dimensions`).
The rule is a parameter: 'gated' (lowest level) or 'best-fit' (floor of the mean).
A strand with a missing dimension has no level; overall and the index need all dimensions.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ehdmm.storage.db import fetch_one
from ehdmm.viewer import Viewer

# Current submissions visible to the viewer, optionally one round, crossed with the model's
# dimensions, with each rating or NULL where it is missing.
_GRID = """
WITH cur AS (
    SELECT s.id AS submission_id, s.authority_code, s.round_id, s.model_version
    FROM submissions s
    WHERE s.status = 'submitted'
      AND (CAST(? AS VARCHAR) IS NULL OR s.round_id = ?)
      AND (? OR s.authority_code = ?)
),
grid AS (
    SELECT c.submission_id, c.authority_code, c.round_id, d.strand_id, d.strand_order,
           d.dimension_id, d.dimension_order, r.level
    FROM cur c
    JOIN model_dimensions d ON d.model_version = c.model_version
    LEFT JOIN ratings r ON r.submission_id = c.submission_id AND r.dimension_id = d.dimension_id
)
"""

# The rule applied to a group of levels: NULL unless every level is present.
_RULE = """
CASE WHEN count(level) = count(*) THEN
    CASE WHEN ? = 'gated' THEN min(level) ELSE CAST(floor(avg(level)) AS INTEGER) END
END
"""


def _params(viewer: Viewer, round_id: str | None) -> list[object]:
    return [round_id, round_id, *viewer.sql_filter_params]


def dimension_levels(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str | None = None
) -> pd.DataFrame:
    """Tidy: authority_code, round_id, submission_id, strand_id, dimension_id, level (NULL when
    the current submission lacks that dimension)."""
    sql = (
        _GRID
        + """
        SELECT authority_code, round_id, submission_id, strand_id, dimension_id, level
        FROM grid ORDER BY round_id, authority_code, strand_order, dimension_order
        """
    )
    return conn.execute(sql, _params(viewer, round_id)).df()


def strand_levels(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str | None, rule: str
) -> pd.DataFrame:
    """Tidy: authority_code, round_id, strand_id, level (NULL when incomplete)."""
    sql = (
        _GRID
        + f"""
        SELECT authority_code, round_id, strand_id, {_RULE} AS level
        FROM grid
        GROUP BY authority_code, round_id, strand_id
        ORDER BY round_id, authority_code, min(strand_order)
        """
    )
    return conn.execute(sql, [*_params(viewer, round_id), rule]).df()


def overall_levels(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str | None, rule: str
) -> pd.DataFrame:
    """One row per authority and round: authority_code, authority_name, round_id,
    submission_id, rated (dimensions rated), expected, overall, index (mean of all dimension
    levels, NULL unless complete)."""
    sql = (
        _GRID
        + f"""
        SELECT g.authority_code, a.name AS authority_name, g.round_id, g.submission_id,
               count(g.level) AS rated, count(*) AS expected,
               {_RULE} AS overall,
               CASE WHEN count(level) = count(*) THEN avg(level) END AS "index"
        FROM grid g JOIN authorities a ON a.code = g.authority_code
        GROUP BY g.authority_code, a.name, g.round_id, g.submission_id
        ORDER BY g.round_id, g.authority_code
        """
    )
    return conn.execute(sql, [*_params(viewer, round_id), rule]).df()


# Levels are 1 to 4 (a CHECK on ratings), so three bits hold one dimension's level (0: not
# rated) and a BIGINT the levels of 21 dimensions; a model with more takes more BIGINTs.
_BITS = 3
_PER_WORD = 21


def model_layouts(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """{model version: [(dimension_id, strand_id), ...] in dimension order}."""
    rows = conn.execute(
        "SELECT model_version, dimension_id, strand_id FROM model_dimensions "
        "ORDER BY model_version, strand_order, dimension_order"
    ).fetchall()
    layouts: dict[str, list[tuple[str, str]]] = {}
    for version, dimension_id, strand_id in rows:
        layouts.setdefault(version, []).append((dimension_id, strand_id))
    return layouts


def authority_levels_wide(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None,
    rule: str,
    strand_ids: Sequence[str],
) -> pd.DataFrame:
    """One row per authority and round, ordered by round and authority code: authority_code,
    authority_name, round_id, submission_id, rated, expected, overall, index, then one column
    per strand (named by `strand_ids`, in that order). Levels are nullable integers (<NA> when
    incomplete, or for a strand not in the submission's model version); index is a nullable
    float (<NA> unless complete).

    The same rules as `strand_levels` and `overall_levels`, computed for speed on a large pool
    (see `authority_levels_by_rule`)."""
    return authority_levels_by_rule(conn, viewer, round_id, [rule], strand_ids)[rule]


def authority_levels_by_rule(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None,
    rules: Sequence[str],
    strand_ids: Sequence[str],
) -> dict[str, pd.DataFrame]:
    """`authority_levels_wide` for each of `rules` ('gated', 'best-fit'), from one query.

    One pass over the current submissions' ratings, grouped by submission (an integer), packs
    each submission's levels into one integer (three bits a dimension: `bit_or` of the level
    shifted to the dimension's place; each dimension is rated at most once a submission). The
    strands, overall level and index are then read from those integers column-wise (numpy),
    for each model version with its own dimensions and strands: a dimension rated but not in
    the submission's model version does not count, and a submission of a model version with no
    dimensions is left out."""
    unknown = [r for r in rules if r not in ("gated", "best-fit")]
    if unknown:
        raise ValueError(f"unknown scoring rule '{unknown[0]}' (use gated or best-fit)")
    layouts = model_layouts(conn)
    dimension_ids = sorted({d for layout in layouts.values() for d, _ in layout})
    words = [
        dimension_ids[start : start + _PER_WORD]
        for start in range(0, len(dimension_ids), _PER_WORD)
    ] or [[]]
    packs = "".join(
        f", bit_or(CAST(r.level AS BIGINT) << ({_BITS} * "
        f"(list_position(?::VARCHAR[], r.dimension_id) - 1))) AS w{w}"
        for w in range(len(words))
    )
    unpacked = "".join(f", coalesce(g.w{w}, 0) AS w{w}" for w in range(len(words)))
    sql = f"""
        WITH cur AS (
            SELECT s.id AS submission_id, s.authority_code, s.round_id, s.model_version
            FROM submissions s
            WHERE s.status = 'submitted'
              AND (CAST(? AS VARCHAR) IS NULL OR s.round_id = ?)
              AND (? OR s.authority_code = ?)
        ),
        packed AS (
            SELECT r.submission_id{packs}
            FROM ratings r JOIN cur c ON c.submission_id = r.submission_id
            GROUP BY r.submission_id
        )
        SELECT c.authority_code, a.name AS authority_name, c.round_id, c.submission_id,
               list_position(?::VARCHAR[], c.model_version) AS version{unpacked}
        FROM cur c
        JOIN authorities a ON a.code = c.authority_code
        LEFT JOIN packed g ON g.submission_id = c.submission_id
        ORDER BY c.round_id, c.authority_code
    """
    versions = list(layouts)
    params = [*_params(viewer, round_id), *(list(ids) for ids in words), versions]
    # Through Arrow: several times faster than .df() for 200,000 rows with text columns.
    # `execute` rather than `sql`: the caller may have left a result unfinished on conn.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        table = conn.execute(sql, params).to_arrow_table()
    return _unpack(table, layouts, words, rules, strand_ids)


def _unpack(
    table: pa.Table,
    layouts: dict[str, list[tuple[str, str]]],
    words: list[list[str]],
    rules: Sequence[str],
    strand_ids: Sequence[str],
) -> dict[str, pd.DataFrame]:
    """The levels under each rule from the packed words of `authority_levels_by_rule`."""
    mask = (1 << _BITS) - 1
    level_of: dict[str, np.ndarray] = {}
    for w, ids in enumerate(words):
        word = table.column(f"w{w}").to_numpy()
        for place, dimension_id in enumerate(ids):
            level_of[dimension_id] = ((word >> (_BITS * place)) & mask).astype(np.int16)
    # the model version as its 1-based place in `layouts`
    version = table.column("version").to_numpy(zero_copy_only=False)
    n = len(version)
    columns = ["overall", *strand_ids]
    rated, expected, total = (np.zeros(n, dtype=np.int16) for _ in range(3))
    level = {r: {c: np.zeros(n, dtype=np.int16) for c in columns} for r in rules}
    complete = {c: np.zeros(n, dtype=bool) for c in columns}

    def score(dims: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
        """(rated, total, complete, {rule: level, where complete}) of a group of dimensions."""
        first, *rest = (level_of[d] for d in dims)
        count = (first > 0).astype(np.int16)
        total, low = first.copy(), first.copy()
        for values in rest:
            count += values > 0
            total += values
            np.minimum(low, values, out=low)
        out = {}
        for r in rules:  # when complete, the lowest is the lowest level and the floor of the
            # mean is the total over the number of dimensions
            out[r] = low if r == "gated" else total // len(dims)
        return count, total, count == len(dims), out

    keep = np.zeros(n, dtype=bool)
    for place, layout in enumerate(layouts.values(), start=1):
        rows = version == place
        if not rows.any():
            continue
        keep |= rows
        dims = [d for d, _ in layout]
        count, dims_total, whole, by_rule = score(dims)
        np.copyto(rated, count, where=rows)
        np.copyto(total, dims_total, where=rows)
        np.copyto(expected, len(dims), where=rows)
        parts = {"overall": (whole, by_rule)}
        for strand_id in strand_ids:
            in_strand = [d for d, s in layout if s == strand_id]
            if in_strand:
                _, _, strand_whole, strand_levels = score(in_strand)
                parts[strand_id] = (strand_whole, strand_levels)
        for column, (whole_part, levels) in parts.items():
            np.copyto(complete[column], whole_part, where=rows)
            for r in rules:
                np.copyto(level[r][column], levels[r], where=rows)
    whole = complete["overall"]
    index = pd.arrays.FloatingArray(
        np.divide(total, expected, out=np.zeros(n), where=whole), ~whole
    )
    base = {
        name: table.column(name).to_pandas()
        for name in ("authority_code", "authority_name", "round_id", "submission_id")
    }
    base["rated"] = rated.astype(np.int64)
    base["expected"] = expected.astype(np.int64)
    results = {}
    for r in rules:
        data = dict(base)
        data["overall"] = pd.arrays.IntegerArray(level[r]["overall"].astype(np.int64), ~whole)
        data["index"] = index
        for strand_id in strand_ids:
            data[strand_id] = pd.arrays.IntegerArray(
                level[r][strand_id].astype(np.int64), ~complete[strand_id]
            )
        out = pd.DataFrame(data, copy=False)
        if not keep.all():
            out = out[keep].reset_index(drop=True)
        results[r] = out
    return results


def latest_round_with_submissions(conn: duckdb.DuckDBPyConnection, viewer: Viewer) -> str | None:
    """The latest round in which the viewer can see any current submission."""
    row = fetch_one(
        conn,
        "SELECT max(round_id) FROM submissions WHERE status = 'submitted' "
        "AND (? OR authority_code = ?)",
        viewer.sql_filter_params,
    )
    return row[0] if row else None
