"""One authority's report as data: a frozen `ReportData`, the single input of every renderer
(Word, HTML, PDF), and `ReportInputs`, a round's data read once for some authorities' reports
(see `build` for how they are read and assembled, for every viewer)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

import ehdmm
from ehdmm.access import AccessDenied
from ehdmm.analysis import aggregates, benchmark, profile
from ehdmm.charts import theme
from ehdmm.export.report.wording import (
    OWN_ONLY,
)
from ehdmm.model import Model
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


# --------------------------------------------------------------------------------------------
# A round's data, read once


@dataclass(frozen=True)
class ReportInputs:
    """Everything the reports of some authorities in one round need, read once through the
    viewer. `named`: the viewer sees every authority (the reports name the peer group's
    members, listed in `members`); otherwise `figures` holds each authority's peer aggregates
    after disclosure control."""

    model: Model
    round_id: str
    rule: str
    peers: str
    peers_label: str
    rounds: tuple[str, ...]
    wide: pd.DataFrame  # levels of the round (core.levels)
    wide_all: pd.DataFrame  # levels of every round
    dims: pd.DataFrame  # dimension levels of the round (core.dimensions)
    authorities: pd.DataFrame
    ratings: pd.DataFrame  # authority_code, dimension_id, level, evidence, confidence
    checklist: pd.DataFrame  # authority_code, item_id, in_place, note
    codes: tuple[str, ...]
    demo: bool
    source: str
    named: bool = True
    members: Mapping[str, list[str]] = field(default_factory=dict)  # named reports only
    figures: Mapping[str, aggregates.ReportFigures] = field(default_factory=dict)
    # several respondents: the round's submitted responses' levels (authority_code,
    # dimension_id, level; no one named), for each report's own spread
    response_levels: pd.DataFrame = field(default_factory=pd.DataFrame)

    @cached_property
    def strand_tidy(self) -> pd.DataFrame:
        """Tidy strand levels of the round (the same for every authority's report)."""
        return profile.item_tidy(self.wide, self.dims, self.model, "strand")

    @cached_property
    def dimension_tidy(self) -> pd.DataFrame:
        """Tidy dimension levels of the round."""
        return profile.item_tidy(self.wide, self.dims, self.model, "dimension")

    @cached_property
    def england(self) -> list[str]:
        return sorted(self.authorities["code"])

    def figures_for(self, code: str) -> aggregates.ReportFigures:
        """The peer and England figures of `code`'s report: given (aggregates under disclosure
        control) or, for named reports, computed from the round's data with the functions
        of `aggregates.report_figures`, unrestricted."""
        if code in self.figures:
            return self.figures[code]
        if not self.named:
            raise ReportError(f"no peer aggregates were loaded for {code}")
        members, model = self.members[code], self.model
        tidy = {"strand": self.strand_tidy, "dimension": self.dimension_tidy}
        medians = {
            f"{prefix}:{items}": aggregates.medians_of(
                frame, group, code, list(profile.item_names(model, items)), restrict=False
            )
            for prefix, group in (("peer", members), ("england", self.england))
            for items, frame in tidy.items()
        }
        dist = benchmark.distribution(tidy["strand"], members, code, model, "strand")
        own = benchmark.own_levels(tidy["strand"], code, list(profile.item_names(model, "strand")))
        return aggregates.ReportFigures(
            counts=aggregates.group_counts_of(self.wide, code, members, restrict=False),
            england=aggregates.group_counts_of(self.wide, code, self.england, restrict=False),
            rank=aggregates.rank_of(self.wide, code, members, restrict=False),
            index=aggregates.index_summary_of(self.wide, code, members, restrict=False),
            distribution=aggregates.protect_distribution(
                dist, own, code in members, restrict=False
            ),
            medians=medians,
        )
