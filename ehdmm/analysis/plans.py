"""Priorities against peers, progress against targets, and the national overview of targets:
pure pandas on frames the callers read (own levels, aggregates after disclosure control,
stored targets).

Progress of a target in a round, from the authority's level for the dimension there:

- **met**: the level is at or above the target;
- **on track**: a round before the target round, the level not below the one it had when the
  target was set;
- **not met**: the target round itself with the level below the target (or, before it, a level
  fallen below the one it had when the target was set);
- **passed**: a round after the target round, the target not reached;
- **open**: the authority has no level for the dimension in the round.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm import disclosure
from ehdmm.model import Model

STATUSES: tuple[str, ...] = ("met", "on track", "not met", "passed", "open")
TOP_PRIORITIES = 3
PRIORITY_COLUMNS = [
    "dimension_id",
    "dimension",
    "level",
    "level_name",
    "peer_median",
    "gap_to_peer",
    "england_median",
    "gap_to_england",
    "priority",
]


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


# ---------------------------------------------------------------------------------------------
# Priorities


def priorities(values: pd.DataFrame, top: int = TOP_PRIORITIES) -> pd.DataFrame:
    """Per dimension (`values` as `ehdmm.analysis.profile.comparison_from` gives them, medians
    already under disclosure control): the level, the peer and England medians and the gap to
    each (median minus level: positive where the authority is behind), sorted by the gap to the
    peer group (largest first; a suppressed median sorts by the gap to England after those with
    one), then by the lowest level. `priority` is True for the first `top` dimensions that are
    behind the peer group (or England) and below the top level.

    Worked row by row in Python: a profile has eight dimensions, and each pandas step costs
    more than the arithmetic (the same result as the column-wise reference, `tests/oracle.py`,
    checked by a property test)."""
    rows = []
    for item_id, name, level, level_name, peer, england in zip(
        values["item_id"],
        values["item_name"],
        values["level"],
        values["level_name"],
        values["peer_median"],
        values["england_median"],
        strict=True,
    ):
        own, peer, england = _number(level), _number(peer), _number(england)
        to_peer = None if peer is None or own is None else peer - own
        to_england = None if england is None or own is None else england - own
        rows.append((item_id, name, own, level_name, peer, to_peer, england, to_england))

    def gap(row: tuple) -> float | None:
        return row[5] if row[5] is not None else row[7]

    def order(row: tuple) -> tuple:
        found = gap(row)
        return (
            row[5] is None,
            -(found if found is not None else -99.0),
            99.0 if row[2] is None else row[2],
        )

    rows.sort(key=order)  # stable: ties keep the model's order
    flags, behind_so_far = [], 0
    for row in rows:
        behind = (gap(row) or 0) > 0 and row[2] is not None and row[2] < 4
        behind_so_far += behind
        flags.append(behind and behind_so_far <= top)
    return pd.DataFrame(
        {
            "dimension_id": pd.Series([r[0] for r in rows], dtype=object),
            "dimension": pd.Series([r[1] for r in rows], dtype=object),
            "level": pd.array([None if r[2] is None else int(r[2]) for r in rows], "Int64"),
            "level_name": pd.Series([r[3] for r in rows], dtype=object),
            "peer_median": pd.array([r[4] for r in rows], dtype="Float64"),
            "gap_to_peer": pd.array([r[5] for r in rows], dtype="Float64"),
            "england_median": pd.array([r[6] for r in rows], dtype="Float64"),
            "gap_to_england": pd.array([r[7] for r in rows], dtype="Float64"),
            "priority": pd.array(flags, dtype=bool),
        },
        columns=PRIORITY_COLUMNS,
    )


@dataclass(frozen=True)
class PriorityCard:
    """A top priority: the dimension, its level and the next level's statements, with the
    strand's MEASURES."""

    dimension_id: str
    dimension: str
    level_name: str
    gap_text: str
    next_level_name: str
    statements: tuple[str, ...]
    strand: str
    measures: str


