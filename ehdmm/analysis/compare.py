"""Comparing a few authorities side by side: which ones, their levels, where they differ.

Pure functions on the tidy frames of `ehdmm.analysis.core` (dimension levels) and
`ehdmm.scoring.authority_levels` (wide strand levels), plus one loader for the ranked DfE
statistical neighbours. Nothing here scores: levels come from `ehdmm.scoring`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

import pandas as pd

from ehdmm import scoring
from ehdmm.analysis.core import Db
from ehdmm.model import Model, load_model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.tables import INCOMPLETE, level_label

MAX_AUTHORITIES = 8
DEFAULT_NEIGHBOURS = 3
ITEM_KINDS: tuple[str, ...] = ("dimension", "strand")
DIFFERS = "Differs"
ROW_KIND = "Type"
ROW_ITEM = "Item"
KIND_LABELS = {
    "dimension": "Dimension",
    "strand": "Strand",
    "overall": "Overall",
    "index": "Maturity index",
}
LONG_COLUMNS = [
    "authority_code",
    "authority_name",
    "item_id",
    "item_name",
    "level",
    "level_label",
]


# ---------------------------------------------------------------------------------------------
# Which authorities


def neighbours(db: Db, authority_code: str) -> list[str]:
    """The authority's DfE statistical neighbours, closest first (public reference data)."""
    with connect(db) as conn:
        return ref.neighbours(conn, authority_code)


def authority_labels(authorities: pd.DataFrame) -> dict[str, str]:
    """Code -> "Name (code)" for the real (not synthetic) authorities, ordered by name."""
    frame = authorities
    if "synthetic" in frame.columns:
        frame = frame[~frame["synthetic"].astype(bool)]
    frame = frame.sort_values(["name", "code"])
    return {str(c): f"{n} ({c})" for c, n in zip(frame["code"], frame["name"], strict=True)}


def default_selection(
    authority_code: str,
    neighbour_codes: Sequence[str],
    k: int = DEFAULT_NEIGHBOURS,
    allowed: Collection[str] | None = None,
) -> list[str]:
    """The authority and its first ``k`` statistical neighbours (closest first), keeping only
    codes in ``allowed`` when given."""
    chosen: list[str] = []
    for code in [authority_code, *neighbour_codes]:
        if len(chosen) > k:
            break
        if code not in chosen and (allowed is None or code in allowed):
            chosen.append(code)
    return chosen


def peer_selection(
    authority_code: str,
    members: Iterable[str],
    preferred: Sequence[str] = (),
    limit: int = MAX_AUTHORITIES,
) -> tuple[list[str], int]:
    """Up to ``limit`` authorities from a peer group: the authority first, then the others,
    those in ``preferred`` (e.g. statistical neighbours, closest first) before the rest (in the
    order given). Returns (chosen codes, size of the whole group with the authority)."""
    others = [code for code in dict.fromkeys(members) if code != authority_code]
    ranked = [code for code in preferred if code in others]
    ordered = [*dict.fromkeys(ranked), *[c for c in others if c not in ranked]]
    return [authority_code, *ordered][:limit], 1 + len(others)


