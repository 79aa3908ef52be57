"""The Home page's footer: which ehdmm this is and how far its data reach."""

from __future__ import annotations

import streamlit as st

from ehdmm import __version__
from ehdmm.ui.state import Selection


def footer_text(sel: Selection) -> str:
    """'ehdmm 0.1.0 · data up to round 2026-03' (the latest round with a return the viewer can
    see; rounds are in date order)."""
    data = f"data up to round {sel.rounds[-1]}" if sel.rounds else "no returns in the data yet"
    return f"ehdmm {__version__} · {data}"


def footer(sel: Selection) -> None:
    """Draw the footer at the end of the page."""
    st.divider()
    st.caption(footer_text(sel))
