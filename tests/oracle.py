"""Test oracles. Scoring: strand and overall levels computed in pandas, one group at a time,
from the tidy dimension levels of `ehdmm.scoring.dimension_levels` (every dimension of each
submission's own model version, with its strand, NULL where not rated), written apart from the
packed query of `ehdmm.storage.scoring` so that each checks the other. Peer groups: members
read one group at a time (the app reads them all at once, `ehdmm.analysis.rounds`). Priorities:
column-wise in pandas (the app works through a profile's eight dimensions row by row)."""

from __future__ import annotations

import itertools
import math

import duckdb
import pandas as pd

from ehdmm import peers, scoring
from ehdmm.analysis import plans
from ehdmm.storage import connect
from ehdmm.viewer import Viewer


def _apply(levels: pd.Series, rule: str) -> object:
    """A group's level under the rule: <NA> unless every level is present."""
    if levels.isna().any() or levels.empty:
        return pd.NA
    values = [int(v) for v in levels]
    if scoring.Rule.of(rule).lowest:
        return min(values)
    return math.floor(sum(values) / len(values))


def strand_levels(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str | None, rule: str
) -> pd.DataFrame:
    """Tidy: authority_code, round_id, strand_id, level (<NA> when incomplete), ordered by
    round, authority and the strand's first appearance."""
    dims = scoring.dimension_levels(conn, viewer, round_id)
    rows = [
        {"authority_code": code, "round_id": rnd, "strand_id": strand, "level": _apply(g, rule)}
        for (rnd, code, strand), g in dims.groupby(
            ["round_id", "authority_code", "strand_id"], sort=False
        )["level"]
    ]
    out = pd.DataFrame(rows, columns=["authority_code", "round_id", "strand_id", "level"])
    out["level"] = out["level"].astype("Int64")
    return out


def overall_levels(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str | None, rule: str
) -> pd.DataFrame:
    """One row per authority and round: authority_code, round_id, submission_id, rated,
    expected, overall, index (the mean of every dimension level; <NA> unless complete)."""
    dims = scoring.dimension_levels(conn, viewer, round_id)
    rows = []
    for (rnd, code, submission), group in dims.groupby(
        ["round_id", "authority_code", "submission_id"], sort=False
    )["level"]:
        complete = group.notna().all()
        rows.append(
            {
                "authority_code": code,
                "round_id": rnd,
                "submission_id": submission,
                "rated": int(group.notna().sum()),
                "expected": len(group),
                "overall": _apply(group, rule),
                "index": float(group.astype(float).mean()) if complete else pd.NA,
            }
        )
    columns = ["authority_code", "round_id", "submission_id", "rated", "expected"]
    return pd.DataFrame(rows, columns=[*columns, "overall", "index"])


def peer_codes(db, viewer: Viewer, authority: str, group: str) -> list[str]:
    """Member codes of a peer group (the authority included), read one group at a time."""
    assert viewer.sees_all, "peer lists are for national viewers"
    with connect(db) as conn:
        return peers.peer_members(conn, viewer, authority, peers.parse_peer_group(group))


def consistent_levels(
    before: dict[int, int | None], after: dict[int, int | None], n_before: int, n_after: int
) -> set[int]:
    """The attacker's view of two published level distributions of groups that differ by one
    authority (in `after`, not in `before`): every level that authority could hold, found by
    brute force over every vector of true counts the published counts allow under the
    published rule (`ehdmm.disclosure.possible_counts`), with each group's size exact. A
    suppressed count (None) allows anything up to the group's size."""
    from ehdmm.disclosure import possible_counts

    def allowed(shown: int | None, n: int) -> range:
        return range(0, n + 1) if shown is None else possible_counts(shown)

    levels = sorted(before)
    found: set[int] = set()
    for true in itertools.product(*(allowed(before[lv], n_before) for lv in levels)):
        if sum(true) != n_before:
            continue
        for j, level in enumerate(levels):
            moved = [c + (1 if i == j else 0) for i, c in enumerate(true)]
            if sum(moved) == n_after and all(
                c in allowed(after[lv], n_after) for c, lv in zip(moved, levels, strict=True)
            ):
                found.add(level)
    return found


# -- priorities against peers --------------------------------------------------------------


def priorities(values: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """`ehdmm.analysis.plans.priorities` written column-wise in pandas (as it was before it
    went row by row): the reference its property test compares it with."""
    out = pd.DataFrame(
        {
            "dimension_id": values["item_id"].astype(object),
            "dimension": values["item_name"].astype(object),
            "level": values["level"].astype("Int64"),
            "level_name": values["level_name"].astype(object),
            "peer_median": values["peer_median"].astype("Float64"),
            "england_median": values["england_median"].astype("Float64"),
        }
    )
    level = out["level"].astype("Float64")
    out["gap_to_peer"] = (out["peer_median"] - level).astype("Float64")
    out["gap_to_england"] = (out["england_median"] - level).astype("Float64")
    has_peer = out["gap_to_peer"].notna()
    out["_a"] = (~has_peer).astype(int)
    out["_b"] = -out["gap_to_peer"].fillna(out["gap_to_england"]).fillna(-99).astype(float)
    out["_c"] = level.fillna(99).astype(float)
    out = out.sort_values(["_a", "_b", "_c"], kind="stable").drop(columns=["_a", "_b", "_c"])
    gap = out["gap_to_peer"].fillna(out["gap_to_england"])
    behind = (gap.fillna(0) > 0) & out["level"].notna() & (out["level"].fillna(4) < 4)
    rank = behind.astype(int).cumsum()
    out["priority"] = (behind & (rank <= top)).astype(bool)
    return out[plans.PRIORITY_COLUMNS].reset_index(drop=True)
