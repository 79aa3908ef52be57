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
import pandas as pd

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


def authority_levels_wide(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None,
    rule: str,
    strand_ids: Sequence[str],
) -> pd.DataFrame:
    """One row per authority and round, in one query: authority_code, authority_name, round_id,
    submission_id, rated, expected, overall, index, then one column per strand (named by
    `strand_ids`, in that order; NULL when incomplete or not in the submission's model).

    The same rules as `strand_levels` and `overall_levels`, computed for speed on a large pool:
    one pass over the ratings grouped by submission (an integer), with each strand's count and
    lowest level (gated) or total (best fit) kept apart by a FILTER on the strand's position; a
    strand (or the whole return) is complete when its count of ratings equals its count of
    dimensions in the submission's model version."""
    gated = rule == "gated"
    parts, columns = [], []
    for k in range(1, len(strand_ids) + 1):
        # gated needs each strand's lowest level, best fit its total: only one is computed
        parts.append(
            f", count(r.level) FILTER (WHERE d.k = {k}) AS n{k}"
            f", {'min' if gated else 'sum'}(r.level) FILTER (WHERE d.k = {k}) AS v{k}"
        )
        level = f"g.v{k}" if gated else f"CAST(floor(g.v{k} / g.n{k}) AS INTEGER)"
        columns.append(
            f", CASE WHEN coalesce(g.n{k}, 0) = e.n{k} AND e.n{k} > 0 THEN {level} END AS s{k}"
        )
    expected = "".join(
        f", count(*) FILTER (WHERE k = {k}) AS n{k}" for k in range(1, len(strand_ids) + 1)
    )
    overall = "g.low" if gated else "CAST(floor(g.total / g.rated) AS INTEGER)"
    sql = f"""
        WITH cur AS (
            SELECT s.id AS submission_id, s.authority_code, s.round_id, s.model_version
            FROM submissions s
            WHERE s.status = 'submitted'
              AND (CAST(? AS VARCHAR) IS NULL OR s.round_id = ?)
              AND (? OR s.authority_code = ?)
        ),
        dims AS (
            SELECT model_version, dimension_id, list_position(?::VARCHAR[], strand_id) AS k
            FROM model_dimensions
        ),
        expected AS (
            SELECT model_version, count(*) AS n{expected} FROM dims GROUP BY model_version
        ),
        scored AS (
            SELECT r.submission_id, count(r.level) AS rated,
                   {"min(r.level)" if gated else "NULL"} AS low,
                   sum(r.level) AS total{"".join(parts)}
            FROM ratings r
            JOIN cur c ON c.submission_id = r.submission_id
            JOIN dims d ON d.model_version = c.model_version AND d.dimension_id = r.dimension_id
            GROUP BY r.submission_id
        )
        SELECT c.authority_code, a.name AS authority_name, c.round_id, c.submission_id,
               coalesce(g.rated, 0) AS rated, e.n AS expected,
               CASE WHEN g.rated = e.n THEN {overall} END AS overall,
               CASE WHEN g.rated = e.n THEN g.total / g.rated END AS "index"
               {"".join(columns)}
        FROM cur c
        JOIN expected e ON e.model_version = c.model_version
        JOIN authorities a ON a.code = c.authority_code
        LEFT JOIN scored g ON g.submission_id = c.submission_id
        ORDER BY c.round_id, c.authority_code
    """
    params = [*_params(viewer, round_id), list(strand_ids)]
    # Through Arrow: several times faster than .df() for 200,000 rows with text columns (levels
    # come back as floats with NaN where missing; the caller makes them nullable integers).
    # `execute` rather than `sql`: the caller may have left a result unfinished on conn.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        table = conn.execute(sql, params).to_arrow_table()
    frame = table.to_pandas()
    return frame.rename(columns={f"s{k}": sid for k, sid in enumerate(strand_ids, start=1)})


def latest_round_with_submissions(conn: duckdb.DuckDBPyConnection, viewer: Viewer) -> str | None:
    """The latest round in which the viewer can see any current submission."""
    row = fetch_one(
        conn,
        "SELECT max(round_id) FROM submissions WHERE status = 'submitted' "
        "AND (? OR authority_code = ?)",
        viewer.sql_filter_params,
    )
    return row[0] if row else None
