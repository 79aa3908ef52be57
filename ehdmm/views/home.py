"""The Home view: the round's levels by strand, every authority for the national team, its
own for an authority user."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm import tables
from ehdmm.analysis.rounds import RoundData
from ehdmm.views.scope import Scope


@dataclass(frozen=True)
class HomeView:
    scope: Scope
    authority_name: str
    assessed: int  # authorities with a current submission the viewer can see
    table: pd.DataFrame


def build(scope: Scope, data: RoundData) -> HomeView:
    frame = data.levels(scope.viewer)
    table = tables.levels_table(frame, data.model)
    # text as Arrow-backed strings: the table is sent to the browser as Arrow on every rerun
    text = [c for c in table.columns if table[c].dtype == object]
    table = table.astype(dict.fromkeys(text, "str"))
    return HomeView(scope, data.name(scope.authority), len(frame), table)
