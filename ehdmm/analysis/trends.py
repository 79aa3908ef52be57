"""Change over rounds for England or a peer group: level shares per round, level transitions
between two rounds and the authorities whose maturity index moved most.

Pure pandas on the wide levels of all rounds (`ehdmm.ui.data.levels(..., round_id=None, ...)`:
one row per authority and round with strand ids, overall and index). Nothing here scores.
"""

from __future__ import annotations

import pandas as pd

from ehdmm import scoring, tables
from ehdmm.analysis.overview import OVERALL, item_names
from ehdmm.model import Model


def _members(levels: pd.DataFrame, members: list[str] | None) -> pd.DataFrame:
    if members is None:
        return levels
    return levels[levels["authority_code"].isin(set(members))]


def level_shares(
    levels: pd.DataFrame,
    model: Model,
    rounds: list[str],
    members: list[str] | None = None,
    *,
    overall: bool = True,
) -> pd.DataFrame:
    """Share of the members at each level per strand (and overall) in each round.

    Tidy: round_id, item_id, item_name, level, level_label, count, n (members with a level for
    the item in the round), incomplete (members assessed without a level), share (percent of n;
    0 when n is 0). Shares of one round and item sum to 100 whenever n > 0."""
    frame = _members(levels, members)
    rows = []
    for round_id in rounds:
        in_round = frame[frame["round_id"] == round_id]
        for item, name in item_names(model, overall=overall).items():
            values = in_round[item].astype("Int64")
            n = int(values.notna().sum())
            for number in model.level_names:
                count = int((values == number).sum())
                rows.append(
                    {
                        "round_id": round_id,
                        "item_id": item,
                        "item_name": name,
                        "level": number,
                        "level_label": tables.level_label(number, model),
                        "count": count,
                        "n": n,
                        "incomplete": int(values.isna().sum()),
                        "share": 100.0 * count / n if n else 0.0,
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "round_id",
            "item_id",
            "item_name",
            "level",
            "level_label",
            "count",
            "n",
            "incomplete",
            "share",
        ],
    )


def round_sizes(levels: pd.DataFrame, rounds: list[str], members: list[str] | None = None) -> dict:
    """Members with a current submission in each round (0 for a round with none)."""
    frame = _members(levels, members)
    counts = frame.groupby("round_id")["authority_code"].nunique()
    return {r: int(counts.get(r, 0)) for r in rounds}


def level_shares_table(shares: pd.DataFrame) -> pd.DataFrame:
    """Shares for people: Round, Strand, Level, Authorities, With a level (n), Share (%)."""
    out = shares[["round_id", "item_name", "level_label", "count", "n", "incomplete", "share"]]
    return out.rename(
        columns={
            "round_id": "Round",
            "item_name": "Strand",
            "level_label": "Level",
            "count": "Authorities",
            "n": "With a level (n)",
            "incomplete": "Incomplete",
            "share": "Share (%)",
        }
    ).assign(**{"Share (%)": lambda t: t["Share (%)"].round(1)})


def shares_summary(shares: pd.DataFrame, model: Model) -> str:
    """One sentence: the share at the top two levels overall in the first and last round."""
    top = [n for n in model.level_names if n >= 3]
    overall = shares[shares["item_id"] == OVERALL]
    if overall.empty:
        overall = shares
    rounds = list(dict.fromkeys(overall["round_id"]))
    if not rounds:
        return "No rounds to show."
    names = " or ".join(tables.level_label(n, model) for n in top)

    def part(round_id: str) -> str:
        rows = overall[overall["round_id"] == round_id]
        n = int(rows["n"].iloc[0])
        share = rows[rows["level"].isin(top)]["count"].sum() * 100.0 / n if n else 0.0
        return f"{share:.0f}% in {round_id} (n = {n})"

    text = f"Authorities {names} overall: {part(rounds[0])}"
    if len(rounds) > 1:
        text += f", {part(rounds[-1])}"
    return text + "."


def _levels_in(levels: pd.DataFrame, round_id: str, column: str) -> pd.DataFrame:
    rows = levels[levels["round_id"] == round_id]
    return rows[["authority_code", "authority_name", column]]


