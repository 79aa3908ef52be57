"""Cached loaders for the Compare page."""

from __future__ import annotations

import streamlit as st

from ehdmm.analysis import compare


@st.cache_data(show_spinner=False, max_entries=256)
def neighbours(db: str, token: tuple[float, int], authority_code: str) -> list[str]:
    """The authority's DfE statistical neighbours, closest first."""
    return compare.neighbours(db, authority_code)
