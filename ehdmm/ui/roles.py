"""Which pages a role may open: the national-only pages stop, for an authority user, with a
plain message before anything is loaded."""

from __future__ import annotations

import streamlit as st

from ehdmm.analysis import aggregates
from ehdmm.viewer import Viewer

NATIONAL_ONLY = "This page is for the national team."


def national_only(viewer: Viewer) -> None:
    """Stop the page with a plain message unless the viewer is on the national team."""
    if not viewer.sees_all:
        st.info(NATIONAL_ONLY)
        st.stop()


def suppressed_note(reason: str | None = None) -> None:
    """The plain note shown in place of a suppressed peer aggregate."""
    st.info(aggregates.suppressed_note(reason), icon="🔒")
