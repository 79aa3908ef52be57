"""Loading and summarising levels for the dashboard: tidy frames in, tidy frames out.

Everything here is plain pandas on frames that `ehdmm.scoring` computed in DuckDB; nothing
scores. The loaders read one thing each (the pages read a whole round at once instead:
`ehdmm.analysis.rounds`); the pure functions are shared by the analysis modules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from ehdmm import scoring, wording
from ehdmm.model import Model, load_model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.storage import scoring as scored
from ehdmm.storage import submissions as store
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None
META = ["authority_code", "authority_name", "region", "la_type", "la_number"]


def authorities(db: Db) -> pd.DataFrame:
    """All authorities: code, name, region, la_type, la_number (public reference data)."""
    with connect(db) as conn:
        return ref.authorities(conn)


def rounds_with_submissions(db: Db, viewer: Viewer) -> list[str]:
    """Rounds (oldest first) with at least one current submission of any authority: the
    rounds with data to benchmark against, the same for every viewer. An authority viewer
    picks from them too (its peer aggregates exist there); its own authority may have no
    submission in some of them (`own_rounds`), which its pages say. Only round ids are
    returned: nothing says which authorities submitted."""
    del viewer  # the same rounds for every viewer: a round id names no authority
    with connect(db) as conn:
        return scored.rounds_with_submissions(conn)


def own_rounds(db: Db, viewer: Viewer, authority_code: str) -> list[str]:
    """Rounds (oldest first) in which `authority_code` has a current submission the viewer may
    see (none for an authority the viewer may not see by name)."""
    if not viewer.can_see(authority_code):
        return []
    with connect(db) as conn:
        history = store.submission_history(conn, viewer, authority_code)
    current = history[history["status"] == "submitted"]
    return sorted(current["round_id"].unique())


def import_log(db: Db) -> pd.DataFrame:
    """Every import and no-op re-import of return files, as stored (for the national pack)."""
    with connect(db) as conn:
        return store.import_log(conn)


def _with_meta(frame: pd.DataFrame, db: Db) -> pd.DataFrame:
    return with_meta(frame, authorities(db))


def with_meta(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """`frame` (with authority_code) with region, la_type and la_number from `reference`
    (`authorities`)."""
    meta = reference.rename(columns={"code": "authority_code"})
    return frame.merge(
        meta[["authority_code", "region", "la_type", "la_number"]], on="authority_code", how="left"
    )


def levels(
    db: Db, viewer: Viewer, round_id: str | None, rule: str, model: Model | None = None
) -> pd.DataFrame:
    """Wide levels (one row per authority and round: strands, overall, index, rated) with
    region, la_type and la_number; all rounds when `round_id` is None."""
    with connect(db) as conn:
        frame = scoring.authority_levels(conn, viewer, round_id, rule, model)
    return _with_meta(frame, db)


def dimensions(db: Db, viewer: Viewer, round_id: str | None) -> pd.DataFrame:
    """Tidy dimension levels: authority_code, round_id, strand_id, dimension_id, level."""
    with connect(db) as conn:
        return scoring.dimension_levels(conn, viewer, round_id)


def long_levels(
    wide: pd.DataFrame, model: Model | None = None, items: str = "strand"
) -> pd.DataFrame:
    """Wide strand levels to tidy: authority_code, round_id, item_id, level."""
    model = model or load_model()
    columns = list(model.strand_ids) + (["overall"] if items == "strand+overall" else [])
    tidy = wide.melt(
        id_vars=["authority_code", "round_id"],
        value_vars=columns,
        var_name="item_id",
        value_name="level",
    )
    tidy["level"] = tidy["level"].astype("Int64")
    return tidy


def dimension_long(dims: pd.DataFrame) -> pd.DataFrame:
    """Tidy dimension levels renamed to the item_id convention."""
    out = dims[["authority_code", "round_id", "dimension_id", "level"]].rename(
        columns={"dimension_id": "item_id"}
    )
    out["level"] = out["level"].astype("Int64")
    return out


def level_distribution(
    tidy: pd.DataFrame, members: list[str], order: list[str], model: Model | None = None
) -> pd.DataFrame:
    """Counts of members at each level per item (all four levels, zeros included):
    item_id, level, level_name, count, n (members with a level for that item)."""
    model = model or load_model()
    subset = tidy[tidy["authority_code"].isin(members) & tidy["level"].notna()]
    counts = subset.groupby(["item_id", "level"]).size()
    totals = subset.groupby("item_id").size()
    rows = []
    for item in order:
        n = int(totals.get(item, 0))
        for level in model.level_names:
            rows.append(
                {
                    "item_id": item,
                    "level": level,
                    "level_name": model.level_names[level],
                    "count": int(counts.get((item, level), 0)),
                    "n": n,
                }
            )
    return pd.DataFrame(rows)


def medians(tidy: pd.DataFrame, members: list[str], order: list[str]) -> pd.Series:
    """Median level per item over the members that have one (index: item ids in order)."""
    subset = tidy[tidy["authority_code"].isin(members) & tidy["level"].notna()]
    values = subset.groupby("item_id")["level"].median()
    return values.reindex(order).astype("Float64")


@dataclass(frozen=True)
class Rank:
    rank: int | None  # 1 = highest index; ties share the best rank
    n: int  # members with an index
    percentile: float | None  # share of members with a lower index, 0-100

    @property
    def text(self) -> str:
        """'3 of 15 (percentile 86th)' (see `ehdmm.wording.rank_words`)."""
        return wording.rank_words(self).sentence


def rank_in_group(wide: pd.DataFrame, authority_code: str, members: list[str]) -> Rank:
    """Rank and percentile of the authority's maturity index within the members."""
    group = wide[wide["authority_code"].isin(members) & wide["index"].notna()]
    n = len(group)
    own = group[group["authority_code"] == authority_code]
    if own.empty:
        return Rank(None, n, None)
    value = float(own["index"].iloc[0])
    higher = int((group["index"].astype(float) > value).sum())
    lower = int((group["index"].astype(float) < value).sum())
    percentile = 100.0 * lower / (n - 1) if n > 1 else 100.0
    return Rank(higher + 1, n, percentile)


def rows_index(frame: pd.DataFrame) -> dict:
    """Where each authority's rows are in `frame` (by `authority_code`), for `authority_rows`:
    made once for a frame that is asked for many authorities' rows."""
    return frame.groupby("authority_code", sort=False, observed=True).indices


def authority_rows(frame: pd.DataFrame, index: dict, authority: str) -> pd.DataFrame:
    """`frame`'s rows of one authority, in their order, found through `rows_index(frame)`."""
    found = index.get(authority)
    return frame.iloc[:0] if found is None else frame.iloc[found]


def authority_labels(frame: pd.DataFrame) -> dict[str, str]:
    """Picker labels for the reference (non-synthetic) authorities, by name:
    {code: "Bristol, City of (E06000023, DfE 801)"}."""
    real = frame[~frame["synthetic"].astype(bool)].sort_values("name")
    labels = {}
    for code, name, number in zip(real["code"], real["name"], real["la_number"], strict=True):
        suffix = "" if pd.isna(number) else f", DfE {int(number)}"
        labels[code] = f"{name} ({code}{suffix})"
    return labels
