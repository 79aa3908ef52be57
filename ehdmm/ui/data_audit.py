"""Cached loader of the audit log (national users only; the key holds the viewer) and the
Audit page's built table (see `ehdmm.ui.memo`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from ehdmm import access
from ehdmm.analysis import audit
from ehdmm.ui import memo
from ehdmm.ui.state import Selection
from ehdmm.viewer import Viewer


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=16)
def audit_log(db: str, token: tuple[float, int], viewer: Viewer) -> pd.DataFrame:
    """The whole audit log, newest first; `AccessDenied` for an authority viewer."""
    return access.audit_log(db, viewer)


@dataclass(frozen=True)
class AuditView:
    total: int  # entries in the log
    shown: int  # entries that pass the filters
    table: pd.DataFrame
    choices: dict[str, list[str]]
    first: date | None
    last: date | None


@memo.section
def audit_view(
    sel: Selection,
    actors: tuple[str, ...] = (),
    actions: tuple[str, ...] = (),
    since: date | None = None,
    until: date | None = None,
    text: str = "",
) -> AuditView:
    """The log for people, filtered by who, action, days and text, and the filters' choices."""
    log = audit_log(sel.db, sel.token, sel.viewer)
    if log.empty:
        return AuditView(0, 0, audit.audit_table(log), {}, None, None)
    first, last = audit.date_bounds(log)
    shown = audit.filter_log(
        log, actors=list(actors), actions=list(actions), since=since, until=until, text=text
    )
    return AuditView(
        len(log), len(shown), audit.audit_table(shown), audit.options(log), first, last
    )
