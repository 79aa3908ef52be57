"""Scoring in DuckDB: dimension, strand and overall levels and the maturity index.

Every query scores an authority's current submission (status 'submitted') per round, against the
dimensions of the model version that submission was made under (table `model_dimensions`).
The rule is a parameter (`ehdmm.scoring.Rule`): gated (lowest level) or best fit (floor of
the mean).
A strand with a missing dimension has no level; overall and the index need all dimensions.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import pyarrow as pa

from ehdmm.storage.db import fetch_one
from ehdmm.viewer import Viewer

if TYPE_CHECKING:  # the rule is passed in: storage does not import the domain's scoring
    from ehdmm.scoring import Rule

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


_CURRENT = """
    SELECT s.id AS submission_id, s.authority_code, s.round_id, s.model_version
    FROM submissions s
    WHERE s.status = 'submitted'
      AND (CAST(? AS VARCHAR) IS NULL OR s.round_id = ?)
      AND (? OR s.authority_code = ?)
"""

# The submissions of each round's latest publication (superseded since or not).
_PUBLISHED = """
    SELECT s.id AS submission_id, s.authority_code, s.round_id, s.model_version
    FROM publication_members m
    JOIN submissions s ON s.id = m.submission_id
    WHERE m.publication_id IN (SELECT max(id) FROM publications GROUP BY round_id)
      AND (CAST(? AS VARCHAR) IS NULL OR s.round_id = ?)
      AND (? OR s.authority_code = ?)
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


def authority_levels_by_rule(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None,
    rules: Sequence[Rule],
    strand_ids: Sequence[str],
) -> dict[Rule, pd.DataFrame]:
    """One frame per rule of `rules`, from one query: one row per authority and round, ordered
    by round and authority code: authority_code, authority_name, round_id, submission_id,
    rated, expected, index, overall, then one column per strand (named by `strand_ids`, in that
    order). Levels are nullable integers (<NA> when incomplete, or for a strand not in the
    submission's model version); index is a nullable float (<NA> unless complete)."""
    return scored_levels(conn, viewer, round_id, rules, strand_ids, ())[0]


class _Packing:
    """The SQL of `scored_levels` for the model versions' layouts ({version: [(dimension,
    strand), ...]}): where each dimension's level sits in the packed integers, and the
    expressions that read levels back and apply the rules."""

    def __init__(self, layouts: dict[str, list[tuple[str, str]]]) -> None:
        self.layouts = layouts
        ids = sorted({d for layout in layouts.values() for d, _ in layout})
        self.words = [ids[start : start + _PER_WORD] for start in range(0, len(ids), _PER_WORD)]
        self.words = self.words or [[]]
        place = {d: (w, i) for w, word in enumerate(self.words) for i, d in enumerate(word)}
        self.column = {d: f"d{n}" for n, d in enumerate(ids)}
        self.packs = "".join(
            f", bit_or(CAST(r.level AS BIGINT) << ({_BITS} * "
            f"(list_position(?::VARCHAR[], r.dimension_id) - 1))) AS w{w}"
            for w in range(len(self.words))
        )
        self.unpacked = "".join(
            f", (coalesce(g.w{place[d][0]}, 0) >> {_BITS * place[d][1]}) & {(1 << _BITS) - 1}"
            f" AS {self.column[d]}"
            for d in ids
        )

    @property
    def word_params(self) -> list[list[str]]:
        """The dimension ids of each packed integer (the query's list parameters)."""
        return [list(ids) for ids in self.words]

    def per_version(self, expression: Callable[[list[tuple[str, str]]], str | None]) -> str:
        """CASE over the model versions of `expression` of each version's (dimension, strand)
        pairs; NULL for a version without dimensions or where `expression` gives None."""
        if len(self.layouts) == 1:  # one model version (the usual case): no CASE needed
            return expression(next(iter(self.layouts.values()))) or "NULL"
        cases = []
        for number, layout in enumerate(self.layouts.values(), start=1):
            value = expression(layout) if layout else None
            cases.append(f"WHEN {number} THEN {value or 'NULL'}")
        return f"CASE version {' '.join(cases)} END"

    def lowest(self, dims: list[str]) -> str:
        levels = [self.column[d] for d in dims]
        return f"least({', '.join(levels)})" if len(levels) > 1 else levels[0]

    def total(self, dims: list[str]) -> str:
        return " + ".join(self.column[d] for d in dims)

    def rule_level(self, rule: Rule, dims: list[str]) -> str | None:
        if not dims:
            return None
        if rule.lowest:  # gated: the lowest level; 0 (a dimension not rated) is no level
            return f"CAST(nullif({self.lowest(dims)}, 0) AS INTEGER)"
        return (
            f"CASE WHEN {self.lowest(dims)} > 0 "
            f"THEN CAST(({self.total(dims)}) // {len(dims)} AS INTEGER) END"
        )

    def columns(
        self, rules: Sequence[Rule], strand_ids: Sequence[str], dimension_ids: Sequence[str]
    ) -> list[str]:
        """The query's computed columns: rated, expected, index; per rule (r) the overall
        level o{r} and each strand's s{r}_{k}; each dimension's level d_{k}."""

        def rated(layout: list[tuple[str, str]]) -> str:
            return " + ".join(f"({self.column[d]} > 0)::INTEGER" for d, _ in layout)

        def index(layout: list[tuple[str, str]]) -> str:
            dims = [d for d, _ in layout]
            return f"CASE WHEN {self.lowest(dims)} > 0 THEN ({self.total(dims)}) / {len(dims)} END"

        selected = [
            f"{self.per_version(rated)} AS rated",
            f"{self.per_version(lambda layout: str(len(layout)))} AS expected",
            f'{self.per_version(index)} AS "index"',
        ]
        for r, rule in enumerate(rules):
            overall = self.per_version(
                lambda layout, rule=rule: self.rule_level(rule, [d for d, _ in layout])
            )
            selected.append(f"{overall} AS o{r}")
            for k, strand_id in enumerate(strand_ids):
                strand = self.per_version(
                    lambda layout, rule=rule, strand_id=strand_id: self.rule_level(
                        rule, [d for d, s in layout if s == strand_id]
                    )
                )
                selected.append(f"{strand} AS s{r}_{k}")
        for k, dimension_id in enumerate(dimension_ids):
            rated_in = self.per_version(
                lambda layout, d=dimension_id: (
                    f"nullif({self.column[d]}, 0)" if d in dict(layout) else None
                )
            )
            selected.append(f"CAST({rated_in} AS INTEGER) AS d_{k}")
        return selected


