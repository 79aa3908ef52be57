"""Cached wrappers around `ehdmm.analysis.aggregates` (peer aggregates after disclosure
control).

Every cache key holds the database path, its last-write token and the viewer: what is cached
for an authority viewer is the suppressed result it may see, and one viewer's entry is never
served to another.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ehdmm.analysis import aggregates, core
from ehdmm.ui import memo
from ehdmm.viewer import Viewer

Token = tuple[float, int]


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=256)
def distribution(
    db: str,
    token: Token,
    viewer: Viewer,
    authority: str,
    group_key: str,
    round_id: str | None,
    rule: str,
    items: str,
) -> pd.DataFrame:
    return aggregates.peer_distribution(db, viewer, authority, group_key, round_id, rule, items)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=256)
def medians(
    db: str,
    token: Token,
    viewer: Viewer,
    authority: str,
    group_key: str,
    round_id: str | None,
    rule: str,
    items: str,
) -> pd.DataFrame:
    return aggregates.peer_medians(db, viewer, authority, group_key, round_id, rule, items)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=256)
def rank(
    db: str,
    token: Token,
    viewer: Viewer,
    authority: str,
    group_key: str,
    round_id: str | None,
    rule: str,
) -> core.Rank | None:
    return aggregates.peer_rank(db, viewer, authority, group_key, round_id, rule)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=256)
def index_summary(
    db: str,
    token: Token,
    viewer: Viewer,
    authority: str,
    group_key: str,
    round_id: str | None,
    rule: str,
) -> aggregates.IndexSummary | None:
    return aggregates.index_summary(db, viewer, authority, group_key, round_id, rule)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=256)
def group_counts(
    db: str,
    token: Token,
    viewer: Viewer,
    authority: str,
    group_key: str,
    round_id: str | None,
    rule: str,
) -> aggregates.GroupCounts:
    return aggregates.group_counts(db, viewer, authority, group_key, round_id, rule)
