"""The Queries view of a round: the queries the viewer may see (an authority viewer: its own
only) as a table for people, which ones can be answered or resolved, and the choices for
raising one (national team)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm import moderation
from ehdmm.model import Model
from ehdmm.views.parts import arrow_text


@dataclass(frozen=True)
class QueriesView:
    round_id: str
    national: bool
    table: pd.DataFrame
    counts: dict[str, int]
    answerable: dict[int, str]  # open queries: id -> "dimension, raised <date>"
    resolvable: dict[int, str]  # open or answered queries
    authorities: dict[str, str]  # code -> "Name (code)" (national: the round's submitters)
    dimensions: dict[str, str]  # id -> name
    levels: dict[int, str]


def _labels(frame: pd.DataFrame, states: tuple[str, ...], national: bool) -> dict[int, str]:
    """Query id -> 'Dimension, raised 2026-04-01 09:30' (national: and the authority's name):
    what a person knows the query by, never its internal number."""
    rows = frame[frame["state"].isin(states)]
    return {
        int(row["id"]): f"{row['dimension_id']}, raised "
        f"{pd.Timestamp(row['raised_at']):%Y-%m-%d %H:%M}"
        + (f", {row['authority_name']}" if national else "")
        for row in rows.to_dict("records")
    }


def build(
    round_id: str,
    frame: pd.DataFrame,
    authorities: dict[str, str],
    model: Model,
    national: bool,
) -> QueriesView:
    dims = {d.id: d.name for d in model.dimensions}
    shown = frame.assign(dimension_id=[dims.get(d, d) for d in frame["dimension_id"]])
    counts = {s: int((frame["state"] == s).sum()) for s in moderation.STATES}
    return QueriesView(
        round_id=round_id,
        national=national,
        table=arrow_text(moderation.queries_table(frame).drop(columns="Query")),
        counts=counts,
        answerable=_labels(shown, ("open",), national),
        resolvable=_labels(shown, ("open", "answered"), national) if national else {},
        authorities=authorities if national else {},
        dimensions=dims,
        levels=dict(model.level_names),
    )


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {state}" for state, n in counts.items())
