"""One authority's profile: its levels beside its peers' and England's medians, what the next
level asks of it, its rank, its trajectory across rounds, its checklist and evidence notes.

Pure pandas on the tidy frames of `ehdmm.analysis.core` (plus two loaders of the current
submission's ratings and checklist answers); no streamlit, no scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ehdmm import scoring
from ehdmm.analysis import core
from ehdmm.disclosure import SUPPRESSED
from ehdmm.model import Model, load_model
from ehdmm.storage import connect
from ehdmm.storage import submissions as store
from ehdmm.tables import INCOMPLETE, level_label
from ehdmm.viewer import Viewer

Items = Literal["dimension", "strand"]
ITEMS: tuple[str, ...] = ("dimension", "strand")
NO_SUBMISSION = "no submission"
MEASURES_ILLEGIBLE = "the source text is partly illegible"
HIGHEST = "the highest level"

COMPARISON_COLUMNS = [
    "item_id",
    "item_name",
    "level",
    "level_name",
    "peer_median",
    "peer_n",
    "england_median",
    "england_n",
]


# --------------------------------------------------------------------------------------------
# Loaders (the current submission's ratings and checklist answers)


def ratings(db: core.Db, viewer: Viewer, authority_code: str, round_id: str) -> pd.DataFrame:
    """The current submission's ratings: dimension_id, level, evidence, confidence."""
    with connect(db) as conn:
        frame = store.current_ratings(conn, viewer, authority_code, round_id)
    frame["level"] = frame["level"].astype("Int64")
    return frame


def checklist(db: core.Db, viewer: Viewer, authority_code: str, round_id: str) -> pd.DataFrame:
    """The current submission's checklist answers: item_id, in_place, note."""
    with connect(db) as conn:
        return store.current_checklist(conn, viewer, authority_code, round_id)


# --------------------------------------------------------------------------------------------
# Items (dimensions or strands) and their names


def item_names(model: Model, items: Items) -> dict[str, str]:
    """Item id -> name, in model order, for dimensions or strands."""
    if items == "dimension":
        return {d.id: d.name for d in model.dimensions}
    if items == "strand":
        return {s.id: s.name for s in model.strands}
    raise ValueError(f"unknown items {items!r} (use one of: {', '.join(ITEMS)})")


def item_tidy(wide: pd.DataFrame, dims: pd.DataFrame, model: Model, items: Items) -> pd.DataFrame:
    """Tidy levels (authority_code, round_id, item_id, level) of dimensions or strands."""
    if items == "dimension":
        return core.dimension_long(dims)
    item_names(model, items)  # validates `items`
    return core.long_levels(wide, model)


def submitted(tidy: pd.DataFrame, members: list[str] | None = None) -> list[str]:
    """Codes (sorted) with a current submission in `tidy`, optionally only among `members`."""
    codes = set(tidy["authority_code"])
    if members is not None:
        codes &= set(members)
    return sorted(codes)


def has_submission(wide: pd.DataFrame, authority_code: str, round_id: str | None = None) -> bool:
    """True when the authority has a current submission (in `round_id`, if given)."""
    rows = wide["authority_code"] == authority_code
    if round_id is not None:
        rows &= wide["round_id"] == round_id
    return bool(rows.any())


def _level_name(value: object, model: Model) -> str:
    if value is None or pd.isna(value):
        return INCOMPLETE
    return model.level_names[int(value)]


# --------------------------------------------------------------------------------------------
# The authority against its peers and England


