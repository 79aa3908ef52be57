"""The national overview of one round: who submitted, levels per strand, every authority side by
side, and change since the previous round.

Pure pandas on the frames the loaders in `ehdmm.ui.data` return: `levels` (one row per authority
with a current submission: strand ids, overall, index, rated, region, la_type), `dims` (tidy
dimension levels) and `authorities` (code, name, region, la_type). Nothing here scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm import scoring, tables
from ehdmm.model import Model

OVERALL = "overall"
OVERALL_NAME = "Overall"
NO_SUBMISSION = "no submission"
NOT_RATED = "not rated"
CHANGES: dict[str, str] = {"improved": "Improved", "same": "Same level", "declined": "Declined"}


@dataclass(frozen=True)
class Coverage:
    """Counts for one round: authorities with a current submission, those with all dimensions
    rated, and those with no submission."""

    total: int
    assessed: int
    complete: int
    missing: int


def item_names(model: Model, *, overall: bool = True) -> dict[str, str]:
    """Strand id -> strand name, in model order, with 'overall' last when asked for."""
    names = {s.id: s.name for s in model.strands}
    if overall:
        names[OVERALL] = OVERALL_NAME
    return names


def coverage(levels: pd.DataFrame, authorities: pd.DataFrame, model: Model) -> Coverage:
    """Assessed (current submission), complete (every dimension rated) and missing counts."""
    codes = set(authorities["code"])
    assessed = levels[levels["authority_code"].isin(codes)]
    complete = int((assessed["rated"] >= len(model.dimension_ids)).sum())
    return Coverage(
        total=len(codes),
        assessed=int(assessed["authority_code"].nunique()),
        complete=complete,
        missing=len(codes - set(assessed["authority_code"])),
    )


def missing_authorities(levels: pd.DataFrame, authorities: pd.DataFrame) -> pd.DataFrame:
    """Authorities with no current submission in the round: Authority, ONS code, Region."""
    missing = authorities[~authorities["code"].isin(set(levels["authority_code"]))]
    out = missing.sort_values(["name", "code"])[["name", "code", "region"]]
    return out.rename(
        columns={"name": "Authority", "code": "ONS code", "region": "Region"}
    ).reset_index(drop=True)


def level_counts(levels: pd.DataFrame, model: Model, *, overall: bool = True) -> pd.DataFrame:
    """Authorities at each level per strand (and overall), plus the incomplete ones.

    Tidy: item_id, item_name, level (<NA> for incomplete), level_label, count, n. For every
    item the counts (levels and incomplete) sum to n, the number assessed."""
    n = len(levels)
    rows = []
    for item, name in item_names(model, overall=overall).items():
        values = levels[item].astype("Int64")
        for number in model.level_names:
            rows.append(
                {
                    "item_id": item,
                    "item_name": name,
                    "level": number,
                    "level_label": tables.level_label(number, model),
                    "count": int((values == number).sum()),
                    "n": n,
                }
            )
        rows.append(
            {
                "item_id": item,
                "item_name": name,
                "level": pd.NA,
                "level_label": tables.INCOMPLETE,
                "count": int(values.isna().sum()),
                "n": n,
            }
        )
    out = pd.DataFrame(rows)
    out["level"] = out["level"].astype("Int64")
    return out


def level_counts_table(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts as a table for people: one row per strand, one column per level and incomplete."""
    order = list(dict.fromkeys(counts["level_label"]))
    items = list(dict.fromkeys(counts["item_name"]))
    wide = counts.pivot(index="item_name", columns="level_label", values="count")
    wide = wide.reindex(index=items, columns=order)
    wide.columns.name = None
    wide["Assessed"] = counts.groupby("item_name")["n"].first().reindex(items)
    return wide.reset_index().rename(columns={"item_name": "Strand"})


def counts_summary(counts: pd.DataFrame, round_id: str | None) -> str:
    """One sentence: the most common level per strand."""
    rated = counts[counts["level"].notna()]
    if rated.empty or int(counts["n"].max()) == 0:
        return f"No authority has a current submission in round {round_id}."
    n = int(counts["n"].iloc[0])
    parts = []
    for name, group in rated.groupby("item_name", sort=False):
        top = group.sort_values(["count", "level"], ascending=[False, True]).iloc[0]
        parts.append(f"{name}: {top['level_label']} ({int(top['count'])})")
    return (
        f"Of {n} authorities assessed in round {round_id}, the most common level is "
        + "; ".join(parts)
        + "."
    )


