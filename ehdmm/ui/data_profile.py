"""Cached loaders for the authority profile and peer benchmark pages.

Like `ehdmm.ui.data`, every cache key holds the database path and its last-write token, so a
write makes fresh entries.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ehdmm.analysis import profile
from ehdmm.viewer import Viewer


@st.cache_data(show_spinner=False, max_entries=128)
def ratings(
    db: str, token: tuple[float, int], viewer: Viewer, authority_code: str, round_id: str
) -> pd.DataFrame:
    """The current submission's ratings (dimension_id, level, evidence, confidence)."""
    return profile.ratings(db, viewer, authority_code, round_id)


@st.cache_data(show_spinner=False, max_entries=128)
def checklist(
    db: str, token: tuple[float, int], viewer: Viewer, authority_code: str, round_id: str
) -> pd.DataFrame:
    """The current submission's checklist answers (item_id, in_place, note)."""
    return profile.checklist(db, viewer, authority_code, round_id)