def comparison(
    tidy: pd.DataFrame,
    authority_code: str,
    members: list[str],
    model: Model,
    items: Items,
) -> pd.DataFrame:
    """Per item (model order): the authority's level (<NA> when missing) and level name
    ('incomplete' when missing), the median of the peer-group members that have a level and
    their number, and the same for every authority in `tidy` (England)."""
    names = item_names(model, items)
    order = list(names)
    everyone = submitted(tidy)
    peer_median = core.medians(tidy, members, order)
    england_median = core.medians(tidy, everyone, order)
    rated = tidy[tidy["level"].notna()]
    peer_n = rated[rated["authority_code"].isin(members)].groupby("item_id").size()
    england_n = rated.groupby("item_id").size()
    own = tidy[tidy["authority_code"] == authority_code].set_index("item_id")["level"]
    out = pd.DataFrame({"item_id": order, "item_name": [names[i] for i in order]})
    out["level"] = pd.array([own.get(i, pd.NA) for i in order], dtype="Int64")
    out["level_name"] = [_level_name(v, model) for v in out["level"]]
    out["peer_median"] = peer_median.to_numpy()
    out["peer_n"] = [int(peer_n.get(i, 0)) for i in order]
    out["england_median"] = england_median.to_numpy()
    out["england_n"] = [int(england_n.get(i, 0)) for i in order]
    out["peer_median"] = out["peer_median"].astype("Float64")
    out["england_median"] = out["england_median"].astype("Float64")
    return out[COMPARISON_COLUMNS]


def comparison_from(
    tidy: pd.DataFrame,
    authority_code: str,
    peer: pd.DataFrame,
    england: pd.DataFrame,
    model: Model,
    items: Items,
) -> pd.DataFrame:
    """Like `comparison`, with the medians from `ehdmm.analysis.aggregates.peer_medians` (the
    peer group's and England's, after disclosure control): per item the authority's level
    from its own tidy levels, the medians and their n (<NA> where suppressed), and
    `peer_suppressed` / `england_suppressed` flags."""
    names = item_names(model, items)
    order = list(names)
    mine = tidy["authority_code"] == authority_code
    own = dict(zip(tidy.loc[mine, "item_id"], tidy.loc[mine, "level"], strict=True))
    levels = pd.array([own.get(i, pd.NA) for i in order], dtype="Int64")
    columns: dict[str, object] = {
        "item_id": order,
        "item_name": [names[i] for i in order],
        "level": levels,
        "level_name": [_level_name(v, model) for v in levels],
    }
    for prefix, frame in (("peer", peer), ("england", england)):
        # plain dicts by item: a profile asks eight items of each column
        ids = list(frame["item_id"])
        median = dict(zip(ids, frame["median"], strict=True))
        n = dict(zip(ids, frame["n"], strict=True))
        suppressed = dict(zip(ids, frame["suppressed"], strict=True))
        columns[f"{prefix}_median"] = pd.array(
            [median.get(i, pd.NA) for i in order], dtype="Float64"
        )
        columns[f"{prefix}_n"] = pd.array([n.get(i, pd.NA) for i in order], dtype="Int64")
        columns[f"{prefix}_suppressed"] = [bool(suppressed.get(i, False)) for i in order]
    out = pd.DataFrame(columns)
    return out[[*COMPARISON_COLUMNS, "peer_suppressed", "england_suppressed"]]


def all_suppressed(values: pd.DataFrame, prefix: str) -> bool:
    """True when every item's `prefix` ('peer' or 'england') median is suppressed."""
    column = f"{prefix}_suppressed"
    return column in values and len(values) > 0 and bool(values[column].all())


def median_notes(values: pd.DataFrame, note: str) -> dict[str, str | None]:
    """{'peer': note or None, 'england': note or None}: the note for a median suppressed on
    every item (its trace is left out of the charts)."""
    return {
        prefix: note if all_suppressed(values, prefix) else None for prefix in ("peer", "england")
    }


def missing_items(values: pd.DataFrame) -> list[str]:
    """Names of the items the authority has no level for."""
    return list(values.loc[values["level"].isna(), "item_name"])


def _median_text(value: object) -> str:
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return f"{number:g}"


def _suppressed_flags(values: pd.DataFrame, prefix: str) -> list[bool]:
    column = f"{prefix}_suppressed"
    return list(values[column]) if column in values else [False] * len(values)


def _n_column(values: pd.DataFrame, prefix: str) -> object:
    flags = _suppressed_flags(values, prefix)
    if not any(flags):
        return values[f"{prefix}_n"]
    return [
        SUPPRESSED if hide else str(int(n))
        for n, hide in zip(values[f"{prefix}_n"], flags, strict=True)
    ]


