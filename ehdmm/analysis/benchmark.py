"""Where an authority sits among its peers: the group's spread over the four levels per strand
(or dimension), the spread of the maturity index, and the peer list.

Pure pandas on the tidy and wide frames of `ehdmm.analysis.core`; no streamlit, no scoring.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm import disclosure, scoring
from ehdmm.analysis import core
from ehdmm.analysis.profile import NO_SUBMISSION, Items, item_names, submitted
from ehdmm.disclosure import SUPPRESSED
from ehdmm.model import Model
from ehdmm.tables import INCOMPLETE, level_labels

ITEMS: tuple[str, ...] = ("strand", "dimension")  # strands first: the default view
NO_INDEX = "no maturity index: incomplete or no return"


@dataclass(frozen=True)
class IndexSummary:
    """The quartiles of a group's maturity index (no minimum, maximum or points), the number
    of members with an index and the authority's own index (None when it has none)."""

    q1: float
    median: float
    q3: float
    n: int
    own: float | None


DISTRIBUTION_COLUMNS = [
    "item_id",
    "item_name",
    "level",
    "level_name",
    "count",
    "n",
    "share",
    "own",
]


def distribution(
    tidy: pd.DataFrame, members: list[str], authority_code: str, model: Model, items: Items
) -> pd.DataFrame:
    """Counts of the group's members at each level per item (model order, all four levels):
    item_id, item_name, level, level_name, count, n (members with a level for the item),
    share (percent of n), own (True on the authority's own level)."""
    names = item_names(model, items)
    out = core.level_distribution(tidy, members, list(names), model)
    out["item_name"] = out["item_id"].map(names)
    out["share"] = [
        100.0 * c / n if n else 0.0 for c, n in zip(out["count"], out["n"], strict=True)
    ]
    own = own_levels(tidy, authority_code, list(names))
    out["own"] = [own.get(i) == lvl for i, lvl in zip(out["item_id"], out["level"], strict=True)]
    return out[DISTRIBUTION_COLUMNS]


def own_levels(tidy: pd.DataFrame, authority_code: str, order: list[str]) -> dict[str, int | None]:
    """The authority's level per item (None when missing or not submitted)."""
    own = tidy[tidy["authority_code"] == authority_code].set_index("item_id")["level"]
    result: dict[str, int | None] = {}
    for item in order:
        value = own.get(item, pd.NA)
        result[item] = None if pd.isna(value) else int(value)
    return result


def item_n(dist: pd.DataFrame) -> dict[str, int]:
    """n (members with a level) per item of a distribution."""
    return dict(zip(dist["item_id"], dist["n"], strict=False))


def position_text(
    dist: pd.DataFrame,
    authority_name: str,
    model: Model,
    has_submission: bool,
) -> str:
    """The authority's own level on each item, in words (never by colour only)."""
    if not has_submission:
        return f"{authority_name} has no submission in this round, so its position is not marked."
    parts = []
    for _, rows in dist.groupby("item_id", sort=False):
        mine = rows[rows["own"]]
        name = rows["item_name"].iloc[0]
        if mine.empty:
            parts.append(f"{name}: {INCOMPLETE}")
        elif pd.isna(mine.iloc[0]["n"]):
            parts.append(f"{name}: {mine.iloc[0]['level_name']} (the group's counts: {SUPPRESSED})")
        elif pd.isna(mine.iloc[0]["count"]):
            row = mine.iloc[0]
            parts.append(
                f"{name}: {row['level_name']} (members at this level: {SUPPRESSED}, "
                f"of {int(row['n'])})"
            )
        else:
            row = mine.iloc[0]
            parts.append(
                f"{name}: {row['level_name']} "
                f"({int(row['count'])} of {int(row['n'])} members at this level)"
            )
    return f"{authority_name}: " + "; ".join(parts) + "."


def distribution_table(dist: pd.DataFrame, authority_name: str) -> pd.DataFrame:
    """The distribution for people: item, level, count, n, share, and where the authority is."""
    counts, ns, shares = dist["count"], dist["n"], dist["share"].round(1)
    if counts.isna().any() or ns.isna().any():  # suppressed cells say so (never 0)
        counts, ns, shares = (
            [SUPPRESSED if pd.isna(v) else str(fmt(v)) for v in column]
            for column, fmt in ((counts, int), (ns, int), (shares, float))
        )
    return pd.DataFrame(
        {
            "Item": dist["item_name"],
            "Level": [
                f"{lvl} {name}" for lvl, name in zip(dist["level"], dist["level_name"], strict=True)
            ],
            "Authorities": counts,
            "n": ns,
            "Share (%)": shares,
            authority_name: ["◀ here" if own else "" for own in dist["own"]],
        }
    )


def distribution_summary(dist: pd.DataFrame) -> str:
    """One sentence: the most common level per item."""
    parts = []
    for _, rows in dist.groupby("item_id", sort=False):
        name = rows["item_name"].iloc[0]
        if rows["n"].isna().any():
            parts.append(f"{name}: {SUPPRESSED} ({rows['reason'].iloc[0]})")
            continue
        shown = rows[rows["count"].notna()]
        if shown.empty or int(shown["count"].max()) == 0:
            note = "no levels" if int(rows["n"].iloc[0]) == 0 else f"counts {SUPPRESSED}"
            parts.append(f"{name}: {note}")
            continue
        top = shown.sort_values(["count", "level"], ascending=[False, True]).iloc[0]
        if int(top["n"]) == 0:
            parts.append(f"{top['item_name']}: no levels")
        else:
            parts.append(
                f"{top['item_name']}: most often {top['level_name']} "
                f"({int(top['count'])} of {int(top['n'])})"
            )
    return "In the group, " + "; ".join(parts) + "."