def _gap_text(row: pd.Series, peers_label: str) -> str:
    parts = []
    for column, label in (("gap_to_peer", peers_label), ("gap_to_england", "England")):
        gap = _number(row[column])
        if gap is not None:
            parts.append(f"{gap:+.1f} levels to the {label} median")
        else:
            parts.append(f"{label} median suppressed")
    return "; ".join(parts)


def priority_cards(frame: pd.DataFrame, model: Model, peers_label: str) -> list[PriorityCard]:
    """A card for each top priority of `priorities`."""
    cards = []
    for _, row in frame[frame["priority"]].iterrows():
        dimension = model.dimension(str(row["dimension_id"]))
        nxt = int(row["level"]) + 1
        strand = model.strand(dimension.strand_id)
        cards.append(
            PriorityCard(
                dimension_id=dimension.id,
                dimension=dimension.name,
                level_name=str(row["level_name"]),
                gap_text=_gap_text(row, peers_label),
                next_level_name=model.level_names[nxt],
                statements=dimension.statements[nxt],
                strand=strand.name,
                measures=strand.measures,
            )
        )
    return cards


def priorities_table(frame: pd.DataFrame, peers_label: str) -> pd.DataFrame:
    """The priorities for people and downloads: numeric level beside its name, medians and gaps
    as numbers (empty where suppressed)."""
    return pd.DataFrame(
        {
            "Dimension": frame["dimension"],
            "Level": frame["level"],
            "Level name": frame["level_name"],
            f"{peers_label} median": frame["peer_median"].round(2),
            f"Gap to {peers_label}": frame["gap_to_peer"].round(2),
            "England median": frame["england_median"].round(2),
            "Gap to England": frame["gap_to_england"].round(2),
            "Top priority": frame["priority"].map({True: "yes", False: ""}),
        }
    )


# ---------------------------------------------------------------------------------------------
# Progress against targets


def target_status(
    level: int | None, baseline: int | None, target: int, target_round: str, round_id: str
) -> str:
    """One target's progress in `round_id` (see the module)."""
    if level is None:
        return "open"
    if level >= target:
        return "met"
    if round_id > target_round:
        return "passed"
    if round_id == target_round or (baseline is not None and level < baseline):
        return "not met"
    return "on track"


PROGRESS_COLUMNS = [
    "authority_code",
    "dimension_id",
    "current_level",
    "target_level",
    "target_round",
    "status",
]


