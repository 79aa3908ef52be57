"""Tables of the national pack: levels per authority for a round, peer-group summaries (England,
each region, each LA type), the import log; and choosing authorities for a batch of reports.

Pure pandas on the frames of `ehdmm.analysis.core` (levels, dimension levels, authorities) and
the import log; no streamlit, no scoring.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from ehdmm.analysis import core
from ehdmm.model import Model

GROUPINGS: tuple[tuple[str, str | None], ...] = (
    ("England", None),
    ("Region", "region"),
    ("LA type", "la_type"),
)
INCOMPLETE_COLUMN = "Incomplete"
IMPORT_LOG_COLUMNS = {
    "logged_at": "Logged at",
    "actor": "Actor",
    "file_name": "File",
    "layout": "Layout",
    "outcome": "Outcome",
    "submissions": "Submissions",
    "ratings": "Ratings",
    "message": "Message",
    "content_hash": "Content hash (SHA-256)",
}


def dimension_column(name: str) -> str:
    return f"Dimension: {name}"


def strand_column(name: str) -> str:
    return f"Strand: {name}"


def level_columns(model: Model) -> list[str]:
    """The level headings of `levels_sheet` after the authority columns."""
    return [
        *(dimension_column(d.name) for d in model.dimensions),
        *(strand_column(s.name) for s in model.strands),
        "Overall",
        "Maturity index",
    ]


def levels_sheet(
    wide: pd.DataFrame, dims: pd.DataFrame, authorities: pd.DataFrame, model: Model
) -> pd.DataFrame:
    """One round, every authority (by ONS code): ONS code, DfE LA number, Authority, Region,
    LA type, Submitted (yes/no), the level (1-4) of each dimension and strand, Overall and
    Maturity index. Empty where a dimension is not rated, a strand or the overall level is
    incomplete, or there is no submission. `wide` and `dims` hold that round only."""
    out = pd.DataFrame(
        {
            "ONS code": authorities["code"].astype(object),
            "DfE LA number": authorities["la_number"].astype("Int64"),
            "Authority": authorities["name"].astype(object),
            "Region": authorities["region"].astype(object),
            "LA type": authorities["la_type"].astype(object),
        }
    )
    submitted = set(wide["authority_code"])
    out["Submitted"] = ["yes" if c in submitted else "no" for c in out["ONS code"]]
    by_dimension = (
        dims.pivot(index="authority_code", columns="dimension_id", values="level")
        if not dims.empty
        else pd.DataFrame()
    )
    for dimension in model.dimensions:
        column = (
            by_dimension[dimension.id]
            if dimension.id in by_dimension.columns
            else pd.Series(dtype="Int64")
        )
        out[dimension_column(dimension.name)] = pd.array(out["ONS code"].map(column), dtype="Int64")
    own = wide.set_index("authority_code")
    for strand in model.strands:
        out[strand_column(strand.name)] = pd.array(
            out["ONS code"].map(own[strand.id]), dtype="Int64"
        )
    out["Overall"] = pd.array(out["ONS code"].map(own["overall"]), dtype="Int64")
    out["Maturity index"] = pd.array(out["ONS code"].map(own["index"]), dtype="Float64")
    return out.sort_values("ONS code").reset_index(drop=True)


def group_summary(
    wide_all: pd.DataFrame, authorities: pd.DataFrame, model: Model, rounds: Collection[str]
) -> pd.DataFrame:
    """Per round, for England, each region and each LA type, one row per strand and one for
    the overall level: Round, Group type, Group, Members, With a submission, Complete returns,
    Median maturity index, Item, the number of members at each level ("1 Early" ...), and
    Incomplete (a submission without a level for the item)."""
    names = {s.id: s.name for s in model.strands} | {"overall": "Overall"}
    level_heads = [f"{n} {name}" for n, name in model.level_names.items()]
    wide = wide_all[wide_all["round_id"].isin(list(rounds))]
    tidy = core.long_levels(wide, model, "strand+overall")
    rows = []
    groupings = []
    for kind, column in GROUPINGS:
        groups = (
            authorities.assign(group="England")
            if column is None
            else authorities.assign(group=authorities[column])
        )[["code", "group"]]
        groupings.append((kind, groups.groupby("group")["code"].apply(set)))
    for round_id in sorted(rounds):
        in_round = wide[wide["round_id"] == round_id]
        levels = tidy[tidy["round_id"] == round_id]
        for kind, members in groupings:
            for group in sorted(members.index):
                codes = members[group]
                done = in_round[in_round["authority_code"].isin(codes)]
                index = done["index"].dropna().astype(float)
                mine = levels[levels["authority_code"].isin(codes)]
                for item, name in names.items():
                    values = mine.loc[mine["item_id"] == item, "level"]
                    counts = values.value_counts()
                    row = {
                        "Round": round_id,
                        "Group type": kind,
                        "Group": group,
                        "Members": len(codes),
                        "With a submission": len(done),
                        "Complete returns": len(index),
                        "Median maturity index": float(index.median()) if len(index) else None,
                        "Item": name,
                    }
                    for number, head in zip(model.level_names, level_heads, strict=True):
                        row[head] = int(counts.get(number, 0))
                    row[INCOMPLETE_COLUMN] = int(values.isna().sum())
                    rows.append(row)
    columns = [
        "Round",
        "Group type",
        "Group",
        "Members",
        "With a submission",
        "Complete returns",
        "Median maturity index",
        "Item",
        *level_heads,
        INCOMPLETE_COLUMN,
    ]
    out = pd.DataFrame(rows, columns=columns)
    out["Median maturity index"] = out["Median maturity index"].astype("Float64")
    return out


def import_log_table(log: pd.DataFrame) -> pd.DataFrame:
    """The import log (newest first) with plain headings."""
    out = log.reindex(columns=list(IMPORT_LOG_COLUMNS)).rename(columns=IMPORT_LOG_COLUMNS)
    return out.reset_index(drop=True)


def import_summary(log: pd.DataFrame) -> pd.DataFrame:
    """Per outcome (imported, no-op) and in total: files, submissions, ratings, first and last
    time logged."""
    rows = []
    parts = [(o, log[log["outcome"] == o]) for o in sorted(log["outcome"].dropna().unique())]
    for outcome, part in [*parts, ("all", log)]:
        rows.append(
            {
                "Outcome": outcome,
                "Files": len(part),
                "Submissions": int(part["submissions"].sum()) if len(part) else 0,
                "Ratings": int(part["ratings"].sum()) if len(part) else 0,
                "First logged": part["logged_at"].min() if len(part) else None,
                "Last logged": part["logged_at"].max() if len(part) else None,
            }
        )
    return pd.DataFrame(rows)


def filter_codes(
    authorities: pd.DataFrame,
    regions: Collection[str] = (),
    la_types: Collection[str] = (),
) -> list[str]:
    """Codes (by name) of the reference authorities in any of `regions` and any of `la_types`
    (an empty choice does not filter)."""
    frame = authorities[~authorities["synthetic"].astype(bool)]
    if regions:
        frame = frame[frame["region"].isin(list(regions))]
    if la_types:
        frame = frame[frame["la_type"].isin(list(la_types))]
    return list(frame.sort_values("name")["code"])


def choices(authorities: pd.DataFrame, column: str) -> list[str]:
    """The distinct values of a column (region, la_type) of the reference authorities."""
    frame = authorities[~authorities["synthetic"].astype(bool)]
    return sorted(str(v) for v in frame[column].dropna().unique())
