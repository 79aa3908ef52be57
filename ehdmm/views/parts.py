"""Pieces shared by the views."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go

from ehdmm.charts.theme import ensure_note_space

T = TypeVar("T")


@dataclass(frozen=True)
class ChartParts:
    """A chart as pages and reports show it: a figure, its data table, the downloads' file
    stem and a one-sentence text alternative. Shared between reruns and sessions: read-only."""

    fig: go.Figure
    table: pd.DataFrame
    stem: str
    summary: str
    # the figure as a page draws it, where it is laid out differently from the downloaded
    # one (small multiples in one column, to fit a phone); None: the same figure
    screen: go.Figure | None = None

    def __post_init__(self) -> None:
        ensure_note_space(self.fig)
        if self.screen is not None:
            ensure_note_space(self.screen)


class Built:
    """Mixin for a frozen view: parts that depend on a page's own widgets (items, mode,
    filters) are built on first use and kept on the view (`self._part`)."""

    def _part(self, key: Hashable, build: Callable[[], T]) -> T:
        store = self.__dict__.setdefault("_built_parts", {})
        if key not in store:
            store[key] = build()
        return store[key]


def arrow_text(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Arrow-backed strings: a table is sent to the browser as Arrow on every
    rerun, and Python strings are slow to convert."""
    text = [c for c in table.columns if table[c].dtype == object]
    return table.astype(dict.fromkeys(text, "str")) if text else table
