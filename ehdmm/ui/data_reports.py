"""Cached makers for the Reports page: one authority's report, the national pack.

Like `ehdmm.ui.data`, every cache key holds the database path and its last-write token, so a
write makes fresh entries.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ehdmm.analysis import core, exports, profile
from ehdmm.export import images, pack, report
from ehdmm.ui import cache, data
from ehdmm.ui.state import Selection
from ehdmm.viewer import Viewer


@st.cache_data(show_spinner=False, max_entries=12)
def report_file(
    db: str,
    token: tuple[float, int],
    viewer: Viewer,
    authority: str,
    round_id: str | None,
    peers: str,
    rule: str,
    fmt: str,
) -> bytes:
    """One authority's report (docx, pdf or html) as bytes."""
    return report.report_bytes(db, viewer, authority, round_id, peers, rule, fmt)[1]


@st.cache_data(show_spinner=False, max_entries=8)
def national_pack(
    db: str, token: tuple[float, int], viewer: Viewer, round_id: str | None, rule: str
) -> bytes:
    """The national pack (XLSX) of every round, or of `round_id`."""
    return pack.national_pack(db, viewer, round_id, rule)


def image_problem() -> str | None:
    """None when chart images can be made; otherwise what is missing and how to install it."""
    return images.chromium_problem()


@st.cache_data(show_spinner=False, max_entries=16)
def report_choices(db: str, token: tuple[float, int]) -> tuple[list[str], list[str]]:
    """(regions, LA types) of the reference authorities, for the batch filters."""
    frame = core.authorities(db)
    return exports.choices(frame, "region"), exports.choices(frame, "la_type")


@st.cache_data(show_spinner=False, max_entries=64)
def batch_codes(
    db: str, token: tuple[float, int], regions: tuple[str, ...], la_types: tuple[str, ...]
) -> list[str]:
    """Codes of the reference authorities in the chosen regions and LA types."""
    return exports.filter_codes(core.authorities(db), regions, la_types)


def zip_contents(data: bytes) -> pd.DataFrame:
    return pack.zip_contents(data)


@cache.cached
def has_submission(sel: Selection) -> bool:
    """Whether the chosen authority has a current submission in the round."""
    own = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
    return profile.has_submission(own, sel.authority)
