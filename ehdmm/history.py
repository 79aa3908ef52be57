"""History of an authority's submissions for people, and the difference between two of them
(levels, confidence, evidence), as the History page and the Assess page's confirmation show
them."""

from __future__ import annotations

import os
from collections.abc import Mapping

import pandas as pd

from ehdmm import tables
from ehdmm.model import Model
from ehdmm.storage import connect
from ehdmm.storage import drafts as sql
from ehdmm.storage import submissions as store
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None
NOT_RATED = "not rated"


def optional(value: object) -> object | None:
    """A stored value, None for a missing one (None or NaN)."""
    return None if value is None or pd.isna(value) else value


STATUS_ORDER = {"draft": 0, "submitted": 1, "superseded": 2}


def history(db: Db, viewer: Viewer, authority_code: str) -> pd.DataFrame:
    """Every submission of the authority the viewer may see (draft, submitted, superseded),
    newest round first: id, round_id, status, source, source_file, submitted_at (a draft's
    last save), submitted_by, superseded_by, ratings (count)."""
    with connect(db) as conn:
        return store.submission_history(conn, viewer, authority_code)


def history_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The history for people: plain headings, a date for every row; a superseded return says
    when the return that replaced it was made (never an internal id)."""
    dates = pd.to_datetime(frame["submitted_at"]).dt.strftime("%Y-%m-%d %H:%M")
    made = dict(zip(frame["id"], dates, strict=True))
    out = pd.DataFrame(
        {
            "Round": frame["round_id"],
            "Status": frame["status"],
            "Date": dates,
            "Source": frame["source"],
            "Author": frame["submitted_by"].astype(object).where(frame["submitted_by"].notna(), ""),
            "File": frame["source_file"].astype(object).where(frame["source_file"].notna(), ""),
            "Dimensions answered": frame["ratings"].astype("Int64"),
            "Superseded on": [
                "" if optional(later) is None else made.get(later, "")
                for later in frame["superseded_by"]
            ],
        }
    )
    return out.reset_index(drop=True)


def submission_label(row: Mapping[str, object]) -> str:
    """'2025-03 · submitted · 2025-03-31 10:02 · import' for a history row."""
    when = optional(row["submitted_at"])
    date = "no date" if when is None else pd.Timestamp(when).strftime("%Y-%m-%d %H:%M")
    return f"{row['round_id']} · {row['status']} · {date} · {row['source']}"


def compare_stem(frame: pd.DataFrame, authority: str, first: int, second: int) -> str:
    """The file name (without extension) of two submissions' comparison: the authority, and
    each submission's round and time ('ehdmm_E06000023_compare_2025-03_20250331-0931_...'),
    never their internal ids."""
    rows = frame.set_index("id")

    def part(submission: int) -> str:
        when = optional(rows.loc[submission, "submitted_at"])
        time = "undated" if when is None else pd.Timestamp(when).strftime("%Y%m%d-%H%M")
        return f"{rows.loc[submission, 'round_id']}_{time}"

    return f"ehdmm_{authority}_compare_{part(first)}_{part(second)}"


def submission_labels(frame: pd.DataFrame) -> dict[int, str]:
    """`submission_label` of every history row, by submission id (in the frame's order)."""
    return {int(row["id"]): submission_label(row) for row in frame.to_dict("records")}


def ratings_of(ratings: pd.DataFrame, submission_id: int) -> pd.DataFrame:
    """The rows of one submission from `submission_ratings`."""
    return ratings[ratings["submission_id"] == submission_id]


def default_pair(frame: pd.DataFrame, round_id: str | None) -> tuple[int | None, int | None]:
    """Two submissions worth comparing (older, newer): in the round, the current one and the
    one it superseded (or the open draft and the current one); else the authority's current
    submissions of the two latest rounds. (None, None) when there are fewer than two."""
    if len(frame) < 2:
        return None, None
    ordered = frame.sort_values("id")
    in_round = ordered[ordered["round_id"] == round_id]
    if len(in_round) >= 2:
        newest = in_round.iloc[-1]
        older = in_round[in_round["id"] != newest["id"]].iloc[-1]
        return int(older["id"]), int(newest["id"])
    current = ordered[ordered["status"] == "submitted"].sort_values("round_id")
    if len(current) >= 2:
        return int(current.iloc[-2]["id"]), int(current.iloc[-1]["id"])
    return int(ordered.iloc[-2]["id"]), int(ordered.iloc[-1]["id"])


def submission_ratings(db: Db, viewer: Viewer, ids: list[int]) -> pd.DataFrame:
    """Ratings of the given submissions (submission_id, dimension_id, level, evidence,
    confidence, proposed_level, override_reason)."""
    with connect(db) as conn:
        return sql.ratings(conn, viewer, ids)


def _change(a: object, b: object, model: Model) -> str:
    if a is None and b is None:
        return "not rated in either"
    if a == b:
        return "unchanged"
    left = NOT_RATED if a is None else tables.level_label(a, model)
    right = NOT_RATED if b is None else tables.level_label(b, model)
    step = f" ({b - a:+d})" if a is not None and b is not None else ""
    return f"{left} → {right}{step}"


def diff_table(ratings_a: pd.DataFrame, ratings_b: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Side by side, per dimension: the level in A and in B, the change ('2 Developing → 3
    Maturing (+1)' or 'unchanged'), whether it changed, the confidence in A and B and whether
    the evidence text differs."""

    def by_dimension(frame: pd.DataFrame) -> dict[str, dict[str, object]]:
        return {
            row["dimension_id"]: {k: optional(v) for k, v in row.items()}
            for row in frame.to_dict("records")
        }

    a, b = by_dimension(ratings_a), by_dimension(ratings_b)
    rows = []
    for strand in model.strands:
        for dimension in strand.dimensions:
            ra, rb = a.get(dimension.id, {}), b.get(dimension.id, {})
            la = None if ra.get("level") is None else int(ra["level"])
            lb = None if rb.get("level") is None else int(rb["level"])
            rows.append(
                {
                    "Strand": strand.name,
                    "Dimension": dimension.name,
                    "Level in A": NOT_RATED if la is None else tables.level_label(la, model),
                    "Level in B": NOT_RATED if lb is None else tables.level_label(lb, model),
                    "Change": _change(la, lb, model),
                    "Level changed": la != lb,
                    "Confidence in A": ra.get("confidence") or "",
                    "Confidence in B": rb.get("confidence") or "",
                    "Evidence changed": (ra.get("evidence") or "") != (rb.get("evidence") or ""),
                    "Confidence changed": (ra.get("confidence") or "")
                    != (rb.get("confidence") or ""),
                }
            )
    return pd.DataFrame(rows)


def diff_summary(diff: pd.DataFrame, total: int) -> str:
    """'2 of 8 dimensions changed level: Data sharing (2 Developing → 3 Maturing (+1)); ...'."""
    changed = diff[diff["Level changed"]]
    if changed.empty:
        return f"No dimension changed level (all {total} the same)."
    parts = "; ".join(
        f"{d} ({c})" for d, c in zip(changed["Dimension"], changed["Change"], strict=True)
    )
    return f"{len(changed)} of {total} dimensions changed level: {parts}."
