"""The Tracking view for a round: every authority's response state (an authority viewer: its
own only), counts per state, filters by region and type, and the chase list with contacts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ehdmm import tracking
from ehdmm.views.parts import Built, arrow_text


@dataclass(frozen=True)
class Shown:
    table: pd.DataFrame
    counts: dict[str, int]
    chase: pd.DataFrame


@dataclass(frozen=True)
class TrackingView(Built):
    round_id: str
    national: bool
    regions: tuple[str, ...]
    types: tuple[str, ...]
    _table: pd.DataFrame = field(repr=False, compare=False)
    _contacts: pd.DataFrame = field(repr=False, compare=False)

    def shown(self, regions: tuple[str, ...] = (), types: tuple[str, ...] = ()) -> Shown:
        def build() -> Shown:
            table = tracking.filtered(self._table, regions, types)
            chase = tracking.chase_list(table, self._contacts) if self.national else table[:0]
            return Shown(arrow_text(table), tracking.counts(table), arrow_text(chase))

        return self._part((regions, types), build)


def counts_text(counts: dict[str, int]) -> str:
    """'140 submitted complete · 5 submitted incomplete · ...' (states with none left out)."""
    parts = [f"{n} {state}" for state, n in counts.items() if n]
    return " · ".join(parts) if parts else "No authorities."


def build(round_id: str, table: pd.DataFrame, contacts: pd.DataFrame, national: bool):
    return TrackingView(
        round_id=round_id,
        national=national,
        regions=tuple(sorted(set(table["Region"]))),
        types=tuple(sorted(set(table["Type"]))),
        _table=table,
        _contacts=contacts,
    )