def scored_levels(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None,
    rules: Sequence[Rule],
    strand_ids: Sequence[str],
    dimension_ids: Sequence[str],
    *,
    published: bool = False,
) -> tuple[dict[Rule, pd.DataFrame], pd.DataFrame]:
    """(`authority_levels_by_rule`, the dimension levels) from one query. The dimension levels
    are wide: authority_code, round_id, submission_id and one nullable integer column per
    dimension of `dimension_ids` (named by its id; <NA> when not rated, or not in the
    submission's model version), in the same row order as the levels.

    One pass over the current submissions' ratings, grouped by submission (an integer), packs
    each submission's levels into one integer (three bits a dimension: `bit_or` of the level
    shifted to the dimension's place; each dimension is rated at most once a submission). The
    same query then reads each strand's levels back out of those integers, per model version
    with its own dimensions and strands (a dimension rated but not in the submission's model
    version does not count; a submission of a model version with no dimensions is left out),
    and applies the rules: a group of dimensions is complete when its lowest level is not 0
    (not rated); gated (`Rule.lowest`) is that lowest level, best fit the floor of the mean (an
    integer division of the total).

    `published`: score the submissions of each round's latest publication instead of the
    current ones (what authority users' peer aggregates are made from)."""
    packing = _Packing(model_layouts(conn))
    selected = packing.columns(rules, strand_ids, dimension_ids)
    sql = f"""
        WITH cur AS ({_PUBLISHED if published else _CURRENT}),
        packed AS (
            SELECT r.submission_id{packing.packs}
            FROM ratings r JOIN cur c ON c.submission_id = r.submission_id
            GROUP BY r.submission_id
        ),
        words AS (
            SELECT c.authority_code, a.name AS authority_name, c.round_id, c.submission_id,
                   list_position(?::VARCHAR[], c.model_version) AS version{packing.unpacked}
            FROM cur c
            JOIN authorities a ON a.code = c.authority_code
            LEFT JOIN packed g ON g.submission_id = c.submission_id
        )
        SELECT authority_code, authority_name, round_id, submission_id, {", ".join(selected)}
        FROM words
        WHERE version IS NOT NULL
        ORDER BY round_id, authority_code
    """
    params = [*_params(viewer, round_id), *packing.word_params, list(packing.layouts)]
    # Through Arrow: several times faster than .df() for 200,000 rows with text columns.
    # `execute` rather than `sql`: the caller may have left a result unfinished on conn.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        table = conn.execute(sql, params).to_arrow_table()
    nullable = {pa.int32(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype()}
    frame = table.to_pandas(types_mapper=nullable.get)
    frame["rated"] = frame["rated"].astype("int64")
    frame["expected"] = frame["expected"].astype("int64")
    base = ["authority_code", "authority_name", "round_id", "submission_id", "rated"]
    base += ["expected", "index"]
    results = {}
    for r, rule in enumerate(rules):
        names = {f"o{r}": "overall"} | {f"s{r}_{k}": sid for k, sid in enumerate(strand_ids)}
        results[rule] = frame[base + list(names)].rename(columns=names)
    names = {f"d_{k}": dimension_id for k, dimension_id in enumerate(dimension_ids)}
    dimensions = frame[["authority_code", "round_id", "submission_id", *names]]
    return results, dimensions.rename(columns=names)


def rounds_with_submissions(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Every round with a current submission of any authority, oldest first (round ids only:
    they name no authority)."""
    rows = conn.execute(
        "SELECT DISTINCT round_id FROM submissions WHERE status = 'submitted' ORDER BY round_id"
    ).fetchall()
    return [row[0] for row in rows]


def latest_round_with_submissions(conn: duckdb.DuckDBPyConnection, viewer: Viewer) -> str | None:
    """The latest round in which the viewer can see any current submission."""
    row = fetch_one(
        conn,
        "SELECT max(round_id) FROM submissions WHERE status = 'submitted' "
        "AND (? OR authority_code = ?)",
        viewer.sql_filter_params,
    )
    return row[0] if row else None
