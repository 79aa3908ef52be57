"""One authority's report as data: a frozen `ReportData`, the single input of every renderer
(Word, HTML, PDF), made from the authority's profile view by `build.report_from`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

import ehdmm
from ehdmm.access import AccessDenied
from ehdmm.analysis import profile
from ehdmm.analysis.plans import PriorityCard
from ehdmm.charts import theme
from ehdmm.export.report.wording import OWN_ONLY
from ehdmm.viewer import Viewer

FORMATS: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html",
}


class ReportError(ValueError):
    """A report that cannot be made as asked (unknown round, authority or peer group)."""


# --------------------------------------------------------------------------------------------
# What a report holds


@dataclass(frozen=True)
class ReportChart:
    """One chart of the report: its figure, the data behind it, a one-sentence summary of
    what it shows (its caption) and its own text alternative (alt text)."""

    key: str
    heading: str
    figure: go.Figure
    table: pd.DataFrame
    summary: str
    stem: str
    alt: str = ""

    @property
    def alt_text(self) -> str:
        """The picture's alt text: what it is and what it shows, as sentences."""
        return self.alt or self.summary


@dataclass(frozen=True)
class ReportTable:
    title: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True)
class ReportData:
    """One authority's benchmark report, ready to render (Word, HTML, PDF)."""

    authority: str
    authority_name: str
    region: str
    la_type: str
    la_number: int | None
    round_id: str
    rule: str
    peers: str
    peers_label: str
    demo: bool
    generated: date
    source: str
    has_submission: bool
    in_group: bool
    overall: str
    index: str
    rank: str
    percentile: str
    rank_n: int
    member_count: int
    n: int | None  # members with a submission; None when suppressed
    strands: pd.DataFrame  # the strand comparison (profile.comparison_table)
    position: str
    index_summary: str
    charts: tuple[ReportChart, ...]
    cards: tuple[profile.StrandCard, ...]
    evidence: pd.DataFrame
    checklist: pd.DataFrame
    checklist_intro: str
    tables: tuple[ReportTable, ...]
    notices: tuple[str, ...]
    caveats: tuple[str, ...]
    trajectory_summary: str = ""
    rank_sentence: str = ""  # the rank in words (`ehdmm.wording.rank_words`), or why not shown
    # targets and the improvement plan: priorities against the peers (a table and the top
    # dimensions' cards), progress against the targets in the round, the plan's actions
    priorities: pd.DataFrame | None = None
    priority_cards: tuple[PriorityCard, ...] = ()
    progress: pd.DataFrame | None = None
    plan: pd.DataFrame | None = None
    named: bool = True  # the peer group's members are named (a national viewer's report)
    version: str = ehdmm.__version__
    # several respondents: counts per level per dimension beside the agreed level, no one named
    spread: pd.DataFrame = field(default_factory=pd.DataFrame)
    respondents: int = 0  # submitted responses the spread counts

    @property
    def title(self) -> str:
        return f"Data maturity benchmark report: {self.authority_name}"

    @property
    def subtitle(self) -> str:
        return f"Round {self.round_id} · peer group: {self.peers_label} · scoring rule: {self.rule}"

    @property
    def description(self) -> str:
        """What the document is, for its properties (Word, PDF, HTML)."""
        return (
            f"Benchmark report of {self.authority_name}'s self-assessment against the Data "
            f"Maturity Model for Early Help Services: round {self.round_id}, peer group "
            f"{self.peers_label}, scoring rule {self.rule}. Made by ehdmm {self.version}."
        )

    @property
    def running_head(self) -> str:
        """The short line at the top of every printed page."""
        return f"{self.authority_name} · round {self.round_id} · {self.peers_label}"

    def chart(self, key: str) -> ReportChart:
        return next(c for c in self.charts if c.key == key)


def report_file_name(
    authority: str, round_id: str | None, peers: str, rule: str, fmt: str, suffix: str = ""
) -> str:
    """E08000035_2026-03_neighbours_gated_report.docx: the peer group is in the name, so that
    the reports of one authority for two peer groups do not overwrite each other."""
    return f"{theme.file_stem(authority, round_id, peers, rule, 'report' + suffix)}.{fmt}"


def file_name(report: ReportData, fmt: str, suffix: str = "") -> str:
    """The report's file name in `fmt` (see `report_file_name`)."""
    return report_file_name(
        report.authority, report.round_id, report.peers, report.rule, fmt, suffix
    )


def check_format(fmt: str) -> str:
    """`fmt` if it is a report format (docx, pdf, html); `ReportError` otherwise."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format '{fmt}' (use {', '.join(FORMATS)})")
    return fmt


def check_report_access(viewer: Viewer, authority: str) -> None:
    """A national viewer may have any authority's report; an authority viewer its own only
    (`AccessDenied`, a `PermissionError`, with a message that names no authority)."""
    if not viewer.can_see(authority):
        raise AccessDenied(OWN_ONLY)
