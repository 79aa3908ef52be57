"""Streamlit side of the History page: the authority's submissions and drafts, and two
submissions' ratings side by side, each built once per (sidebar choice, database state) and
kept (see `ehdmm.ui.cache`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ehdmm import history as hist
from ehdmm.model import load_model
from ehdmm.ui import cache
from ehdmm.ui.state import Selection
from ehdmm.viewer import Viewer


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=128)
def history(db: str, token: tuple[float, int], viewer: Viewer, authority: str) -> pd.DataFrame:
    return hist.history(db, viewer, authority)


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=128)
def submission_ratings(
    db: str, token: tuple[float, int], viewer: Viewer, ids: tuple[int, ...]
) -> pd.DataFrame:
    return hist.submission_ratings(db, viewer, list(ids))


@dataclass(frozen=True)
class History:
    frame: pd.DataFrame  # every submission and draft of the authority (empty: none)
    table: pd.DataFrame
    labels: dict[int, str]  # submission id -> label for the pickers
    default_pair: tuple[int, int] | None  # (older, newer) to compare first


@cache.cached
def history_view(sel: Selection) -> History:
    """The authority's submissions for people, and the pickers' choices."""
    frame = history(sel.db, sel.token, sel.viewer, sel.authority)
    if frame.empty:
        return History(frame, frame, {}, None)
    labels = hist.submission_labels(frame)
    pair = hist.default_pair(frame, sel.round_id) if len(labels) >= 2 else None
    return History(frame, hist.history_table(frame), labels, pair)


@cache.cached
def history_diff(sel: Selection, first: int, second: int) -> tuple[pd.DataFrame, str]:
    """Two submissions' ratings side by side, and a sentence saying how many differ."""
    model = load_model()
    ratings = submission_ratings(sel.db, sel.token, sel.viewer, (first, second))
    diff = hist.diff_table(hist.ratings_of(ratings, first), hist.ratings_of(ratings, second), model)
    return diff, hist.diff_summary(diff, len(model.dimensions))


def compare_stem(view: History, authority: str, first: int, second: int) -> str:
    """The comparison's download file name: rounds and times, never internal ids."""
    return hist.compare_stem(view.frame, authority, first, second)