def progress(targets: pd.DataFrame, dims: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """Each target's progress in the round: `targets` as stored (authority_code, dimension_id,
    target_level, target_round, baseline_level), `dims` the round's tidy dimension levels
    (authority_code, dimension_id, level)."""
    levels: dict[tuple[str, str], int] = {}
    if not targets.empty:  # (most authorities have none: nothing to look up)
        rated = dims[dims["level"].notna()]
        levels = {
            (str(a), str(d)): int(v)
            for a, d, v in zip(
                rated["authority_code"], rated["dimension_id"], rated["level"], strict=True
            )
        }
    rows = []
    for row in targets.itertuples(index=False):
        level = levels.get((str(row.authority_code), str(row.dimension_id)))
        baseline = None if pd.isna(row.baseline_level) else int(row.baseline_level)
        rows.append(
            (
                str(row.authority_code),
                str(row.dimension_id),
                level,
                int(row.target_level),
                str(row.target_round),
                target_status(
                    level, baseline, int(row.target_level), str(row.target_round), round_id
                ),
            )
        )
    out = pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
    out["current_level"] = out["current_level"].astype("Int64")
    out["target_level"] = out["target_level"].astype("Int64")
    return out


def progress_table(frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    """An authority's progress for people and downloads (levels as numbers beside names)."""
    names = model.level_names

    def name(value: object) -> str:
        return "" if value is None or pd.isna(value) else names[int(value)]

    return pd.DataFrame(
        {
            "Dimension": [model.dimension(d).name for d in frame["dimension_id"]],
            "Level": frame["current_level"],
            "Level name": [name(v) for v in frame["current_level"]],
            "Target": frame["target_level"],
            "Target name": [name(v) for v in frame["target_level"]],
            "By round": frame["target_round"],
            "Progress": frame["status"],
        }
    )


# ---------------------------------------------------------------------------------------------
# The national overview


def targets_overview(
    targets: pd.DataFrame, model: Model, *, restrict: bool, threshold: int | None = None
) -> pd.DataFrame:
    """How many authorities aim for each level by each round: one row per target round and
    level, the number of targets and of authorities. For an authority viewer (`restrict`), a
    count of authorities under the disclosure threshold shows as suppressed (None)."""
    if targets.empty:
        return pd.DataFrame(columns=["By round", "Target level", "Targets", "Authorities"])
    limit = disclosure.threshold() if threshold is None else threshold
    grouped = (
        targets.groupby(["target_round", "target_level"])
        .agg(targets=("dimension_id", "size"), authorities=("authority_code", "nunique"))
        .reset_index()
    )
    rows = []
    for row in grouped.itertuples(index=False):
        hide = restrict and int(row.authorities) < limit
        rows.append(
            (
                str(row.target_round),
                f"{int(row.target_level)} {model.level_names[int(row.target_level)]}",
                None if hide else int(row.targets),
                None if hide else int(row.authorities),
            )
        )
    return pd.DataFrame(rows, columns=["By round", "Target level", "Targets", "Authorities"])


def met_by_round(
    targets: pd.DataFrame,
    dims: pd.DataFrame,
    rounds: list[str],
    *,
    restrict: bool,
    threshold: int | None = None,
) -> pd.DataFrame:
    """Per round after a target was set: targets counted at each status (`targets` as stored,
    with `set_in_round`; `dims` tidy dimension levels of every round). For an authority viewer
    (`restrict`) a count made of fewer authorities than the disclosure threshold is
    suppressed (None)."""
    limit = disclosure.threshold() if threshold is None else threshold
    columns = ["Round", *[s.capitalize() for s in STATUSES]]
    rows = []
    for round_id in rounds:
        live = targets[targets["set_in_round"].astype(str) < round_id]
        if live.empty:
            continue
        frame = progress(live, dims[dims["round_id"] == round_id], round_id)
        counts = []
        for status in STATUSES:
            chosen = frame[frame["status"] == status]
            hide = restrict and 0 < chosen["authority_code"].nunique() < limit
            counts.append(None if hide else len(chosen))
        rows.append((round_id, *counts))
    return pd.DataFrame(rows, columns=columns)


ACTION_TABLE_COLUMNS = ["Dimension", "Action", "Works towards", "Owner", "Due", "Status", "Note"]


def actions_table(actions: pd.DataFrame, model: Model) -> pd.DataFrame:
    """An authority's actions (as stored) for people, reports and downloads, in the model's
    order of dimensions: user text as typed (CSV/XLSX writers neutralise it), the due date as
    YYYY-MM-DD."""
    order = {d: i for i, d in enumerate(model.dimension_ids)}
    frame = actions.assign(_o=actions["dimension_id"].map(order)).sort_values(
        ["_o", "action_id"], kind="stable"
    )

    def text(value: object) -> str:
        return "" if value is None or pd.isna(value) else str(value)

    return pd.DataFrame(
        {
            "Dimension": [model.dimension(d).name for d in frame["dimension_id"]],
            "Action": [text(v) for v in frame["title"]],
            "Works towards": [text(v) for v in frame["statements"]],
            "Owner": [text(v) for v in frame["owner"]],
            "Due": [
                "" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d") for v in frame["due"]
            ],
            "Status": [text(v) for v in frame["status"]],
            "Note": [text(v) for v in frame["note"]],
        },
        columns=ACTION_TABLE_COLUMNS,
    )
