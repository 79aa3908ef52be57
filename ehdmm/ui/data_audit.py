"""Cached loader of the audit log (national users only; the key holds the viewer)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ehdmm import access
from ehdmm.ui import memo
from ehdmm.viewer import Viewer


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=16)
def audit_log(db: str, token: tuple[float, int], viewer: Viewer) -> pd.DataFrame:
    """The whole audit log, newest first; `AccessDenied` for an authority viewer."""
    return access.audit_log(db, viewer)
