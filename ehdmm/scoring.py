"""Levels per dimension, strand and overall, and the maturity index (computed in DuckDB).

Rules (README, "Scoring"):
- gated (default): a strand's level is the lowest level of its dimensions; overall is the lowest
  strand level (equivalently, the lowest dimension level).
- best-fit: a strand's level is the floor of the mean of its dimension levels; overall is the
  floor of the mean of all dimension levels.
- A strand with any dimension missing has no level; overall and the index need every dimension.
- The maturity index is the mean of the dimension levels (1.00-4.00): for ordering and
  distributions, never presented as a level.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pandas as pd

from ehdmm.model import Model, load_model
from ehdmm.storage import scoring as sql
from ehdmm.viewer import Viewer

RULES: tuple[str, ...] = ("gated", "best-fit")
DEFAULT_RULE = "gated"


def check_rule(rule: str) -> str:
    if rule not in RULES:
        raise ValueError(f"unknown scoring rule '{rule}' (use one of: {', '.join(RULES)})")
    return rule


def dimension_levels(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str | None = None
) -> pd.DataFrame:
    """Tidy dimension levels of current submissions (see `storage.scoring.dimension_levels`)."""
    frame = sql.dimension_levels(conn, viewer, round_id)
    frame["level"] = frame["level"].astype("Int64")
    return frame


def strand_levels(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None = None,
    rule: str = DEFAULT_RULE,
) -> pd.DataFrame:
    """Tidy strand levels: authority_code, round_id, strand_id, level (<NA> when incomplete)."""
    frame = sql.strand_levels(conn, viewer, round_id, check_rule(rule))
    frame["level"] = frame["level"].astype("Int64")
    return frame


def authority_levels(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None = None,
    rule: str = DEFAULT_RULE,
    model: Model | None = None,
) -> pd.DataFrame:
    """One row per authority and round with a current submission (ordered by round, then
    authority code): authority_code, authority_name, round_id, one column per strand id (model
    order), overall, index, rated, expected. Levels are nullable integers; index is a float
    (<NA> when incomplete)."""
    return authority_levels_by_rule(conn, viewer, round_id, [rule], model)[rule]


def authority_levels_by_rule(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None = None,
    rules: Sequence[str] = RULES,
    model: Model | None = None,
) -> dict[str, pd.DataFrame]:
    """`authority_levels` under each of `rules`, from one query (cheaper than one call a
    rule when more than one is wanted)."""
    model = model or load_model()
    for rule in rules:
        check_rule(rule)
    frames = sql.authority_levels_by_rule(conn, viewer, round_id, rules, model.strand_ids)
    columns = ["authority_code", "authority_name", "round_id", *model.strand_ids]
    columns += ["overall", "index", "rated", "expected"]
    return {rule: frame[columns] for rule, frame in frames.items()}


def latest_round(conn: duckdb.DuckDBPyConnection, viewer: Viewer) -> str | None:
    """The latest round with any current submission the viewer can see."""
    return sql.latest_round_with_submissions(conn, viewer)


def format_index(value: object) -> str:
    """Two decimals, rounded half away from zero (2.625 -> '2.63'); '' when missing."""
    if value is None or pd.isna(value):
        return ""
    return str(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