def _order(levels: pd.DataFrame, authorities: pd.DataFrame) -> pd.DataFrame:
    """Every authority with its index: highest index first; then incomplete returns, then no
    submission; ties by name."""
    base = authorities[["code", "name"]].rename(
        columns={"code": "authority_code", "name": "authority_name"}
    )
    index = levels[["authority_code", "index"]]
    frame = base.merge(index, on="authority_code", how="left")
    frame["submitted"] = frame["authority_code"].isin(set(levels["authority_code"]))
    frame["index"] = frame["index"].astype("Float64")
    frame = frame.sort_values(
        ["index", "submitted", "authority_name", "authority_code"],
        ascending=[False, False, True, True],
        na_position="last",
    ).reset_index(drop=True)
    frame["row"] = range(len(frame))
    return frame


def heatmap_cells(
    levels: pd.DataFrame,
    dims: pd.DataFrame,
    authorities: pd.DataFrame,
    model: Model,
    by: str = "dimension",
) -> pd.DataFrame:
    """Every authority x every dimension (`by='dimension'`) or strand (`by='strand'`).

    Tidy: authority_code, authority_name, row (0 = highest index), index, item_id, item_name,
    level (<NA> when missing), label ('3 Maturing', 'incomplete', 'not rated' or
    'no submission')."""
    if by not in ("dimension", "strand"):
        raise ValueError(f"unknown heatmap view {by!r} (use 'dimension' or 'strand')")
    order = _order(levels, authorities)
    if by == "dimension":
        names = {d.id: d.name for d in model.dimensions}
        values = dims[["authority_code", "dimension_id", "level"]].rename(
            columns={"dimension_id": "item_id"}
        )
        gap = NOT_RATED
    else:
        names = item_names(model, overall=False)
        values = levels.melt(
            id_vars=["authority_code"],
            value_vars=list(names),
            var_name="item_id",
            value_name="level",
        )
        gap = tables.INCOMPLETE
    grid = order.merge(pd.DataFrame({"item_id": list(names)}), how="cross")
    out = grid.merge(values, on=["authority_code", "item_id"], how="left")
    out["level"] = out["level"].astype("Int64")
    out["item_name"] = out["item_id"].map(names)
    out["label"] = [
        NO_SUBMISSION
        if not submitted
        else (gap if pd.isna(level) else tables.level_label(level, model))
        for submitted, level in zip(out["submitted"], out["level"], strict=True)
    ]
    position = {item: i for i, item in enumerate(names)}
    out["column"] = out["item_id"].map(position)
    out = out.sort_values(["row", "column"]).reset_index(drop=True)
    return out[
        [
            "authority_code",
            "authority_name",
            "row",
            "index",
            "item_id",
            "item_name",
            "level",
            "label",
        ]
    ]


HEATMAP_ROWS = 200
"""The heatmap shows at most this many authorities at a time (more rows are unreadable, and
drawing 15,000 of them takes seconds); the levels table below it holds all of them."""


def row_blocks(n_rows: int, size: int = HEATMAP_ROWS) -> list[tuple[int, int]]:
    """Consecutive blocks of rows [start, stop) covering `n_rows` (one empty block for none)."""
    return [(start, min(start + size, n_rows)) for start in range(0, n_rows, size)] or [(0, 0)]


def block_label(block: tuple[int, int], n_rows: int) -> str:
    start, stop = block
    return f"{start + 1:,}-{stop:,} of {n_rows:,}"


def block_of(cells: pd.DataFrame, authority_code: str, size: int = HEATMAP_ROWS) -> int:
    """The block holding the authority's row (the first block when it has none)."""
    rows = cells.loc[cells["authority_code"] == authority_code, "row"]
    return int(rows.iloc[0]) // size if len(rows) else 0


def block_cells(cells: pd.DataFrame, block: tuple[int, int]) -> pd.DataFrame:
    """The cells of the rows in [start, stop)."""
    start, stop = block
    return cells[(cells["row"] >= start) & (cells["row"] < stop)]


def heatmap_table(cells: pd.DataFrame) -> pd.DataFrame:
    """The heatmap as a table for people: one row per authority, level names in the cells."""
    items = list(dict.fromkeys(cells["item_name"]))
    wide = cells.pivot(
        index=["row", "authority_name", "authority_code"], columns="item_name", values="label"
    )[items]
    wide.columns.name = None
    index = cells.groupby("row")["index"].first()
    wide = wide.reset_index()
    wide["Maturity index"] = wide["row"].map(index).map(_rounded)
    return wide.drop(columns="row").rename(
        columns={"authority_name": "Authority", "authority_code": "ONS code"}
    )


