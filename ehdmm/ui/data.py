"""Cached wrappers around ehdmm.analysis for pages.

Every cache key holds the database path and its last-write token, so a write (an import, a
submission) makes fresh entries, while widget changes rerun from cache.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ehdmm.analysis import core
from ehdmm.database import app_database
from ehdmm.storage import last_write_token, resolve_db_path
from ehdmm.ui import memo
from ehdmm.viewer import Viewer


def database_path() -> str:
    """The app's database (EHDMM_DB, else data/ehdmm.duckdb). Only the default path is created
    (with demo data) when no file exists; another missing path is a `StoreError` saying how to
    make one."""
    return str(app_database(resolve_db_path()))


def token(db: str) -> tuple[float, int]:
    return last_write_token(db)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def authorities(db: str, token: tuple[float, int]) -> pd.DataFrame:
    return core.authorities(db)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def custom_group_names(db: str, token: tuple[float, int]) -> list[str]:
    return core.custom_group_names(db)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def rounds(db: str, token: tuple[float, int], viewer: Viewer) -> list[str]:
    return core.rounds_with_submissions(db, viewer)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def is_demo(db: str, token: tuple[float, int]) -> bool:
    return core.is_demo(db)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=128)
def levels(
    db: str, token: tuple[float, int], viewer: Viewer, round_id: str | None, rule: str
) -> pd.DataFrame:
    return core.levels(db, viewer, round_id, rule)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=128)
def dimensions(
    db: str, token: tuple[float, int], viewer: Viewer, round_id: str | None
) -> pd.DataFrame:
    return core.dimensions(db, viewer, round_id)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=256)
def peer_codes(
    db: str, token: tuple[float, int], viewer: Viewer, authority_code: str, group_key: str
) -> list[str]:
    return core.peer_codes(db, viewer, authority_code, group_key)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def authority_labels(db: str, token: tuple[float, int]) -> dict[str, str]:
    return core.authority_labels(core.authorities(db))


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def authority_names(db: str, token: tuple[float, int]) -> dict[str, str]:
    frame = core.authorities(db)
    return dict(zip(frame["code"], frame["name"], strict=True))


@dataclass(frozen=True)
class Catalogue:
    """What the sidebar offers: every authority's picker label and name, the rounds the viewer
    can see, the custom peer groups, and whether the data are the synthetic demo set."""

    labels: dict[str, str]
    names: dict[str, str]
    rounds: list[str]
    groups: list[str]
    demo: bool


@memo.section
def catalogue(db: str, token: tuple[float, int], viewer: Viewer) -> Catalogue:
    """The sidebar's choices, built once per database state and viewer (one object instead of
    five cache look-ups, each a copy, on every rerun)."""
    return Catalogue(
        labels=authority_labels(db, token),
        names=authority_names(db, token),
        rounds=rounds(db, token, viewer),
        groups=custom_group_names(db, token),
        demo=is_demo(db, token),
    )