def transition_matrix(
    levels: pd.DataFrame,
    model: Model,
    from_round: str,
    to_round: str,
    item: str = OVERALL,
    members: list[str] | None = None,
) -> pd.DataFrame:
    """Counts of members from each level in `from_round` to each level in `to_round` for one
    strand (or 'overall'), over members with a level for it in both rounds.

    Tidy, every level pair (zeros included): from_level, from_label, to_level, to_label, count."""
    frame = _members(levels, members)
    before = _levels_in(frame, from_round, item).rename(columns={item: "from_level"})
    after = _levels_in(frame, to_round, item).rename(columns={item: "to_level"})
    both = before.merge(after[["authority_code", "to_level"]], on="authority_code")
    both = both[both["from_level"].notna() & both["to_level"].notna()]
    counts = both.groupby(["from_level", "to_level"]).size()
    rows = []
    for a in model.level_names:
        for b in model.level_names:
            rows.append(
                {
                    "from_level": a,
                    "from_label": tables.level_label(a, model),
                    "to_level": b,
                    "to_label": tables.level_label(b, model),
                    "count": int(counts.get((a, b), 0)),
                }
            )
    return pd.DataFrame(rows)


def transition_table(matrix: pd.DataFrame, from_round: str, to_round: str) -> pd.DataFrame:
    """The matrix for people: a row per level in `from_round`, a column per level in
    `to_round`, and row totals."""
    rows = list(dict.fromkeys(matrix["from_label"]))
    cols = list(dict.fromkeys(matrix["to_label"]))
    wide = matrix.pivot(index="from_label", columns="to_label", values="count")
    wide = wide.reindex(index=rows, columns=cols)
    wide.columns = [f"{c} in {to_round}" for c in cols]
    wide["Total"] = wide.sum(axis=1)
    return wide.reset_index().rename(columns={"from_label": f"Level in {from_round}"})


def transition_summary(matrix: pd.DataFrame, item_name: str, from_round: str, to_round: str) -> str:
    """One sentence: how many moved up, stayed and moved down."""
    total = int(matrix["count"].sum())
    up = int(matrix.loc[matrix["to_level"] > matrix["from_level"], "count"].sum())
    down = int(matrix.loc[matrix["to_level"] < matrix["from_level"], "count"].sum())
    return (
        f"{item_name}, {from_round} to {to_round}: of {total} authorities with a level in both "
        f"rounds, {up} moved up, {total - up - down} stayed and {down} moved down."
    )


def authority_transition(
    levels: pd.DataFrame, authority_code: str, from_round: str, to_round: str, item: str = OVERALL
) -> tuple[int | None, int | None]:
    """The authority's level for the item in both rounds (None where it has none)."""

    def level_in(round_id: str) -> int | None:
        rows = levels[
            (levels["round_id"] == round_id) & (levels["authority_code"] == authority_code)
        ]
        if rows.empty or pd.isna(rows[item].iloc[0]):
            return None
        return int(rows[item].iloc[0])

    return level_in(from_round), level_in(to_round)


def index_changes(
    levels: pd.DataFrame, from_round: str, to_round: str, members: list[str] | None = None
) -> pd.DataFrame:
    """Maturity index in both rounds and its change, for members with an index in both.

    authority_code, authority_name, index_from, index_to, change."""
    frame = _members(levels, members)
    before = _levels_in(frame, from_round, "index").rename(columns={"index": "index_from"})
    after = _levels_in(frame, to_round, "index").rename(columns={"index": "index_to"})
    both = before.merge(after[["authority_code", "index_to"]], on="authority_code")
    both = both[both["index_from"].notna() & both["index_to"].notna()].copy()
    both["index_from"] = both["index_from"].astype(float)
    both["index_to"] = both["index_to"].astype(float)
    both["change"] = both["index_to"] - both["index_from"]
    return both.reset_index(drop=True)


def movers(
    changes: pd.DataFrame, from_round: str, to_round: str, top: int = 10
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `top` biggest rises and falls of the index (rises only > 0, falls only < 0) as tables:
    Authority, ONS code, Index <from>, Index <to>, Change (two decimals)."""
    up = changes[changes["change"] > 0].sort_values(
        ["change", "authority_name"], ascending=[False, True]
    )
    down = changes[changes["change"] < 0].sort_values(
        ["change", "authority_name"], ascending=[True, True]
    )
    return _movers_table(up.head(top), from_round, to_round), _movers_table(
        down.head(top), from_round, to_round
    )


def _two(value: float) -> float:
    return float(scoring.format_index(value))


def _movers_table(rows: pd.DataFrame, from_round: str, to_round: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Authority": rows["authority_name"],
            "ONS code": rows["authority_code"],
            f"Index (from {from_round})": rows["index_from"].map(_two),
            f"Index (to {to_round})": rows["index_to"].map(_two),
            "Change": rows["change"].map(_two),
        },
        columns=[
            "Authority",
            "ONS code",
            f"Index (from {from_round})",
            f"Index (to {to_round})",
            "Change",
        ],
    ).reset_index(drop=True)