def split_by_submission(codes: Sequence[str], wide: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(codes with a current submission in ``wide``, codes without one), order kept."""
    present = set(wide["authority_code"])
    unique = list(dict.fromkeys(codes))
    return [c for c in unique if c in present], [c for c in unique if c not in present]


# ---------------------------------------------------------------------------------------------
# Their levels


def comparison_long(
    dims: pd.DataFrame,
    wide: pd.DataFrame,
    codes: Sequence[str],
    items: str = "dimension",
    model: Model | None = None,
) -> pd.DataFrame:
    """Tidy levels of the chosen authorities that have a submission: authority_code,
    authority_name, item_id, item_name, level (Int64, <NA> when incomplete), level_label
    ("3 Maturing" or "incomplete"). Authorities in ``codes`` order, items in model order.

    ``items`` is "dimension" (from ``dims``, the tidy dimension levels) or "strand" (from
    ``wide``, the levels of `scoring.authority_levels`)."""
    model = model or load_model()
    if items not in ITEM_KINDS:
        raise ValueError(f"unknown item kind {items!r} (use one of: {', '.join(ITEM_KINDS)})")
    present, _ = split_by_submission(codes, wide)
    names = dict(zip(wide["authority_code"], wide["authority_name"], strict=False))
    if items == "dimension":
        item_names = {d.id: d.name for d in model.dimensions}
        lookup = {
            (code, item): level
            for code, item, level in zip(
                dims["authority_code"], dims["dimension_id"], dims["level"], strict=True
            )
        }
    else:
        item_names = {s.id: s.name for s in model.strands}
        lookup = {
            (code, item): level
            for code, row in zip(wide["authority_code"], wide.to_dict("records"), strict=True)
            for item, level in row.items()
            if item in item_names
        }
    rows = [
        {
            "authority_code": code,
            "authority_name": names[code],
            "item_id": item,
            "item_name": name,
            "level": lookup.get((code, item), pd.NA),
        }
        for code in present
        for item, name in item_names.items()
    ]
    out = pd.DataFrame(rows, columns=LONG_COLUMNS[:-1])
    out["level"] = pd.array([None if pd.isna(v) else int(v) for v in out["level"]], dtype="Int64")
    out["level_label"] = [level_label(v, model) for v in out["level"]]
    return out[LONG_COLUMNS].reset_index(drop=True)


def column_names(codes: Sequence[str], wide: pd.DataFrame) -> dict[str, str]:
    """Code -> column heading: the authority's name, or "Name (code)" when two share a name."""
    names = dict(zip(wide["authority_code"], wide["authority_name"], strict=False))
    shown = [names.get(code, code) for code in codes]
    return {
        code: name if shown.count(name) == 1 else f"{name} ({code})"
        for code, name in zip(codes, shown, strict=True)
    }


def comparison_table(
    dims: pd.DataFrame,
    wide: pd.DataFrame,
    codes: Sequence[str],
    model: Model | None = None,
) -> pd.DataFrame:
    """Side by side: one row per dimension, then strand, then overall and maturity index;
    columns Type, Item, one per authority with a submission (headed by its name), Differs.

    Cells are level labels ("3 Maturing", "incomplete"); the index has two decimals. Differs is
    "yes" when the authorities' cells are not all the same (an incomplete cell differs from a
    level), else "no"; always "no" for a single authority."""
    model = model or load_model()
    present, _ = split_by_submission(codes, wide)
    headings = column_names(present, wide)
    by_code = wide.set_index("authority_code")
    dim_long = comparison_long(dims, wide, present, "dimension", model)
    dim_cells = {
        (code, item): label
        for code, item, label in zip(
            dim_long["authority_code"], dim_long["item_id"], dim_long["level_label"], strict=True
        )
    }
    rows: list[dict[str, str]] = []

    def add(kind: str, item: str, cells: dict[str, str]) -> None:
        values = [cells[code] for code in present]
        row = {ROW_KIND: KIND_LABELS[kind], ROW_ITEM: item}
        row.update({headings[code]: cells[code] for code in present})
        row[DIFFERS] = "yes" if len(set(values)) > 1 else "no"
        rows.append(row)

    for dimension in model.dimensions:
        add("dimension", dimension.name, {c: dim_cells[(c, dimension.id)] for c in present})
    for strand in model.strands:
        add(
            "strand",
            strand.name,
            {c: level_label(by_code.at[c, strand.id], model) for c in present},
        )
    add(
        "overall",
        KIND_LABELS["overall"],
        {c: level_label(by_code.at[c, "overall"], model) for c in present},
    )
    add(
        "index",
        KIND_LABELS["index"],
        {c: scoring.format_index(by_code.at[c, "index"]) or INCOMPLETE for c in present},
    )
    columns = [ROW_KIND, ROW_ITEM, *[headings[c] for c in present], DIFFERS]
    return pd.DataFrame(rows, columns=columns)


def differing_items(long: pd.DataFrame) -> list[str]:
    """Item ids (in order) where the authorities of a `comparison_long` frame differ."""
    labels = long.groupby("item_id", sort=False)["level_label"].nunique()
    return [str(item) for item, count in labels.items() if count > 1]


def chart_table(long: pd.DataFrame, items: str = "dimension") -> pd.DataFrame:
    """The data behind a comparison chart, with plain headings."""
    item_heading = "Dimension" if items == "dimension" else "Strand"
    return long.rename(
        columns={
            "authority_code": "ONS code",
            "authority_name": "Authority",
            "item_name": item_heading,
            "level": "Level",
            "level_label": "Level name",
        }
    )[["Authority", "ONS code", item_heading, "Level", "Level name"]]


def summary(long: pd.DataFrame, items: str = "dimension", highlight: str | None = None) -> str:
    """One sentence describing a comparison chart, e.g. "The 4 authorities are at the same
    level in 3 of 8 dimensions and differ in 5; Hartlepool's levels range from 1 Early to
    3 Maturing."."""
    authorities = list(dict.fromkeys(long["authority_code"]))
    n_items = long["item_id"].nunique()
    noun = items if n_items == 1 else f"{items}s"
    if not authorities:
        return "No chosen authority has a submission in this round."
    differ = len(differing_items(long))
    if len(authorities) == 1:
        text = f"{long['authority_name'].iloc[0]} alone is shown ({n_items} {noun})"
    else:
        text = (
            f"The {len(authorities)} authorities are at the same level in {n_items - differ} "
            f"of {n_items} {noun} and differ in {differ}"
        )
    own = long[long["authority_code"] == highlight]
    if highlight is not None and not own.empty:
        rated = own[own["level"].notna()]
        if rated.empty:
            text += f"; {own['authority_name'].iloc[0]} has no level in any of them"
        else:
            low, high = rated.loc[rated["level"].idxmin()], rated.loc[rated["level"].idxmax()]
            name = own["authority_name"].iloc[0]
            text += (
                f"; {name} is at {low['level_label']} in all it has rated"
                if low["level"] == high["level"]
                else f"; {name}'s levels range from {low['level_label']} to {high['level_label']}"
            )
    return text + "."


def names_text(codes: Sequence[str], names: Mapping[str, str]) -> str:
    """ "A, B and C" from codes and a code -> name map."""
    shown = [names.get(code, code) for code in codes]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


DIFFER_STYLE = "background-color: #fde3cf; font-weight: bold"


def highlight_differences(table: pd.DataFrame) -> pd.io.formats.style.Styler:
    """The comparison table with the rows that differ shaded and bold (the Differs column
    says the same in words)."""

    def style(row: pd.Series) -> list[str]:
        shade = DIFFER_STYLE if row[DIFFERS] == "yes" else ""
        return [shade] * len(row)

    return table.style.apply(style, axis=1)