def comparison_table(values: pd.DataFrame, authority_name: str, peers_label: str) -> pd.DataFrame:
    """The comparison for people and downloads: item, the authority's level as a number and as
    its label, the medians and their n ('suppressed' where disclosure control hid them)."""
    medians = {
        prefix: [
            SUPPRESSED if hide else _median_text(v)
            for v, hide in zip(
                values[f"{prefix}_median"], _suppressed_flags(values, prefix), strict=True
            )
        ]
        for prefix in ("peer", "england")
    }
    return pd.DataFrame(
        {
            "Item": values["item_name"],
            # the level as a number (for spreadsheets) beside its label
            f"{authority_name} (level number)": pd.array(values["level"], dtype="Int64"),
            f"{authority_name} (level)": [
                INCOMPLETE if pd.isna(v) else f"{int(v)} {name}"
                for v, name in zip(values["level"], values["level_name"], strict=True)
            ],
            f"{peers_label} median": medians["peer"],
            f"{peers_label} n": _n_column(values, "peer"),
            "England median": medians["england"],
            "England n": _n_column(values, "england"),
        }
    )


def comparison_summary(
    values: pd.DataFrame, authority_name: str, peers_label: str, items: Items = "dimension"
) -> str:
    """One sentence: in how many items the authority is above, level with or below the peer
    median (or that the peer median is suppressed)."""
    if all_suppressed(values, "peer"):
        text = (
            f"The {peers_label} median is {SUPPRESSED} (too few other authorities), so "
            f"{authority_name} is not compared with it."
        )
        missing = missing_items(values)
        return text + (f" Not rated (incomplete): {', '.join(missing)}." if missing else "")
    rated = values[values["level"].notna() & values["peer_median"].notna()]
    level = rated["level"].astype(float)
    median = rated["peer_median"].astype(float)
    above = int((level > median).sum())
    same = int((level == median).sum())
    below = int((level < median).sum())
    text = (
        f"{authority_name} is above the {peers_label} median in {above}, level with it in {same} "
        f"and below it in {below} of {len(values)} {items}s."
    )
    missing = missing_items(values)
    if missing:
        text += f" Not rated (incomplete): {', '.join(missing)}."
    return text


# --------------------------------------------------------------------------------------------
# What the next level asks


@dataclass(frozen=True)
class DimensionCard:
    """One dimension on a strand card: where the authority is and what the next level asks."""

    dimension_id: str
    name: str
    level: int | None
    level_name: str
    current: str  # the current level's descriptor ('' when not rated)
    next_step: str  # "To reach Maturing: ...", "Mature: the highest level" or "incomplete ..."
    next_heading: str  # "To reach Maturing", "Mature" or "incomplete"
    next_text: str  # the next level's descriptor, "the highest level" or why incomplete


@dataclass(frozen=True)
class StrandCard:
    """A strand: its level, its dimensions' cards and its MEASURES."""

    strand_id: str
    name: str
    level: int | None
    level_name: str
    measures: str
    measures_incomplete: bool
    dimensions: tuple[DimensionCard, ...]


def next_step_parts(level: int | None, dimension_id: str, model: Model) -> tuple[str, str]:
    """What the next level of a dimension asks, as (heading, text): ("To reach Maturing",
    <its descriptor>), ("Mature", "the highest level") or ("incomplete", ...)."""
    if level is None:
        return INCOMPLETE, "this dimension was not rated in the return"
    top = max(model.level_names)
    if level >= top:
        return model.level_names[top], HIGHEST
    following = level + 1
    descriptor = model.dimension(dimension_id).descriptor(following)
    return f"To reach {model.level_names[following]}", descriptor


def next_step(level: int | None, dimension_id: str, model: Model) -> str:
    """What the next level of a dimension asks, in words: "To reach Maturing: ...",
    "Mature: the highest level" or "incomplete: ..."."""
    heading, text = next_step_parts(level, dimension_id, model)
    return f"{heading}: {text}"


