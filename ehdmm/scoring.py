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
from enum import StrEnum

import duckdb
import pandas as pd

from ehdmm.model import Model, load_model
from ehdmm.storage import scoring as sql
from ehdmm.viewer import Viewer


class Rule(StrEnum):
    """A scoring rule: how a strand's level, and the overall level, follow from the dimension
    levels. Its value is its id (in links, the command line and file names); it compares equal
    to that id."""

    GATED = "gated"
    BEST_FIT = "best-fit"

    @classmethod
    def of(cls, value: str) -> Rule:
        """The rule with this id; `ValueError` naming the rules otherwise."""
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(rule.value for rule in cls)
            raise ValueError(f"unknown scoring rule '{value}' (use one of: {names})") from None

    @property
    def label(self) -> str:
        """For a picker: 'Gated (lowest level)'."""
        return _LABELS[self]

    @property
    def explanation(self) -> str:
        """The rule in one sentence, as reports and the pack print it."""
        return _EXPLANATIONS[self]

    @property
    def lowest(self) -> bool:
        """True when a group of levels takes its lowest level (gated); False when it takes the
        floor of their mean (best fit)."""
        return self is Rule.GATED


_LABELS = {Rule.GATED: "Gated (lowest level)", Rule.BEST_FIT: "Best fit (floor of the mean)"}
_EXPLANATIONS = {
    Rule.GATED: "gated: a strand's level is the lowest level of its dimensions; the overall level "
    "is the lowest strand level",
    Rule.BEST_FIT: "best fit: a strand's level is the floor of the mean of its dimension levels; "
    "the overall level is the floor of the mean of all dimension levels",
}
RULES: tuple[Rule, ...] = tuple(Rule)
DEFAULT_RULE = Rule.GATED


def dimension_levels(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str | None = None
) -> pd.DataFrame:
    """Tidy dimension levels of current submissions (see `storage.scoring.dimension_levels`)."""
    frame = sql.dimension_levels(conn, viewer, round_id)
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
    checked = Rule.of(rule)
    return authority_levels_by_rule(conn, viewer, round_id, [checked], model)[checked]


def authority_levels_by_rule(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None = None,
    rules: Sequence[str] = RULES,
    model: Model | None = None,
) -> dict[Rule, pd.DataFrame]:
    """`authority_levels` under each of `rules`, from one query (cheaper than one call a
    rule when more than one is wanted)."""
    model = model or load_model()
    checked = [Rule.of(rule) for rule in rules]
    frames = sql.authority_levels_by_rule(conn, viewer, round_id, checked, model.strand_ids)
    columns = ["authority_code", "authority_name", "round_id", *model.strand_ids]
    columns += ["overall", "index", "rated", "expected"]
    return {rule: frame[columns] for rule, frame in frames.items()}


def score(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    round_id: str | None,
    rule: str,
    model: Model | None = None,
    *,
    published: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(`authority_levels` under `rule`, the dimension levels of the same rows: authority_code,
    round_id and one nullable integer column per dimension id of the model) from one query.
    `published`: of each round's latest publication instead of the current submissions."""
    model = model or load_model()
    checked = Rule.of(rule)
    frames, dimensions = sql.scored_levels(
        conn,
        viewer,
        round_id,
        [checked],
        model.strand_ids,
        model.dimension_ids,
        published=published,
    )
    columns = ["authority_code", "authority_name", "round_id", "submission_id", *model.strand_ids]
    columns += ["overall", "index", "rated", "expected"]
    dims = dimensions[["authority_code", "round_id", *model.dimension_ids]]
    return frames[checked][columns], dims


def latest_round(conn: duckdb.DuckDBPyConnection, viewer: Viewer) -> str | None:
    """The latest round with any current submission the viewer can see."""
    return sql.latest_round_with_submissions(conn, viewer)


def format_index(value: object) -> str:
    """Two decimals, rounded half away from zero (2.625 -> '2.63'); '' when missing."""
    if value is None or pd.isna(value):
        return ""
    return str(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