def _rounded(value: object) -> float | None:
    """The index to two decimals, half away from zero (as printed everywhere)."""
    text = scoring.format_index(value)
    return float(text) if text else None


def filter_options(levels: pd.DataFrame, model: Model) -> dict[str, list[str]]:
    """Choices for the table filters: regions, LA types and overall level labels."""
    return {
        "region": sorted(levels["region"].dropna().unique()),
        "la_type": sorted(levels["la_type"].dropna().unique()),
        "overall": [tables.level_label(n, model) for n in model.level_names] + [tables.INCOMPLETE],
    }


def index_bounds(model: Model) -> tuple[float, float]:
    """The range of the maturity index: lowest to highest level number."""
    numbers = list(model.level_names)
    return float(min(numbers)), float(max(numbers))


def filter_levels(
    levels: pd.DataFrame,
    model: Model,
    *,
    regions: list[str] | None = None,
    la_types: list[str] | None = None,
    overall: list[str] | None = None,
    index_range: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """The authorities that pass the filters (an empty or None filter lets everything through).

    `overall` holds level labels ('3 Maturing', 'incomplete'). An index range narrower than the
    whole scale keeps only authorities with an index inside it; the whole scale keeps all."""
    keep = pd.Series(True, index=levels.index)
    if regions:
        keep &= levels["region"].isin(regions)
    if la_types:
        keep &= levels["la_type"].isin(la_types)
    if overall:
        labels = levels["overall"].map(lambda v: tables.level_label(v, model))
        keep &= labels.isin(overall)
    if index_range is not None:
        low, high = index_range
        if (low, high) != index_bounds(model):
            index = levels["index"].astype("Float64")
            keep &= (index >= low).fillna(False) & (index <= high).fillna(False)
    return levels[keep.astype(bool)]


def authority_table(levels: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Levels for people: Authority, ONS code, Region, LA type, strand levels as '3 Maturing'
    (or 'incomplete'), Overall, Maturity index (two decimals); ordered by name."""
    names = item_names(model)
    out = levels.sort_values(["authority_name", "authority_code"])
    table = pd.DataFrame(
        {
            "Authority": out["authority_name"],
            "ONS code": out["authority_code"],
            "Region": out["region"],
            "LA type": out["la_type"],
        }
    )
    for item, name in names.items():
        table[name] = out[item].map(lambda v: tables.level_label(v, model))
    table["Maturity index"] = out["index"].map(_rounded).astype("Float64")
    return table.reset_index(drop=True)


def level_changes(
    current: pd.DataFrame, previous: pd.DataFrame, model: Model, *, overall: bool = True
) -> pd.DataFrame:
    """Per strand (and overall): authorities that improved, stayed or declined between rounds,
    counting only those with a level in both. Tidy: item_id, item_name, change, change_label,
    count, n."""
    names = item_names(model, overall=overall)
    both = current.merge(previous, on="authority_code", suffixes=("", "_before"))
    rows = []
    for item, name in names.items():
        now = both[item].astype("Int64")
        before = both[f"{item}_before"].astype("Int64")
        valid = now.notna() & before.notna()
        diff = (now[valid] - before[valid]).astype(int)
        counts = {
            "improved": int((diff > 0).sum()),
            "same": int((diff == 0).sum()),
            "declined": int((diff < 0).sum()),
        }
        for change, label in CHANGES.items():
            rows.append(
                {
                    "item_id": item,
                    "item_name": name,
                    "change": change,
                    "change_label": label,
                    "count": counts[change],
                    "n": int(valid.sum()),
                }
            )
    return pd.DataFrame(rows)


def level_changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """Changes for people: one row per strand; Improved, Same level, Declined, compared (n)."""
    items = list(dict.fromkeys(changes["item_name"]))
    wide = changes.pivot(index="item_name", columns="change_label", values="count")
    wide = wide.reindex(index=items, columns=list(CHANGES.values()))
    wide.columns.name = None
    wide["Compared"] = changes.groupby("item_name")["n"].first().reindex(items)
    return wide.reset_index().rename(columns={"item_name": "Strand"})


def changes_summary(changes: pd.DataFrame, round_id: str | None, previous: str | None) -> str:
    """One sentence: improved and declined counts per strand."""
    parts = []
    for name, group in changes.groupby("item_name", sort=False):
        counts = dict(zip(group["change"], group["count"], strict=True))
        parts.append(
            f"{name}: {counts['improved']} improved, {counts['declined']} declined "
            f"of {int(group['n'].iloc[0])}"
        )
    return f"From round {previous} to {round_id}: " + "; ".join(parts) + "."


def heatmap_summary(cells: pd.DataFrame, model: Model, round_id: str | None) -> str:
    """One sentence: how the cells of the heatmap split across the levels."""
    submitted = cells[cells["label"] != NO_SUBMISSION]
    n = submitted["authority_code"].nunique()
    k = cells["item_id"].nunique()
    if submitted.empty:
        return f"No authority has a current submission in round {round_id}."
    total = len(submitted)
    levels = submitted["level"].astype("Int64")
    parts = [
        f"{tables.level_label(k, model)} {100 * int((levels == k).sum()) / total:.0f}%"
        for k in model.level_names
    ]
    gaps = int(submitted["level"].isna().sum())
    if gaps:
        parts.append(f"{gaps} cells without a level")
    return (
        f"Round {round_id}, {n} authorities x {k} columns, highest maturity index at the top: "
        + ", ".join(parts)
        + "."
    )


def levels_of(
    levels: pd.DataFrame, authority_code: str, model: Model
) -> dict[str, int | None] | None:
    """One authority's level per strand and overall (None where it has none); None when it has
    no current submission."""
    rows = levels[levels["authority_code"] == authority_code]
    if rows.empty:
        return None
    out: dict[str, int | None] = {}
    for item in item_names(model):
        value = rows[item].iloc[0]
        out[item] = None if pd.isna(value) else int(value)
    return out


def selected_note(
    levels: pd.DataFrame, authority_code: str, name: str, round_id: str | None
) -> str:
    """Where the chosen authority is, in words."""
    if authority_code in set(levels["authority_code"]):
        return f"The chosen authority, {name}, is marked in orange and labelled."
    return f"The chosen authority, {name}, has no current submission in round {round_id}."


def assessed_in_both(current: pd.DataFrame, previous: pd.DataFrame) -> int:
    """Authorities with a current submission in both rounds."""
    return len(set(current["authority_code"]) & set(previous["authority_code"]))


SORT_KEYS: dict[str, str] = {"index": "Maturity index", "overall": "Overall", "name": "Authority"}
"""What the levels table can be sorted by (column of the levels frame -> label)."""


def sort_levels(levels: pd.DataFrame, by: str = "index", ascending: bool = False) -> pd.DataFrame:
    """Levels sorted by `by` ('index', 'overall' or 'name'; ties by index, then name), missing
    values (incomplete returns) last whichever way."""
    keys = {"index": ["index", "overall"], "overall": ["overall", "index"], "name": []}[by]
    frame = levels.assign(_name=levels["authority_name"].astype(str).str.casefold())
    if not keys:
        return frame.sort_values("_name", ascending=ascending).drop(columns="_name")
    missing = frame[keys[0]].isna()
    present = frame[~missing].sort_values(
        [*keys, "_name"], ascending=[ascending, ascending, True], na_position="last"
    )
    rest = frame[missing].sort_values("_name")
    return pd.concat([present, rest]).drop(columns="_name")


def extremes(
    levels: pd.DataFrame, n: int, *, lowest: bool = True, by: str = "index"
) -> pd.DataFrame:
    """The `n` lowest (or highest) authorities by maturity index (ties by overall level and
    name); incomplete returns, which have no index, are never among them."""
    complete = levels[levels[by].notna()]
    return sort_levels(complete, by, ascending=lowest).head(max(int(n), 0))


def people_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The levels table in the order people read it at 1280 px: Authority, Overall, Maturity
    index, then the strands, Region, LA type and ONS code."""
    first = ["Authority", "Overall", "Maturity index", "Open queries"]
    last = ["Region", "LA type", "ONS code"]
    middle = [c for c in table.columns if c not in first + last]
    return table[[c for c in first if c in table] + middle + [c for c in last if c in table]]


def with_query_flags(table: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """Add 'Open queries' (unresolved queries on the authority's ratings, 0 for none) after
    the Maturity index: national views flag ratings under query."""
    counts = flags.groupby("authority_code")["queries"].sum() if not flags.empty else {}
    out = table.copy()
    position = list(out.columns).index("Maturity index") + 1 if "Maturity index" in out else 1
    out.insert(
        position,
        "Open queries",
        [int(counts.get(c, 0)) for c in out["ONS code"]],
    )
    return out
