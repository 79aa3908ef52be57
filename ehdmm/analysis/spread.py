"""How respondents' views differ, per dimension (pure pandas).

- the **distribution**: how many respondents chose each level;
- the **range**: lowest to highest level chosen;
- the **median**, rounded down (the gated reading: a level is reached only when it is held, so a
  median between two levels counts as the lower one; 2 and 3 give 2);
- a **disagreement flag**: levels two or more apart, or no level held by a majority (more than
  half of the respondents).

And across England: how often a consensus differs from its respondents' median, per dimension
(how contested each dimension is).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable

import pandas as pd

from ehdmm.model import Model

MEDIAN_RULE = (
    "The starting level is the respondents' median, rounded down (the gated reading: a level "
    "between two is not yet the higher one)."
)
FLAG_RULE = "Flagged where levels are two or more apart, or no level is held by a majority."


def floor_median(levels: Iterable[int]) -> int | None:
    """The median of the levels, rounded down (None when there are none)."""
    values = [int(v) for v in levels]
    return math.floor(statistics.median(values)) if values else None


def disagreement(levels: Iterable[int]) -> str:
    """Why the levels disagree ('' when they do not): 'levels 2 or more apart' and/or 'no
    majority'."""
    values = [int(v) for v in levels]
    if not values:
        return ""
    reasons = []
    if max(values) - min(values) >= 2:
        reasons.append("levels 2 or more apart")
    top = max(values.count(v) for v in set(values))
    if top * 2 <= len(values):
        reasons.append("no majority")
    return "; ".join(reasons)


def spread(ratings: pd.DataFrame, model: Model) -> pd.DataFrame:
    """One row per dimension (model order) from respondents' ratings (`dimension_id`, `level`;
    unrated rows ignored): dimension_id, dimension, n, a count per level (columns named by the
    level numbers 1-4), lowest, highest, median (rounded down), flag (the reasons, '' when
    none)."""
    rows = []
    rated = ratings.dropna(subset=["level"]) if not ratings.empty else ratings
    for dimension in model.dimensions:
        levels = (
            [int(v) for v in rated.loc[rated["dimension_id"] == dimension.id, "level"]]
            if not rated.empty
            else []
        )
        row: dict[str, object] = {
            "dimension_id": dimension.id,
            "dimension": dimension.name,
            "n": len(levels),
        }
        for number in model.level_names:
            row[number] = levels.count(number)
        row["lowest"] = min(levels) if levels else None
        row["highest"] = max(levels) if levels else None
        row["median"] = floor_median(levels)
        row["flag"] = disagreement(levels)
        rows.append(row)
    return pd.DataFrame(rows)


def spread_table(frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    """`spread` for people: Dimension, one column per level name with its count, Range,
    Median (rounded down), Disagreement."""
    out = pd.DataFrame({"Dimension": frame["dimension"]})
    for number, name in model.level_names.items():
        out[f"{number} {name}"] = frame[number].astype(int)

    def level_range(row) -> str:
        if row["lowest"] is None or pd.isna(row["lowest"]):
            return "no rating"
        low, high = int(row["lowest"]), int(row["highest"])
        return str(low) if low == high else f"{low} to {high}"

    out["Range"] = frame.apply(level_range, axis=1)
    out["Median (rounded down)"] = [
        "" if m is None or pd.isna(m) else f"{int(m)} {model.level_names[int(m)]}"
        for m in frame["median"]
    ]
    out["Disagreement"] = frame["flag"].fillna("")
    return out


def evidence_side_by_side(
    labels: dict[int, str], ratings: pd.DataFrame, model: Model
) -> pd.DataFrame:
    """One row per dimension, one column per respondent (`labels`: respondent id to column
    label, in order) holding 'level name: evidence' (plain text, as typed)."""
    rows = []
    for dimension in model.dimensions:
        row = {"Dimension": dimension.name}
        for respondent_id, label in labels.items():
            hit = ratings[
                (ratings["respondent_id"] == respondent_id)
                & (ratings["dimension_id"] == dimension.id)
            ]
            text = ""
            if not hit.empty:
                level, evidence = hit["level"].iloc[0], hit["evidence"].iloc[0]
                if level is not None and not pd.isna(level):
                    text = f"{int(level)} {model.level_names[int(level)]}"
                if evidence is not None and not pd.isna(evidence) and str(evidence).strip():
                    text = f"{text}: {evidence}" if text else str(evidence)
            row[label] = text
        rows.append(row)
    return pd.DataFrame(rows)


def contested(consensus: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Per dimension, over the current consensus submissions (`status` 'submitted'):
    consensuses, how many set a level other than the respondents' median, and that share
    (dimension_id, dimension, consensuses, differing, share; share None without any)."""
    current = consensus[consensus["status"] == "submitted"] if not consensus.empty else consensus
    rows = []
    for dimension in model.dimensions:
        part = current[current["dimension_id"] == dimension.id] if not current.empty else current
        total = len(part)
        differing = (
            int((part["median_level"].notna() & (part["level"] != part["median_level"])).sum())
            if total
            else 0
        )
        rows.append(
            {
                "dimension_id": dimension.id,
                "dimension": dimension.name,
                "consensuses": total,
                "differing": differing,
                "share": differing / total if total else None,
            }
        )
    return pd.DataFrame(rows)


def report_spread(levels: pd.DataFrame, agreed: dict[str, int], model: Model) -> pd.DataFrame:
    """An authority's report's spread (no respondent named): per dimension the count of
    respondents at each level, the agreed level (its return's) and the disagreement flag.
    Empty without any submitted response."""
    if levels.empty:
        return pd.DataFrame()
    frame = spread(levels, model)
    table = spread_table(frame, model).drop(columns=["Median (rounded down)"])
    table.insert(
        len(table.columns) - 1,
        "Agreed level",
        [
            f"{agreed[d]} {model.level_names[agreed[d]]}" if d in agreed else "not rated"
            for d in frame["dimension_id"]
        ],
    )
    return table