def strand_cards(
    dims: pd.DataFrame, strands: pd.DataFrame, authority_code: str, model: Model
) -> list[StrandCard]:
    """One card per strand (model order) for the authority: `dims` are tidy dimension levels
    (authority_code, dimension_id, level), `strands` tidy strand levels (authority_code,
    item_id, level) of the same round."""
    own_dims = dims[dims["authority_code"] == authority_code].set_index("dimension_id")["level"]
    own_strands = strands[strands["authority_code"] == authority_code].set_index("item_id")
    cards = []
    for strand in model.strands:
        value = own_strands["level"].get(strand.id, pd.NA)
        strand_level = None if pd.isna(value) else int(value)
        dimension_cards = []
        for dimension in strand.dimensions:
            raw = own_dims.get(dimension.id, pd.NA)
            level = None if pd.isna(raw) else int(raw)
            dimension_cards.append(
                DimensionCard(
                    dimension_id=dimension.id,
                    name=dimension.name,
                    level=level,
                    level_name=_level_name(level, model),
                    current="" if level is None else dimension.descriptor(level),
                    next_step=next_step(level, dimension.id, model),
                    next_heading=next_step_parts(level, dimension.id, model)[0],
                    next_text=next_step_parts(level, dimension.id, model)[1],
                )
            )
        cards.append(
            StrandCard(
                strand_id=strand.id,
                name=strand.name,
                level=strand_level,
                level_name=_level_name(strand_level, model),
                measures=strand.measures,
                measures_incomplete=strand.measures_incomplete,
                dimensions=tuple(dimension_cards),
            )
        )
    return cards