def index_points(wide: pd.DataFrame, members: list[str], authority_code: str) -> pd.DataFrame:
    """The group's members with a maturity index (one round): authority_code, authority_name,
    index, is_authority; ordered by index."""
    group = wide[wide["authority_code"].isin(members) & wide["index"].notna()]
    out = group[["authority_code", "authority_name", "index"]].copy()
    out["index"] = out["index"].astype(float)
    out["is_authority"] = out["authority_code"] == authority_code
    return out.sort_values(["index", "authority_name"]).reset_index(drop=True)


def index_table(points: pd.DataFrame) -> pd.DataFrame:
    """Index points for people."""
    return pd.DataFrame(
        {
            "Authority": points["authority_name"],
            "ONS code": points["authority_code"],
            "Maturity index": [scoring.format_index(v) for v in points["index"]],
        }
    )


def index_summary(points: pd.DataFrame, authority_name: str) -> str:
    """One sentence: the spread of the index and where the authority is."""
    if points.empty:
        return "No member of the group has a complete return in this round."
    values = points["index"]
    text = (
        f"{len(points)} members have a maturity index, from "
        f"{scoring.format_index(values.min())} to {scoring.format_index(values.max())} "
        f"(median {scoring.format_index(values.median())})"
    )
    own = points[points["is_authority"]]
    if own.empty:
        return text + f"; {authority_name} has none (incomplete or no return)."
    return text + f"; {authority_name} is at {scoring.format_index(own['index'].iloc[0])}."


def peer_table(
    wide: pd.DataFrame,
    authorities: pd.DataFrame,
    members: list[str],
    model: Model,
    authority_code: str | None = None,
) -> pd.DataFrame:
    """Every member of the group (one round), by name: Chosen ("yes" on `authority_code`'s
    row), Authority, ONS code, Region, LA type, strand levels (names), Overall, Maturity index;
    members without a return say so."""
    meta = authorities[authorities["code"].isin(members)].sort_values("name")
    own = wide.drop_duplicates("authority_code").set_index("authority_code")
    own = own.reindex(meta["code"])
    has_row = own.index.isin(wide["authority_code"])
    table = pd.DataFrame(
        {
            "Chosen": ["yes" if code == authority_code else "" for code in meta["code"]],
            "Authority": meta["name"].to_numpy(),
            "ONS code": meta["code"].to_numpy(),
            "Region": meta["region"].to_numpy(),
            "LA type": meta["la_type"].to_numpy(),
        }
    )
    for strand in model.strands:
        table[strand.name] = level_labels(own[strand.id], model).to_numpy()
    table["Overall"] = level_labels(own["overall"], model).to_numpy()
    table["Maturity index"] = [scoring.format_index(v) for v in own["index"]]
    levels = [*(s.name for s in model.strands), "Overall", "Maturity index"]
    table.loc[~has_row, levels] = NO_SUBMISSION
    return table


def group_counts(wide: pd.DataFrame, members: list[str]) -> tuple[int, int]:
    """(members of the group, members with a current submission in the round)."""
    return len(members), len(submitted(wide, members))


def index_quartiles_table(summary: IndexSummary, authority_name: str) -> pd.DataFrame:
    """The quartiles of the group's maturity index for people (no minimum, maximum or
    members): Statistic, Maturity index."""
    rows = [
        ("Lower quartile", scoring.format_index(summary.q1)),
        ("Median", scoring.format_index(summary.median)),
        ("Upper quartile", scoring.format_index(summary.q3)),
        ("Members with a complete return (n)", str(summary.n)),
        (
            authority_name,
            scoring.format_index(summary.own) if summary.own is not None else NO_INDEX,
        ),
    ]
    return pd.DataFrame(rows, columns=["Statistic", "Maturity index"])


def index_quartiles_summary(summary: IndexSummary, authority_name: str) -> str:
    """One sentence: the middle half of the group's index and where the authority is."""
    text = (
        f"The middle half of the {summary.n} members with a maturity index lies between "
        f"{scoring.format_index(summary.q1)} and {scoring.format_index(summary.q3)} (median "
        f"{scoring.format_index(summary.median)})"
    )
    if summary.own is None:
        return text + f"; {authority_name} has none ({NO_INDEX})."
    return text + f"; {authority_name} is at {scoring.format_index(summary.own)}."


def suppression_rules() -> str:
    """The disclosure rules in words, for an authority user."""
    return (
        "To keep peers anonymous, every count comes from the round's publication and is "
        "perturbed by the cell-key method: a 0 means 0, 1 or 2 and any other count is within 2 "
        "of the true count (never 1 or 2), so counts may not add up to n; a whole chart is "
        f"suppressed when fewer than {disclosure.threshold()} other authorities are behind it "
        "or when its counts could be worked out exactly."
    )


def count_text(n: int | None) -> str:
    """A count, or 'suppressed' when disclosure control hid it (None)."""
    return SUPPRESSED if n is None else str(n)


def members_text(members: int, peers_label: str, in_group: bool) -> str:
    """How many authorities the peer group has, without naming them."""
    text = f"{peers_label} has {members} member{'s' if members != 1 else ''}"
    return text + (" (your authority included)." if in_group else " (your authority is not one).")
