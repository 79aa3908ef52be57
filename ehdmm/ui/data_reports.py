"""Cached makers for the Reports page: one authority's report (rendered from the profile view
the Authority profile page shows, kept by `ehdmm.ui.data`), the national pack and the zips of
many reports (from the round data the pages keep), and what the page says about them (file
names, measured batch times).

Like `ehdmm.ui.data`, every cache key holds the database path and its last-write token, so a
write makes fresh entries.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd
import streamlit as st

from ehdmm.analysis import core, exports, profile
from ehdmm.export import images, pack, report
from ehdmm.export.report import measured
from ehdmm.scoring import Rule
from ehdmm.ui import cache, data
from ehdmm.ui.state import Selection
from ehdmm.viewer import Viewer
from ehdmm.views import reports
from ehdmm.views.scope import Scope

FORMATS = report.FORMATS
XLSX_MIME, ZIP_MIME = pack.XLSX_MIME, pack.ZIP_MIME
NATIONAL_ONLY, AGGREGATES_TEXT = report.NATIONAL_ONLY, report.AGGREGATES_TEXT
LABELS = {"docx": "Word (.docx)", "pdf": "PDF", "html": "HTML (interactive, offline)"}
BATCH_LABELS = {
    "docx": "Word (.docx)",
    "pdf": "PDF",
    "html": "HTML (static charts, light)",
    "html-interactive": "HTML (interactive charts, about 5 MB each)",
}


@cache.cached(max_entries=12)
def report_file(scope: Scope, fmt: str) -> bytes:
    """The chosen authority's report (docx, pdf or html with interactive charts) as bytes,
    rendered from the profile view of the scope (the one the Authority profile page shows);
    `PermissionError` (naming no authority) when the viewer may not have it."""
    report.check_report_access(scope.viewer, scope.authority)
    return report.render(report.report_from(data.profile_view(scope)), fmt)


def check_report_access(viewer: Viewer, authority: str) -> None:
    """`PermissionError` (naming no authority) when the viewer may not have the report."""
    report.check_report_access(viewer, authority)


def report_file_name(sel: Selection, fmt: str) -> str:
    """E06000023_2026-03_region_gated_report.docx for the sidebar's choice."""
    return report.report_file_name(sel.authority, sel.round_id, sel.peers, sel.rule, fmt)


@cache.cached(max_entries=8)
def national_pack(
    db: str, token: tuple[float, int], viewer: Viewer, round_id: str | None, rule: str
) -> bytes:
    """The national pack (XLSX) of every round, or of `round_id`, from the pages' round data
    of every round."""
    every_round = data.round_data(db, token, None, Rule.of(rule))
    running = reports.running(db, viewer, pack.latest_round(every_round, round_id))
    return pack.national_pack(every_round, viewer, core.import_log(db), round_id, running=running)


def pack_file_name(round_id: str | None, rule: str) -> str:
    return pack.pack_file_name(round_id, rule)


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


def zip_file_name(sel: Selection, choice: str, label: str) -> str:
    """reports_all_2026-03_region_gated_docx.zip (the batch format choice in the name)."""
    return pack.zip_file_name(sel.round_id, sel.peers, sel.rule, choice, label)


def batch_time_text(choice: str, count: int) -> str:
    """What a batch of `count` reports took when measured (all 153 reports, on the benchmark's
    machine), said as measured; '' when no measurement is recorded."""
    return measured.batch_text(choice, count)


def make_zip(
    sel: Selection,
    codes: list[str],
    choice: str,
    progress: Callable[[int, int, str], None],
) -> tuple[bytes, float]:
    """(the zip of the reports of `codes` in the batch format `choice`, seconds it took)."""
    started = time.perf_counter()
    fmt = "html" if choice.startswith("html") else choice
    batch = reports.batch_of(data.of(sel.scope), sel.viewer, sel.db, sel.token, sel.peers, codes)
    made = reports.reports_zip(batch, fmt, progress, interactive=choice == "html-interactive")
    return made, time.perf_counter() - started


def progress_text(done: int, total: int, name: str = "") -> str:
    return pack.progress_text(done, total, name)


def zip_contents(data: bytes) -> pd.DataFrame:
    return pack.zip_contents(data)


@cache.cached
def has_submission(sel: Selection) -> bool:
    """Whether the chosen authority has a current submission in the round."""
    own = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
    return profile.has_submission(own, sel.authority)