def escape_markdown(text: str) -> str:
    """Model text made safe for a markdown renderer (no emphasis, links or maths)."""
    out = text
    for char in ("\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "$", "~"):
        out = out.replace(char, "\\" + char)
    return out


# --------------------------------------------------------------------------------------------
# Trajectory across rounds


def trajectory(
    wide_all: pd.DataFrame, authority_code: str, rounds: list[str] | tuple[str, ...], model: Model
) -> pd.DataFrame:
    """One row per round (in `rounds` order): round_id, submitted, overall, index and one
    column per strand id; levels <NA> where incomplete or not submitted."""
    own = wide_all[wide_all["authority_code"] == authority_code].set_index("round_id")
    columns = [*model.strand_ids, "overall"]
    out = pd.DataFrame({"round_id": list(rounds)})
    out["submitted"] = [r in own.index for r in rounds]
    for column in columns:
        out[column] = pd.array(
            [own[column].get(r, pd.NA) if r in own.index else pd.NA for r in rounds],
            dtype="Int64",
        )
    out["index"] = pd.array(
        [own["index"].get(r, pd.NA) if r in own.index else pd.NA for r in rounds],
        dtype="Float64",
    )
    return out[["round_id", "submitted", *model.strand_ids, "overall", "index"]]


def trajectory_table(traj: pd.DataFrame, model: Model) -> pd.DataFrame:
    """The trajectory for people: round, overall level, index, strand levels (names)."""
    out = pd.DataFrame({"Round": traj["round_id"]})

    def label(value: object, was_submitted: bool) -> str:
        return level_label(value, model) if was_submitted else NO_SUBMISSION

    flags = list(traj["submitted"])
    out["Overall"] = [label(v, s) for v, s in zip(traj["overall"], flags, strict=True)]
    out["Maturity index"] = [
        scoring.format_index(v) if s else NO_SUBMISSION
        for v, s in zip(traj["index"], flags, strict=True)
    ]
    for strand in model.strands:
        out[strand.name] = [label(v, s) for v, s in zip(traj[strand.id], flags, strict=True)]
    return out


def trajectory_summary(traj: pd.DataFrame, authority_name: str, model: Model) -> str:
    """One sentence: the overall level in the first and the last round with a submission."""
    done = traj[traj["submitted"]]
    if done.empty:
        return f"{authority_name} has no submission in any round."
    first, last = done.iloc[0], done.iloc[-1]
    text = (
        f"{authority_name} has submissions in {len(done)} of {len(traj)} rounds; overall level "
        f"{level_label(first['overall'], model)} in {first['round_id']}"
    )
    if len(done) > 1:
        text += f" and {level_label(last['overall'], model)} in {last['round_id']}"
    return text + "."


# --------------------------------------------------------------------------------------------
# Checklist answers and evidence notes (user text: the page shows them as plain text)


def checklist_table(answers: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Every model checklist item (model order) with the answer: Item, In place, Note."""
    by_item = answers.set_index("item_id") if not answers.empty else None
    rows = []
    for item in model.checklist:
        in_place, note = "not answered", ""
        if by_item is not None and item.id in by_item.index:
            answer = by_item.loc[item.id]
            if not pd.isna(answer["in_place"]):
                in_place = "yes" if bool(answer["in_place"]) else "no"
            note = "" if pd.isna(answer["note"]) else str(answer["note"])
        rows.append({"Item": item.text, "In place": in_place, "Note": note})
    return pd.DataFrame(rows, columns=["Item", "In place", "Note"])


def evidence_table(rated: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Every dimension (model order) with the return's level (as a number, for spreadsheets, and
    as its label), confidence and evidence: Strand, Dimension, Level number, Level, Confidence,
    Evidence."""
    by_dimension = rated.set_index("dimension_id") if not rated.empty else None
    rows = []
    for dimension in model.dimensions:
        number, level, confidence, evidence = None, INCOMPLETE, "", ""
        if by_dimension is not None and dimension.id in by_dimension.index:
            row = by_dimension.loc[dimension.id]
            number = None if pd.isna(row["level"]) else int(row["level"])
            level = level_label(row["level"], model)
            confidence = "" if pd.isna(row["confidence"]) else str(row["confidence"])
            evidence = "" if pd.isna(row["evidence"]) else str(row["evidence"])
        rows.append(
            {
                "Strand": model.strand(dimension.strand_id).name,
                "Dimension": dimension.name,
                "Level number": number,
                "Level": level,
                "Confidence": confidence,
                "Evidence": evidence,
            }
        )
    columns = ["Strand", "Dimension", "Level number", "Level", "Confidence", "Evidence"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["Level number"] = frame["Level number"].astype("Int64")
    return frame


# --------------------------------------------------------------------------------------------
# Headline figures


@dataclass(frozen=True)
class Headline:
    """The authority's overall level, index and rank within the peer group."""

    overall: str  # level name or 'incomplete'
    index: str  # two decimals or ''
    rank: core.Rank
    in_group: bool


def own_headline(
    wide: pd.DataFrame, authority_code: str, in_group: bool, model: Model | None = None
) -> tuple[str, str, bool]:
    """The authority's overall level (name), maturity index (text) and whether it is a member
    of the peer group, from its own wide levels of one round (its rank comes from
    `ehdmm.analysis.aggregates.peer_rank`)."""
    model = model or load_model()
    own = wide[wide["authority_code"] == authority_code]
    overall = own["overall"].iloc[0] if not own.empty else pd.NA
    index = own["index"].iloc[0] if not own.empty else pd.NA
    return _level_name(overall, model), scoring.format_index(index), in_group


def rank_caption(rank: core.Rank | None, peers_label: str, threshold: int) -> str:
    """What the rank and percentile are over, or why they are suppressed."""
    if rank is None:
        return (
            f"Rank and percentile are {SUPPRESSED}: they are shown only when at least "
            f"{threshold} other members of {peers_label} have a complete return."
        )
    return (
        f"Rank and percentile among the {rank.n} members of {peers_label} with a complete "
        "return, by maturity index (the mean of the dimension levels, not a level)."
    )


def headline(
    wide: pd.DataFrame, authority_code: str, members: list[str], model: Model | None = None
) -> Headline:
    """Overall level (name), maturity index (text) and rank in the group, from wide levels of
    one round."""
    model = model or load_model()
    own = wide[wide["authority_code"] == authority_code]
    overall = own["overall"].iloc[0] if not own.empty else pd.NA
    index = own["index"].iloc[0] if not own.empty else pd.NA
    return Headline(
        overall=_level_name(overall, model),
        index=scoring.format_index(index),
        rank=core.rank_in_group(wide, authority_code, members),
        in_group=authority_code in members,
    )


def no_submission_message(authority_name: str, round_id: str | None, traj: pd.DataFrame) -> str:
    """What the page says when the authority has no current submission in the round."""
    others = submitted_rounds(traj)
    text = f"{authority_name} has no current submission in round {round_id}."
    if others:
        return text + f" Its trajectory below shows the rounds it did submit: {', '.join(others)}."
    return text + " It has no submission in any round yet."


def submitted_rounds(traj: pd.DataFrame) -> list[str]:
    """The rounds of a trajectory in which the authority has a current submission."""
    return list(traj.loc[traj["submitted"], "round_id"])
