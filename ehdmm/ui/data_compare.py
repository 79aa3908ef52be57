"""Cached loaders and built sections of the Compare page (see `ehdmm.ui.memo`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ehdmm.analysis import compare
from ehdmm.charts import compare as charts
from ehdmm.charts import theme
from ehdmm.model import load_model
from ehdmm.ui import data, memo
from ehdmm.ui.state import Selection
from ehdmm.ui.widgets import ChartParts


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=256)
def neighbours(db: str, token: tuple[float, int], authority_code: str) -> list[str]:
    """The authority's DfE statistical neighbours, closest first."""
    return compare.neighbours(db, authority_code)


@dataclass(frozen=True)
class Choices:
    labels: dict[str, str]
    default: list[str]


@memo.section
def choices(sel: Selection) -> Choices:
    """Every authority's label for the picker, and the default pick (the authority and its
    closest statistical neighbours)."""
    labels = compare.authority_labels(data.authorities(sel.db, sel.token))
    near = neighbours(sel.db, sel.token, sel.authority)
    return Choices(labels, compare.default_selection(sel.authority, near, allowed=labels))


@memo.section
def group_selection(sel: Selection) -> tuple[list[str], int]:
    """(the authorities compared, the peer group's size) for the sidebar's peer group."""
    members = data.peer_codes(sel.db, sel.token, sel.viewer, sel.authority, sel.peers)
    near = neighbours(sel.db, sel.token, sel.authority)
    return compare.peer_selection(sel.authority, members, near)


@dataclass(frozen=True)
class Comparison:
    present: list[str]
    missing: list[str]
    radar: ChartParts | None
    panels: ChartParts | None
    table: pd.DataFrame | None
    table_stem: str


@memo.section
def comparison(
    sel: Selection, chosen: tuple[str, ...], items: str, group_label: str | None
) -> Comparison:
    """The charts and side-by-side table for the chosen authorities (those with a current
    submission in the round; the others are listed in `missing`)."""
    model = load_model()
    wide = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
    present, missing = compare.split_by_submission(list(chosen), wide)
    table_stem = theme.file_stem(sel.authority, sel.round_id, "compare-table", sel.rule)
    if not present:
        return Comparison(present, missing, None, None, None, table_stem)
    dims = data.dimensions(sel.db, sel.token, sel.viewer, sel.round_id)
    long = compare.comparison_long(dims, wide, present, items, model)
    options = {
        "round_id": sel.round_id,
        "n": len(present),
        "rule": sel.rule,
        "items": items,
        "highlight": sel.authority,
        "group_label": group_label,
    }
    chart_table = compare.chart_table(long, items)
    summary = compare.summary(long, items, sel.authority)

    def parts(fig: object, name: str) -> ChartParts:
        stem = theme.file_stem(sel.authority, sel.round_id, f"compare-{name}-{items}", sel.rule)
        return ChartParts(fig, chart_table, stem=stem, summary=summary)

    return Comparison(
        present,
        missing,
        parts(charts.overlaid_radar(long, model, **options), "radar"),
        parts(charts.small_multiples(long, model, **options), "panels"),
        compare.comparison_table(dims, wide, present, model),
        table_stem,
    )
