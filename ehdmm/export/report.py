"""The authority benchmark report: one authority, round, peer group and scoring rule, as a Word
document (python-docx), a PDF (fpdf2) or a self-contained offline HTML file.

`load_inputs` reads a round's data once (levels, dimension levels, ratings, checklist answers,
peer groups); `build_report` assembles one authority's `ReportData` from it with the same
analysis and chart functions as the Authority profile and Peer benchmark pages; `report_data`
does both for one authority. `outline` turns a report into an ordered list of blocks (headings,
paragraphs, charts, tables) that each renderer walks, so the three formats hold the same content.
Charts become PNG pictures (scale 2, through the one warm browser of `images.figure_bytes`) in
Word and PDF, and interactive plotly charts in HTML (plotly.js inline: no network needed).
"""

from __future__ import annotations

import functools
import html
import io
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ehdmm import disclosure, scoring, wording
from ehdmm import peers as peer_groups
from ehdmm.access import AccessDenied
from ehdmm.analysis import aggregates, benchmark, core, profile
from ehdmm.charts import benchmark as benchmark_charts
from ehdmm.charts import profile as profile_charts
from ehdmm.charts import theme
from ehdmm.export import images
from ehdmm.model import Model, load_model
from ehdmm.scoring import Rule
from ehdmm.storage import connect, submissions
from ehdmm.storage import exports as store
from ehdmm.storage import reference as ref
from ehdmm.viewer import Viewer

FORMATS: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html",
}
SELF_ASSESSED = wording.RANKING_CAVEAT
DEMO_WARNING = wording.DEMO_NOTE
INDEX_TEXT = wording.INDEX_TEXT
NATIONAL_ONLY = (
    "The national pack, reports for many authorities (zips) and reports that name the peer "
    "group's members are for the national team; an authority user gets its own authority's "
    "report, with its peers as aggregates under disclosure control."
)
OWN_ONLY = (
    "You can get your own authority's report only: other authorities are shown to you as peer "
    "aggregates, never by name."
)
AGGREGATES_TEXT = (
    "Peer-group and England figures are aggregates under disclosure control: no other "
    "authority is named, listed or shown as a point."
)
DEJAVU_DIR = Path(os.environ.get("EHDMM_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
CHART_WIDTH = 1100  # px of every chart image (scale 2 doubles it)
TABS = 4  # tabs of the one warm browser that draw a report's charts side by side
PDF_PICTURE_COMPRESSION = 1  # zlib level of the PDF's pictures (see `pdf_bytes`)


class ReportError(ValueError):
    """A report that cannot be made as asked (unknown round, authority or peer group)."""


# --------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class ReportInputs:
    """Everything any authority's report in one round needs, loaded once."""

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
    members: Mapping[str, list[str]]  # peer-group members per authority code
    demo: bool
    source: str

    @cached_property
    def strand_tidy(self) -> pd.DataFrame:
        """Tidy strand levels of the round (the same for every authority's report)."""
        return profile.item_tidy(self.wide, self.dims, self.model, "strand")

    @cached_property
    def dimension_tidy(self) -> pd.DataFrame:
        """Tidy dimension levels of the round."""
        return profile.item_tidy(self.wide, self.dims, self.model, "dimension")


@dataclass(frozen=True)
class ReportChart:
    """One chart of the report: its figure, the data behind it and a one-sentence text
    alternative (alt text)."""

    key: str
    heading: str
    figure: go.Figure
    table: pd.DataFrame
    summary: str
    stem: str


@dataclass(frozen=True)
class ReportTable:
    title: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True)
class ReportData:
    """One authority's benchmark report, ready to render."""

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

    @property
    def title(self) -> str:
        return f"Data maturity benchmark report: {self.authority_name}"

    @property
    def subtitle(self) -> str:
        return f"Round {self.round_id} · peer group: {self.peers_label} · scoring rule: {self.rule}"

    def chart(self, key: str) -> ReportChart:
        return next(c for c in self.charts if c.key == key)


def report_file_name(authority: str, round_id: str | None, rule: str, fmt: str) -> str:
    """E06000023_2026-03_report_gated.docx"""
    return f"{theme.file_stem(authority, round_id, 'report', rule)}.{fmt}"


def file_name(report: ReportData, fmt: str) -> str:
    """The report's file name in `fmt` (see `report_file_name`)."""
    return report_file_name(report.authority, report.round_id, report.rule, fmt)


def check_format(fmt: str) -> str:
    """`fmt` if it is a report format (docx, pdf, html); `ReportError` otherwise."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format '{fmt}' (use {', '.join(FORMATS)})")
    return fmt


def load_inputs(
    db: core.Db,
    viewer: Viewer,
    round_id: str | None,
    peers: str,
    rule: str,
    codes: Sequence[str] | None = None,
    model: Model | None = None,
) -> ReportInputs:
    """A round's data for the reports of `codes` (default: every authority), read once.
    `round_id` None means the latest round with a submission. National viewers only: the
    report names the peer group's members (`PermissionError` otherwise)."""
    if not viewer.sees_all:
        raise PermissionError(NATIONAL_ONLY)
    model = model or load_model()
    with connect(db) as conn:  # one connection for every read (opening one takes ~15 ms)
        group, rounds, round_id = _check_request(conn, round_id, peers, rule)
        authorities = ref.authorities(conn)
        known = set(authorities["code"])
        codes = list(authorities["code"]) if codes is None else list(codes)
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ReportError(f"unknown authority code(s): {', '.join(unknown)}")
        levels = scoring.authority_levels(conn, viewer, None, rule, model)
        wide_all = core.with_meta(levels, authorities)
        dims = scoring.dimension_levels(conn, viewer, round_id)
        members = {c: peer_groups.peer_members(conn, viewer, c, group) for c in codes}
        ratings = store.round_ratings(conn, viewer, round_id)
        checklist = store.round_checklist(conn, viewer, round_id)
        demo = submissions.is_demo(conn)
    wide = wide_all[wide_all["round_id"] == round_id].reset_index(drop=True)
    ratings["level"] = ratings["level"].astype("Int64")
    path = Path(os.fspath(db)) if db is not None else None
    source = f"ehdmm database {path.name}" if path is not None else "ehdmm database"
    return ReportInputs(
        model=model,
        round_id=round_id,
        rule=rule,
        peers=group.key,
        peers_label=group.label,
        rounds=rounds,
        wide=wide,
        wide_all=wide_all,
        dims=dims,
        authorities=authorities,
        ratings=ratings,
        checklist=checklist,
        members=members,
        demo=demo,
        source=source,
    )


def _check_request(
    conn: duckdb.DuckDBPyConnection, round_id: str | None, peers: str, rule: str
) -> tuple[peer_groups.PeerGroup, tuple[str, ...], str]:
    """(peer group, rounds with submissions, the round) of a report request; `ReportError`
    for an unknown rule, peer group or round."""
    try:
        Rule.of(rule)
        group = peer_groups.parse_peer_group(peers)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    rounds = tuple(core.current_rounds(conn))
    if not rounds:
        raise ReportError(
            "No self-assessments have been submitted yet: there is nothing to report."
        )
    round_id = round_id or rounds[-1]
    if round_id not in rounds:
        raise ReportError(
            f"round '{round_id}' has no current submissions (rounds with submissions: "
            f"{', '.join(rounds)})"
        )
    if group.kind == "custom" and group.custom_name not in set(ref.custom_groups(conn)["name"]):
        raise ReportError(f"there is no custom peer group '{group.custom_name}'")
    return group, rounds, round_id


def check_report_access(viewer: Viewer, authority: str) -> None:
    """A national viewer may have any authority's report; an authority viewer its own only
    (`AccessDenied`, a `PermissionError`, with a message that names no authority)."""
    if not viewer.can_see(authority):
        raise AccessDenied(OWN_ONLY)


def _own(frame: pd.DataFrame, code: str, columns: list[str]) -> pd.DataFrame:
    return frame.loc[frame["authority_code"] == code, columns].reset_index(drop=True)


def _level_charts(
    values: pd.DataFrame,
    table: pd.DataFrame,
    options: dict,
    code: str,
    model: Model,
    charts: list[ReportChart],
    notices: list[str],
) -> None:
    """The radar and its dot plot of the dimension levels against the medians (`options` are
    the chart functions' keywords), appended to `charts`; a notice for unrated dimensions."""
    name, peers_label = options["authority_name"], options["peers_label"]
    round_id, rule = options["round_id"], options["rule"]
    summary = profile.comparison_summary(values, name, peers_label, "dimension")
    missing = profile.missing_items(values)
    if missing:
        notices.append(
            f"{name} has no level for: {', '.join(missing)} (incomplete: a gap in the radar, "
            "'incomplete' in the dot plot and tables)."
        )
    for key, heading, make in (
        ("radar", "Radar: level by dimension", profile_charts.radar),
        ("dots", "The same levels as a dot plot", profile_charts.dot_plot),
    ):
        charts.append(
            ReportChart(
                key,
                heading,
                make(values, model, **options),
                table,
                summary,
                theme.file_stem(code, round_id, f"{key}-dimension", rule),
            )
        )


def _distribution_chart(
    dist: pd.DataFrame,
    code: str,
    name: str,
    peers_label: str,
    round_id: str | None,
    rule: str,
    n: int | None,
    has_submission: bool,
    model: Model,
    charts: list[ReportChart],
) -> pd.DataFrame:
    """The peer group's members at each level per strand, appended to `charts`; its table."""
    table = benchmark.distribution_table(dist, name)
    charts.append(
        ReportChart(
            "distribution",
            f"Members at each level, by strand ({peers_label})",
            benchmark_charts.distribution_chart(
                dist,
                model,
                round_id=round_id,
                n=n,
                rule=rule,
                authority_name=name,
                peers_label=peers_label,
                has_submission=has_submission,
            ),
            table,
            benchmark.distribution_summary(dist),
            theme.file_stem(code, round_id, "distribution-strand", rule),
        )
    )
    return table


def _trajectory(
    wide_all: pd.DataFrame,
    rounds: Sequence[str],
    code: str,
    name: str,
    round_id: str | None,
    rule: str,
    model: Model,
    charts: list[ReportChart],
) -> tuple[pd.DataFrame, str]:
    """(table, summary) of one authority's trajectory over the rounds; its chart is appended
    to `charts` when it has a submission in any round."""
    traj = profile.trajectory(wide_all, code, rounds, model)
    table = profile.trajectory_table(traj, model)
    summary = profile.trajectory_summary(traj, name, model)
    if profile.submitted_rounds(traj):
        charts.append(
            ReportChart(
                "trajectory",
                "Overall level and maturity index by round",
                profile_charts.trajectory_chart(
                    traj,
                    model,
                    round_id=round_id,
                    n=None,
                    rule=rule,
                    authority_name=name,
                    mode="overall",
                ),
                table,
                summary,
                theme.file_stem(code, round_id, "trajectory-overall", rule),
            )
        )
    return table, summary


def build_report(inputs: ReportInputs, code: str, today: date | None = None) -> ReportData:
    """One authority's report from a round's data (no database access)."""
    model, round_id, rule = inputs.model, inputs.round_id, inputs.rule
    peers_label = inputs.peers_label
    if code not in inputs.members:
        raise ReportError(f"{code} is not among the authorities loaded for these reports")
    meta = inputs.authorities.set_index("code").loc[code]
    name = str(meta["name"])
    members = inputs.members[code]
    wide, dims = inputs.wide, inputs.dims
    has_submission = profile.has_submission(wide, code)
    member_count, n = benchmark.group_counts(wide, members)
    charts: list[ReportChart] = []
    notices: list[str] = []

    # headline and the comparisons behind the radar and the dot plot
    head = profile.headline(wide, code, members, model)
    words = wording.rank_words(head.rank)
    rank_text, percentile_text = words.rank, words.percentile
    strand_tidy = inputs.strand_tidy
    strand_values = profile.comparison(strand_tidy, code, members, model, "strand")
    strands = profile.comparison_table(strand_values, name, peers_label)
    dim_tidy = inputs.dimension_tidy
    values = profile.comparison(dim_tidy, code, members, model, "dimension")
    comparison_table = profile.comparison_table(values, name, peers_label)
    if has_submission:
        options = {
            "round_id": round_id,
            "n": len(profile.submitted(dim_tidy, members)),
            "rule": rule,
            "authority_name": name,
            "peers_label": peers_label,
            "england_n": len(profile.submitted(dim_tidy)),
        }
        _level_charts(values, comparison_table, options, code, model, charts, notices)
    else:
        notices.append(
            f"{name} has no current submission in round {round_id}: the report shows its peer "
            "group without its own position, and its trajectory."
        )
    if not head.in_group:
        notices.append(
            f"{name} is not a member of {peers_label}: its own level is marked for comparison "
            "but not counted."
        )

    # peer distributions
    dist = benchmark.distribution(strand_tidy, members, code, model, "strand")
    distribution_table = _distribution_chart(
        dist, code, name, peers_label, round_id, rule, n, has_submission, model, charts
    )
    points = benchmark.index_points(wide, members, code)

    # trajectory
    trajectory_table, trajectory_summary = _trajectory(
        inputs.wide_all, inputs.rounds, code, name, round_id, rule, model, charts
    )

    # what the next level asks; evidence and checklist
    cards = tuple(profile.strand_cards(dims, strand_tidy, code, model)) if has_submission else ()
    evidence = profile.evidence_table(
        _own(inputs.ratings, code, ["dimension_id", "level", "evidence", "confidence"]), model
    )
    answers = profile.checklist_table(
        _own(inputs.checklist, code, ["item_id", "in_place", "note"]), model
    )

    peer_table = benchmark.peer_table(wide, inputs.authorities, members, model, code)
    against = "England" if peers_label == "England" else f"{peers_label} and England"
    tables = [
        ReportTable(f"Levels by dimension: {name}, {against}", comparison_table),
        ReportTable(f"Levels by strand: {name}, {against}", strands),
        ReportTable(f"Members at each level, by strand ({peers_label})", distribution_table),
        ReportTable(f"{name}: trajectory across rounds", trajectory_table),
        ReportTable(
            f"The peer group: {peers_label}",
            peer_table,
            note=f"{member_count} members, {n} with a submission in round {round_id}. "
            + SELF_ASSESSED,
        ),
    ]
    caveats = [
        SELF_ASSESSED,
        f"Scoring rule {Rule(rule).explanation}. A strand with a dimension not rated has no level "
        "(incomplete); nothing is averaged over fewer dimensions.",
        INDEX_TEXT,
        "Rank and percentile: among the members of the peer group with a complete return, by "
        "maturity index (1 = highest; ties share the best rank).",
    ]
    if inputs.demo:
        caveats.insert(0, DEMO_WARNING)
    la_number = meta["la_number"]
    return ReportData(
        authority=code,
        authority_name=name,
        region=str(meta["region"]),
        la_type=str(meta["la_type"]),
        la_number=None if pd.isna(la_number) else int(la_number),
        round_id=round_id,
        rule=rule,
        peers=inputs.peers,
        peers_label=peers_label,
        demo=inputs.demo,
        generated=today or date.today(),
        source=inputs.source,
        has_submission=has_submission,
        in_group=head.in_group,
        overall=head.overall,
        index=head.index,
        rank=rank_text,
        percentile=percentile_text,
        rank_n=head.rank.n,
        member_count=member_count,
        n=n,
        strands=strands,
        position=benchmark.position_text(dist, name, model, has_submission),
        index_summary=benchmark.index_summary(points, name),
        charts=tuple(charts),
        cards=cards,
        evidence=evidence,
        checklist=answers,
        checklist_intro=model.checklist_intro,
        tables=tuple(tables),
        notices=tuple(notices),
        caveats=tuple(caveats),
        trajectory_summary=trajectory_summary,
    )


def report_data(
    db: core.Db,
    viewer: Viewer,
    authority: str,
    round_id: str | None,
    peers: str,
    rule: str,
    today: date | None = None,
) -> ReportData:
    """One authority's report. A national viewer gets the report that names the peer group's
    members (`load_inputs` and `build_report`); an authority viewer gets its own authority's
    report with every peer and England figure an aggregate under disclosure control
    (`own_report_data`), and `AccessDenied` for any other authority."""
    check_report_access(viewer, authority)
    if not viewer.sees_all:
        return own_report_data(db, viewer, authority, round_id, peers, rule, today)
    inputs = load_inputs(db, viewer, round_id, peers, rule, [authority])
    return build_report(inputs, authority, today)


def own_report_data(
    db: core.Db,
    viewer: Viewer,
    authority: str,
    round_id: str | None,
    peers: str,
    rule: str,
    today: date | None = None,
    model: Model | None = None,
) -> ReportData:
    """The report of the viewer's own authority: its own levels, evidence, checklist and
    trajectory read through the viewer; every peer-group and England figure (medians, the
    distribution with suppressed cells, rank, the quartiles of the index, counts) from
    `ehdmm.analysis.aggregates` only. Nothing in it names, lists or plots another authority.
    `AccessDenied` when the viewer may not see `authority` by name."""
    check_report_access(viewer, authority)
    model = model or load_model()
    with connect(db) as conn:
        group, rounds, round_id = _check_request(conn, round_id, peers, rule)
        authorities = ref.authorities(conn)
    if authority not in set(authorities["code"]):
        raise ReportError(f"unknown authority code(s): {authority}")
    meta = authorities.set_index("code").loc[authority]
    name, code, peers_label = str(meta["name"]), authority, group.label
    wide_all = core.levels(db, viewer, None, rule, model)
    wide_all = wide_all[wide_all["authority_code"] == code].reset_index(drop=True)
    wide = wide_all[wide_all["round_id"] == round_id].reset_index(drop=True)
    dims = core.dimensions(db, viewer, round_id)
    dims = dims[dims["authority_code"] == code].reset_index(drop=True)
    figures = aggregates.report_figures(db, viewer, code, group.key, round_id, rule, model)
    has_submission = profile.has_submission(wide, code)
    counts, n = figures.counts, figures.counts.submitted
    charts: list[ReportChart] = []
    notices: list[str] = []
    suppressed = aggregates.suppressed_note()

    def compared(items: profile.Items) -> pd.DataFrame:
        return profile.comparison_from(
            profile.item_tidy(wide, dims, model, items),
            code,
            figures.medians[f"peer:{items}"],
            figures.medians[f"england:{items}"],
            model,
            items,
        )

    overall, index, in_group = profile.own_headline(wide, code, counts.in_group, model)
    words = wording.rank_words(figures.rank)
    rank_text, percentile_text = words.rank, words.percentile
    strand_values = compared("strand")
    strands = profile.comparison_table(strand_values, name, peers_label)
    values = compared("dimension")
    comparison_table = profile.comparison_table(values, name, peers_label)
    notes = profile.median_notes(values, suppressed)
    if has_submission:
        options = {
            "round_id": round_id,
            "n": n,
            "rule": rule,
            "authority_name": name,
            "peers_label": peers_label,
            "england_n": figures.england.submitted,
            "peer_note": notes["peer"],
            "england_note": notes["england"],
        }
        for prefix, label in (("peer", peers_label), ("england", "England")):
            if notes[prefix]:
                notices.append(f"{label} median: {notes[prefix]}")
        _level_charts(values, comparison_table, options, code, model, charts, notices)
    else:
        notices.append(
            f"{name} has no current submission in round {round_id}: the report shows its peer "
            "group's aggregates without its own position, and its trajectory."
        )
    if not in_group:
        notices.append(
            f"{name} is not a member of {peers_label}: its own level is marked for comparison "
            "but not counted."
        )
    if n is None:
        notices.append(f"{peers_label}, members with a submission: {suppressed}")

    dist = figures.distribution
    distribution_table = _distribution_chart(
        dist, code, name, peers_label, round_id, rule, n, has_submission, model, charts
    )
    quartiles = figures.index
    if quartiles is None:
        index_text = f"The maturity index of {peers_label}: {suppressed}."
        index_table = pd.DataFrame(
            {
                "Statistic": ["Lower quartile", "Median", "Upper quartile", name],
                "Maturity index": [disclosure.SUPPRESSED] * 3 + [index or benchmark.NO_INDEX],
            }
        )
    else:
        index_text = benchmark.index_quartiles_summary(quartiles, name)
        index_table = benchmark.index_quartiles_table(quartiles, name)

    trajectory_table, trajectory_summary = _trajectory(
        wide_all, rounds, code, name, round_id, rule, model, charts
    )

    strand_tidy = profile.item_tidy(wide, dims, model, "strand")
    cards = tuple(profile.strand_cards(dims, strand_tidy, code, model)) if has_submission else ()
    evidence = profile.evidence_table(profile.ratings(db, viewer, code, round_id), model)
    answers = profile.checklist_table(profile.checklist(db, viewer, code, round_id), model)
    against = "England" if peers_label == "England" else f"{peers_label} and England"
    tables = [
        ReportTable(f"Levels by dimension: {name}, {against}", comparison_table),
        ReportTable(f"Levels by strand: {name}, {against}", strands),
        ReportTable(
            f"Members at each level, by strand ({peers_label})",
            distribution_table,
            note=benchmark.suppression_rules(),
        ),
        ReportTable(f"{name}: trajectory across rounds", trajectory_table),
        ReportTable(
            f"Maturity index of {peers_label}: quartiles",
            index_table,
            note=benchmark.members_text(counts.members, peers_label, in_group)
            + f" Members with a submission in round {round_id}: "
            + benchmark.count_text(n)
            + ". "
            + AGGREGATES_TEXT,
        ),
    ]
    caveats = [
        SELF_ASSESSED,
        AGGREGATES_TEXT + " " + benchmark.suppression_rules(),
        f"Scoring rule {Rule(rule).explanation}. A strand with a dimension not rated has no level "
        "(incomplete); nothing is averaged over fewer dimensions.",
        INDEX_TEXT,
        "Rank and percentile: among the members of the peer group with a complete return, by "
        "maturity index (1 = highest; ties share the best rank); "
        + profile.rank_caption(figures.rank, peers_label, disclosure.threshold()),
    ]
    demo = core.is_demo(db)
    if demo:
        caveats.insert(0, DEMO_WARNING)
    la_number = meta["la_number"]
    path = Path(os.fspath(db)) if db is not None else None
    return ReportData(
        authority=code,
        authority_name=name,
        region=str(meta["region"]),
        la_type=str(meta["la_type"]),
        la_number=None if pd.isna(la_number) else int(la_number),
        round_id=round_id,
        rule=rule,
        peers=group.key,
        peers_label=peers_label,
        demo=demo,
        generated=today or date.today(),
        source=f"ehdmm database {path.name}" if path is not None else "ehdmm database",
        has_submission=has_submission,
        in_group=in_group,
        overall=overall,
        index=index,
        rank=rank_text,
        percentile=percentile_text,
        rank_n=figures.rank.n if figures.rank is not None else 0,
        member_count=counts.members,
        n=n,
        strands=strands,
        position=benchmark.position_text(dist, name, model, has_submission),
        index_summary=index_text,
        charts=tuple(charts),
        cards=cards,
        evidence=evidence,
        checklist=answers,
        checklist_intro=model.checklist_intro,
        tables=tuple(tables),
        notices=tuple(notices),
        caveats=tuple(caveats),
        trajectory_summary=trajectory_summary,
    )


# --------------------------------------------------------------------------------------------
# The document as blocks


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0 title, 1, 2, 3
    landscape: bool | None = None  # a level-1 heading starting a landscape (True) or portrait
    # (False) part; None keeps the page as it is


@dataclass(frozen=True)
class Para:
    text: str
    label: str = ""  # written in bold before the text
    kind: str = "body"  # body, note, warning


@dataclass(frozen=True)
class Chart:
    chart: ReportChart


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    caption: str = ""


@dataclass(frozen=True)
class Contents:
    """A table of contents (Word: a TOC field; HTML: links; PDF: the document outline)."""


Block = Heading | Para | Chart | Table | Contents


def _rank_text(report: ReportData) -> str:
    if report.rank == disclosure.SUPPRESSED:
        return (
            f"{disclosure.SUPPRESSED} (fewer than {disclosure.threshold()} other members with a "
            "complete return)"
        )
    if report.rank == "–":
        return "no rank (incomplete return)"
    return (
        f"{report.rank} (percentile {report.percentile}), by maturity index among the members "
        "with a complete return"
    )


def outline(report: ReportData) -> list[Block]:
    """The report's content in order: what every format renders."""
    blocks: list[Block] = [
        Heading(report.title, 0),
        Para(report.subtitle),
        Para(
            f"{report.authority_name} ({report.authority}"
            + (f", DfE {report.la_number}" if report.la_number is not None else "")
            + f"), {report.la_type}, {report.region}. Generated {report.generated.isoformat()}."
        ),
    ]
    if report.demo:
        blocks.append(Para(DEMO_WARNING, kind="warning"))
    blocks.append(Para(SELF_ASSESSED, kind="note"))
    blocks.append(Contents())
    for notice in report.notices:
        blocks.append(Para(notice, kind="note"))

    blocks.append(Heading("Summary", 1))
    if report.has_submission:
        blocks += [
            Para(report.overall, label=f"Overall level ({report.rule} rule): "),
            Para(report.index or "none (incomplete return)", label="Maturity index: "),
            Para(
                _rank_text(report),
                label=f"Rank in {report.peers_label}: ",
            ),
        ]
    else:
        blocks.append(Para(f"No current submission in round {report.round_id}."))
    blocks.append(Table(report.strands, f"Levels by strand ({report.rule} rule)"))
    blocks.append(Para(INDEX_TEXT, kind="note"))

    if report.has_submission:
        blocks.append(Heading("Levels against the peer group and England", 1))
        for key in ("radar", "dots"):
            chart = report.chart(key)
            blocks += [Heading(chart.heading, 2), Chart(chart)]

    blocks.append(Heading("Where it sits in the peer group", 1))
    blocks.append(Para(report.position))
    distribution = report.chart("distribution")
    blocks += [Heading(distribution.heading, 2), Chart(distribution)]
    blocks += [
        Heading("Maturity index", 2),
        Para(report.index_summary),
        Para(INDEX_TEXT, kind="note"),
    ]

    blocks.append(Heading("Trajectory across rounds", 1))
    trajectory = [c for c in report.charts if c.key == "trajectory"]
    if trajectory:
        blocks.append(Chart(trajectory[0]))
    else:
        blocks.append(Para(report.trajectory_summary))

    if report.cards:
        blocks.append(Heading("Where it is, and what the next level asks", 1))
        blocks.append(
            Para(
                f"Strand levels under the {report.rule} rule. For each dimension: the descriptor "
                "of its current level and of the next one, from the model; and the strand's "
                "MEASURES."
            )
        )
        for card in report.cards:
            blocks.append(Heading(card.name, 2))
            blocks.append(Para(card.level_name, label="Strand level: "))
            for dim in card.dimensions:
                blocks.append(Heading(f"{dim.name}: {dim.level_name}", 3))
                if dim.current:
                    blocks.append(Para(dim.current, label=f"Now ({dim.level_name}): "))
                blocks.append(Para(dim.next_text, label=f"{dim.next_heading}: "))
            blocks.append(Para(card.measures, label="MEASURES: "))
            if card.measures_incomplete:
                blocks.append(
                    Para(
                        f"This strand's MEASURES are incomplete: {profile.MEASURES_ILLEGIBLE}.",
                        kind="note",
                    )
                )

    if report.has_submission:
        blocks += [
            Heading("Evidence notes", 1),
            Para("The authority's own words, as submitted with its return."),
            Table(report.evidence),
            Heading("Pre-model checklist", 1),
        ]
        if report.checklist_intro:
            blocks.append(Para(report.checklist_intro, kind="note"))
        blocks.append(Table(report.checklist))

    blocks.append(Heading("Data tables", 1, landscape=True))
    for table in report.tables:
        blocks.append(Heading(table.title, 2))
        blocks.append(Table(table.frame))
        if table.note:
            blocks.append(Para(table.note, kind="note"))

    blocks.append(Heading("About this report", 1, landscape=False))
    for caveat in report.caveats:
        blocks.append(Para(caveat, kind="warning" if caveat == DEMO_WARNING else "body"))
    blocks += [
        Para(
            f"Self-assessments of round {report.round_id} (current submissions only), "
            f"{report.source}.",
            label="Source: ",
        ),
        Para(
            "Data Maturity Model for Early Help Services, Ministry of Housing, Communities & "
            "Local Government, December 2017. Contains public sector information licensed under "
            "the Open Government Licence v3.0.",
            label="Model: ",
        ),
        Para(Rule(report.rule).explanation, label="Scoring rule: "),
        Para(f"{report.peers_label} ({report.member_count} members)", label="Peer group: "),
        Para(report.generated.isoformat(), label="Generated: "),
    ]
    return blocks


# --------------------------------------------------------------------------------------------
# Text helpers

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: object) -> str:
    """A cell or paragraph as plain text: missing as '', numbers without noise, control
    characters (which Word and PDF cannot hold) removed, tabs and carriage returns as spaces."""
    if value is None or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else f"{value:g}"
    else:
        text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", " ").replace("\t", " ")
    return _CONTROL.sub("", text)


def _rows(frame: pd.DataFrame) -> list[list[str]]:
    return [[clean_text(v) for v in row] for row in frame.itertuples(index=False)]


def chart_pngs(report: ReportData) -> dict[str, bytes]:
    """Every chart of the report as PNG (scale 2, export date in the source note), drawn side by
    side in tabs of the one warm browser (`figures_png`); {} when image export is unavailable
    (no Chromium). If that fails, one chart after another through `images.figure_bytes`; a chart
    whose image fails twice is left out (the document says so in its place) rather than
    failing a whole batch."""
    if images.chromium_problem():
        return {}
    specs = {chart.key: png_spec(chart.figure, report.generated) for chart in report.charts}
    try:
        return figures_png(specs)
    except images.ImageExportUnavailable:
        return {}
    except Exception:  # a browser hiccup: chart by chart below
        pass
    out = {}
    for chart in report.charts:
        key, figure = chart.key, images.stamp_export_date(chart.figure, report.generated)
        for attempt in (1, 2):
            try:
                out[key] = images.figure_bytes(figure, "png", width=CHART_WIDTH)
                break
            except images.ImageExportUnavailable:
                return out
            except Exception:
                if attempt == 2:
                    break
    return out


def png_spec(fig: go.Figure, on: date) -> dict:
    """The figure as the plain dict `images.stamp_export_date(fig, on)` gives (the export date
    in the source note, the bottom margin tall enough for the note), without building and
    validating a copy of the figure."""
    spec = _stamped_spec(fig, on)
    layout = spec.setdefault("layout", {})
    for annotation in layout.get("annotations", []):
        text = annotation.get("text") or ""
        if not text.startswith("Self-assessments"):
            continue
        lines = text.count("<br>") + 1
        needed = int(-(annotation.get("yshift") or 0) + 15 * lines + 12)
        margin = layout.setdefault("margin", {})
        if (margin.get("b") or 0) < needed:
            margin["b"] = needed
    return spec


def figures_png(figures: Mapping[str, go.Figure | dict], scale: float = 2) -> dict[str, bytes]:
    """Several figures as PNG in one call to kaleido's warm browser, drawn side by side in up to
    `TABS` tabs (the browser is the one `images.figure_bytes` uses: whichever starts it first
    opens it, and it is never started twice). Under `images`' lock, as every export."""
    import kaleido

    problem = images.chromium_problem()
    if problem:
        raise images.ImageExportUnavailable(problem)
    with (
        images._lock,
        tempfile.TemporaryDirectory(prefix="ehdmm-charts-") as folder,
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        path = images.chromium_path()
        if path and not os.environ.get("BROWSER_PATH"):
            os.environ["BROWSER_PATH"] = path
        kaleido.start_sync_server(n=TABS, silence_warnings=True)  # no-op when it is running
        files = {key: Path(folder) / f"{number}.png" for number, key in enumerate(figures)}
        specs = {
            key: figure if isinstance(figure, dict) else figure.to_dict()
            for key, figure in figures.items()
        }
        kaleido.write_fig_from_object_sync(
            [
                {
                    "fig": spec,
                    "path": str(files[key]),
                    "opts": {
                        "format": "png",
                        "scale": scale,
                        "width": int(spec.get("layout", {}).get("width") or CHART_WIDTH),
                        "height": int(spec.get("layout", {}).get("height") or 650),
                    },
                }
                for key, spec in specs.items()
            ],
            cancel_on_error=True,
        )
        return {key: file.read_bytes() for key, file in files.items()}


def _missing_image_text(chart: ReportChart) -> str:
    problem = images.chromium_problem() or "the image could not be made"
    return f"[Chart not included: {problem}] {chart.summary}"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# --------------------------------------------------------------------------------------------
# Word


Pngs = Mapping[str, bytes] | Callable[[], Mapping[str, bytes]] | None
"""Chart images by key; or a function that waits for them (`render` passes a background
thread's `Future.result`); None: made here (`chart_pngs`)."""


def _pngs_when_needed(report: ReportData, pngs: Pngs) -> Callable[[], Mapping[str, bytes]]:
    """A function giving the chart images, waiting for them (or making them) on first call."""
    if pngs is None:
        pngs = functools.partial(chart_pngs, report)
    if not callable(pngs):
        given = pngs
        return lambda: given
    return functools.cache(pngs)


def docx_bytes(report: ReportData, pngs: Pngs = None) -> bytes:
    """The report as a Word document: real headings (Title, Heading 1-3, so that a table of
    contents works), charts as PNG pictures with alt text, tables as Word tables. The pictures
    go in last, into the paragraphs kept for them, so that the document is built while the
    images are still being drawn."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    images_of = _pngs_when_needed(report, pngs)
    pictures: list[tuple[object, ReportChart, int]] = []  # (paragraph, chart, width)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    width = _docx_width(doc)
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    props = doc.core_properties
    props.title = report.title
    props.subject = report.subtitle
    props.author = "ehdmm"
    props.keywords = "early help; data maturity; self-assessment"
    footer = section.footer.paragraphs[0]
    footer.text = f"{report.authority_name}, round {report.round_id}. {SELF_ASSESSED}"
    footer.runs[0].font.size = Pt(8)

    for block in outline(report):
        if isinstance(block, Heading):
            if block.landscape is not None:
                _docx_section(doc, landscape=block.landscape)
                width = _docx_width(doc)
            doc.add_heading(clean_text(block.text), block.level)
        elif isinstance(block, Para):
            paragraph = doc.add_paragraph()
            if block.label:
                paragraph.add_run(clean_text(block.label)).bold = True
            run = paragraph.add_run(clean_text(block.text))
            if block.kind in ("note", "warning"):
                run.italic = block.kind == "note"
                run.bold = block.kind == "warning" or run.bold
                run.font.size = Pt(9)
                if block.kind == "warning":
                    run.font.color.rgb = RGBColor(0x9C, 0x3D, 0x00)
        elif isinstance(block, Chart):
            pictures.append((doc.add_paragraph(), block.chart, width))
            caption = doc.add_paragraph(clean_text(block.chart.summary))
            caption.runs[0].italic = True
            caption.runs[0].font.size = Pt(9)
        elif isinstance(block, Table):
            if block.caption:
                doc.add_paragraph().add_run(clean_text(block.caption)).bold = True
            _docx_table(doc, block.frame, width)
        elif isinstance(block, Contents):
            _docx_toc(doc)
    found = images_of() if pictures else {}
    for paragraph, chart, picture_width in pictures:
        data = found.get(chart.key)
        if data is None:  # the caption below still gives the chart's summary
            paragraph.add_run(clean_text(_missing_image_text(chart)))
            continue
        run = paragraph.add_run()
        run.add_picture(io.BytesIO(data), width=picture_width)
        for doc_pr in run._r.iter("{*}docPr"):
            doc_pr.set("descr", clean_text(chart.summary))
            doc_pr.set("title", clean_text(chart.heading))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_width(doc) -> int:
    """The text width (EMU) of the document's last section."""
    section = doc.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def _docx_section(doc, *, landscape: bool) -> None:
    """Start a new page in a section of A4 landscape or portrait."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21.0)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _docx_toc(doc) -> None:
    """A table-of-contents field over Heading 1-2 (Word fills it in: right-click, Update
    field, or F9)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc.add_paragraph().add_run("Contents").bold = True
    paragraph = doc.add_paragraph()
    paragraph._p.append(
        parse_xml(
            f"<w:fldSimple {nsdecls('w')} w:instr='TOC \\o \"1-2\" \\h \\z \\u'>"
            "<w:r><w:t>Right-click here and choose Update Field to show the table of "
            "contents.</w:t></w:r></w:fldSimple>"
        )
    )


def _docx_table(doc, frame: pd.DataFrame, width: int) -> None:
    """A real Word table (header row repeated on each page), built as XML in one pass: fast
    even for the 153 rows of England."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    headers = [clean_text(c) for c in frame.columns]
    rows = _rows(frame)
    widths = _column_shares([headers, *rows])
    twips = [int(width / 635 * share) for share in widths]  # EMU -> twentieths of a point
    table = doc.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    tbl = table._tbl
    grid = tbl.tblGrid
    for col, twip in zip(grid.iterchildren(), twips, strict=False):
        col.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w", str(twip))

    def cell(text: str, twip: int, bold: bool) -> str:
        props = (
            "<w:rPr><w:b/><w:sz w:val='18'/></w:rPr>"
            if bold
            else "<w:rPr><w:sz w:val='18'/></w:rPr>"
        )
        lines = text.split("\n") or [""]
        runs = (
            "<w:r>"
            + props
            + "<w:br/>".join(
                f'<w:t xml:space="preserve">{html.escape(line, quote=False)}</w:t>'
                for line in lines
            )
            + "</w:r>"
        )
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{twip}" w:type="dxa"/></w:tcPr>'
            f"<w:p><w:pPr><w:spacing w:before='0' w:after='0'/></w:pPr>{runs}</w:p></w:tc>"
        )

    header_xml = (
        f"<w:tr {nsdecls('w')}><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        + "".join(cell(h, t, True) for h, t in zip(headers, twips, strict=True))
        + "</w:tr>"
    )
    tbl.append(parse_xml(header_xml))
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(cell(v, t, False) for v, t in zip(row, twips, strict=True))
        + "</w:tr>"
        for row in rows
    )
    if body:
        holder = parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")
        for tr in list(holder):
            tbl.append(tr)
    doc.add_paragraph()


def _column_shares(rows: list[list[str]]) -> list[float]:
    """Relative column widths from the text (the first row is the header): room for the
    longest word and for short values whole; long text gets more, but less than in proportion."""
    columns = list(zip(*rows, strict=True)) if rows else []
    weights = []
    for header, *values in columns:
        longest = min(max((len(v) for v in values), default=0), 60)
        word = min(max((len(w) for v in (header, *values) for w in v.split()), default=4), 18)
        spread = longest if longest <= 16 else 16 + (longest - 16) ** 0.8
        weights.append(max(word, spread, 3))
    total = sum(weights) or 1.0
    return [w / total for w in weights]


# --------------------------------------------------------------------------------------------
# PDF

_TRANSLITERATE = {
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "·": "-",
    "▼": "v",
    "◀": "<",
    "≤": "<=",
    "≥": ">=",
    "•": "-",
    "\u00a0": " ",
}


def pdf_font_dir() -> Path | None:
    """The folder of the DejaVu Sans fonts (Debian fonts-dejavu-core), or None."""
    names = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    if all((DEJAVU_DIR / n).exists() for n in names):
        return DEJAVU_DIR
    return None


def latin1(text: str) -> str:
    """Text for the PDF core fonts (Latin-1 only): common typography transliterated, anything
    else replaced by '?'."""
    for char, plain in _TRANSLITERATE.items():
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


def pdf_bytes(report: ReportData, pngs: Pngs = None) -> bytes:
    """The report as a PDF (A4): headings in the document outline, charts as PNG pictures with
    alt text, tables, page numbers. DejaVu Sans when installed, else the core Helvetica with the
    text transliterated to Latin-1."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos
    from fpdf.image_parsing import SETTINGS

    # Pictures compressed at zlib level 1, not the default 6: each of a report's charts
    # (2,200 px wide) compresses in about a third of the time, for PDFs about a quarter larger.
    # ehdmm makes every PDF of its process, so the setting is ours to choose.
    SETTINGS.compression_level = PDF_PICTURE_COMPRESSION

    pngs_of = _pngs_when_needed(report, pngs)  # waited for at the first chart

    @functools.cache
    def images_of() -> dict[str, object]:
        return _pdf_pictures(pngs_of())

    fonts = pdf_font_dir()
    family = "DejaVu" if fonts else "Helvetica"
    fix: Callable[[str], str] = clean_text if fonts else (lambda v: latin1(clean_text(v)))
    footer_text = fix(f"{report.authority_name}, round {report.round_id}. {SELF_ASSESSED}")

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(family, "", 7)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, footer_text, new_x=XPos.LMARGIN, new_y=YPos.TOP)
            self.cell(0, 5, f"{self.page_no()}", align="R")

    pdf = Document(orientation="portrait", unit="mm", format="A4")
    if fonts:
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(fix(report.title))
    pdf.set_subject(fix(report.subtitle))
    pdf.set_author("ehdmm")
    pdf.set_creator("ehdmm")
    pdf.set_lang("en-GB")
    pdf.add_page()
    sizes = {0: 18, 1: 14, 2: 12, 3: 10.5}

    def write(
        text: str, *, style: str = "", size: float = 10, colour=(27, 27, 27), label: str = ""
    ) -> None:
        """A paragraph (an optional bold label first), broken into lines by `_pdf_lines`."""
        height = size * 0.45
        pdf.set_font(family, "B", size)
        label = fix(label)
        indent = pdf.get_string_width(label + " ") if label else 0.0
        pdf.set_font(family, style, size)
        pdf.set_text_color(*colour)
        lines = _pdf_lines(pdf, pdf.epw, fix(text), first=pdf.epw - indent)
        for number, line in enumerate(lines):
            if pdf.get_y() + height > pdf.h - pdf.b_margin:
                pdf.add_page(same=True)
            y = pdf.get_y() + height * 0.8
            if number == 0 and label:
                pdf.set_font(family, "B", size)
                pdf.text(pdf.l_margin, y, label)
                pdf.set_font(family, style, size)
            if line:
                pdf.text(pdf.l_margin + (indent if number == 0 else 0.0), y, line)
            pdf.set_y(pdf.get_y() + height)

    def chart_height(chart: ReportChart) -> float:
        data = images_of().get(chart.key)
        if data is None:
            return 20.0
        px_w, px_h = data.size
        return min(pdf.epw * px_h / px_w, pdf.h - pdf.t_margin - pdf.b_margin - 30)

    blocks = outline(report)
    for number, block in enumerate(blocks):
        following = blocks[number + 1] if number + 1 < len(blocks) else None
        if isinstance(block, Heading):
            room = pdf.h - pdf.b_margin - pdf.get_y()
            needed = 30.0 if block.level == 1 else 20.0
            if isinstance(following, Chart):
                needed = 12 + chart_height(following.chart) + 10
            if block.landscape is not None:
                pdf.add_page(orientation="L" if block.landscape else "P")
            elif block.level >= 1 and room < needed:
                pdf.add_page(same=True)
            pdf.ln(2 if block.level else 0)
            if block.level <= 2:
                pdf.start_section(fix(block.text), level=max(0, block.level - 1), strict=False)
            write(block.text, style="B", size=sizes[block.level], colour=(3, 78, 123))
            pdf.ln(1)
        elif isinstance(block, Para):
            size, style, colour = 10, "", (27, 27, 27)
            if block.kind == "note":
                size, colour = 9, (80, 80, 80)
            elif block.kind == "warning":
                size, style, colour = 9.5, "B", (156, 61, 0)
            write(block.text, style=style, size=size, colour=colour, label=block.label)
            pdf.ln(1.5)
        elif isinstance(block, Chart):
            chart = block.chart
            data = images_of().get(chart.key)
            if data is None:
                write(_missing_image_text(chart), size=9)
                continue
            height = chart_height(chart)
            px_w, px_h = data.size
            if pdf.get_y() + height > pdf.h - pdf.b_margin:
                pdf.add_page(same=True)
            pdf.image(
                data,
                x=pdf.l_margin,
                w=height * px_w / px_h,
                h=height,
                alt_text=fix(chart.summary),
                title=fix(chart.heading),
            )
            write(chart.summary, size=8.5, colour=(80, 80, 80))
            pdf.ln(2)
        elif isinstance(block, Table):
            if block.caption:
                write(block.caption, style="B", size=9.5)
            _pdf_table(pdf, block.frame, family, fix)
        elif isinstance(block, Contents):
            continue  # the PDF outline (bookmarks) holds the contents
    return bytes(pdf.output())


def _pdf_pictures(pngs: Mapping[str, bytes]) -> dict[str, object]:
    """The chart PNGs decoded to RGB pictures (PIL images) for the PDF, side by side in
    threads (decoding runs outside the GIL). The charts are opaque: dropping the alpha channel
    here spares fpdf splitting it off and testing it, the costliest part of adding a picture.
    A picture with any transparency is laid on white first."""
    from PIL import Image

    def decode(data: bytes) -> object:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.mode in ("RGBA", "LA") and picture.getextrema()[-1][0] < 255:
                white = Image.new("RGBA", picture.size, "white")
                return Image.alpha_composite(white, picture.convert("RGBA")).convert("RGB")
            return picture.convert("RGB")

    if not pngs:
        return {}
    with ThreadPoolExecutor(max_workers=len(pngs), thread_name_prefix="ehdmm-pdf") as pool:
        return dict(zip(pngs, pool.map(decode, pngs.values()), strict=True))


def _pdf_table(pdf, frame: pd.DataFrame, family: str, fix: Callable[[str], str]) -> None:
    """A table drawn cell by cell (header row repeated after a page break). Only text wider
    than its column is line-broken, which keeps the 153 rows of England fast."""
    headers = [fix(c) for c in frame.columns]
    rows = [[fix(v) for v in row] for row in _rows(frame)]
    size = 8 if len(headers) <= 6 else 7
    line = size * 0.42
    pad = 0.9
    widths = _pdf_widths(pdf, family, size, headers, rows, pad)
    bottom = pdf.h - pdf.b_margin

    def lines_of(cells: list[str], style: str) -> list[list[str]]:
        pdf.set_font(family, style, size)
        out = []
        for text, width in zip(cells, widths, strict=True):
            room = width - 2 * pad
            if "\n" not in text and pdf.get_string_width(text) <= room:
                out.append([text])
            else:
                out.append(_pdf_lines(pdf, room, text))
        return out

    def draw(cells: list[list[str]], style: str, fill: bool) -> None:
        height = max(len(c) for c in cells) * line + 2 * pad
        room = bottom - pdf.t_margin - 2 * line
        if height > room:  # a cell longer than a page: cut, say so
            keep = max(1, int((room - 2 * pad) / line) - 1)
            cells = [c if len(c) <= keep else [*c[:keep], "[...]"] for c in cells]
            height = max(len(c) for c in cells) * line + 2 * pad
        if pdf.get_y() + height > bottom:
            pdf.add_page(same=True)
            if style != "B":
                draw(header_lines, "B", True)
        pdf.set_font(family, style, size)
        x, y = pdf.l_margin, pdf.get_y()
        for cell_lines, width in zip(cells, widths, strict=True):
            pdf.rect(x, y, width, height, style="DF" if fill else "D")
            for number, text in enumerate(cell_lines):
                if text:
                    pdf.text(x + pad, y + pad + (number + 0.8) * line, text)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    pdf.set_draw_color(189, 189, 189)
    pdf.set_fill_color(226, 234, 244)
    pdf.set_text_color(27, 27, 27)
    pdf.set_line_width(0.15)
    header_lines = lines_of(headers, "B")
    draw(header_lines, "B", True)
    for row in rows:
        draw(lines_of(row, ""), "", False)
    pdf.ln(3)


def _pdf_widths(
    pdf, family: str, size: float, headers: list[str], rows: list[list[str]], pad: float
) -> list[float]:
    """Column widths (mm) filling the text width: each column gets room for its longest word;
    what is left goes to the columns whose text would otherwise wrap, in proportion."""
    cap = pdf.epw * 0.45
    natural, minimum = [], []
    for number, header in enumerate(headers):
        pdf.set_font(family, "B", size)
        head_word = max((pdf.get_string_width(w) for w in header.split()), default=0.0)
        pdf.set_font(family, "", size)
        longest, word = 0.0, 0.0
        for row in rows:
            text = row[number]
            if not text:
                continue
            width = pdf.get_string_width(text)
            longest = max(longest, min(cap, width))
            if " " in text:
                word = max(word, max(pdf.get_string_width(w) for w in text.split()))
            elif len(text) < 20:
                word = max(word, width)
        low = min(cap, max(head_word, word, pdf.get_string_width("0000"))) + 2 * pad
        natural.append(max(low, min(cap, max(longest, head_word)) + 2 * pad))
        minimum.append(low)
    total = sum(natural)
    if total <= pdf.epw:
        return [w * pdf.epw / total for w in natural]
    spare = pdf.epw - sum(minimum)
    if spare <= 0:
        return [w * pdf.epw / sum(minimum) for w in minimum]
    wants = [n - m for n, m in zip(natural, minimum, strict=True)]
    return [m + spare * w / sum(wants) for m, w in zip(minimum, wants, strict=True)]


def _pdf_lines(pdf, width: float, text: str, first: float | None = None) -> list[str]:
    """`text` broken into lines that fit `width` mm (the first line: `first` mm) in the current
    font: between words, and inside a word only when the word alone is too wide."""
    lines: list[str] = []
    space = pdf.get_string_width(" ")
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            size = pdf.get_string_width(word)
            room = first if first is not None and not lines else width
            if line and used + space + size <= room:
                line, used = f"{line} {word}", used + space + size
                continue
            if line:
                lines.append(line)
            room = first if first is not None and not lines else width
            while size > room and len(word) > 1:
                cut = max(1, int(len(word) * room / size))
                while cut > 1 and pdf.get_string_width(word[:cut]) > room:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                size = pdf.get_string_width(word)
                room = width
            line, used = word, size
        lines.append(line)
    return lines


# --------------------------------------------------------------------------------------------
# HTML

_CSS = """
body { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; max-width: 1140px;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1.title { font-size: 1.8rem; margin-bottom: 0.2rem; }
h1 { color: #034e7b; font-size: 1.4rem; border-bottom: 2px solid #c6d2e8; padding-top: 1rem; }
h2 { color: #034e7b; font-size: 1.15rem; }
h3 { font-size: 1rem; margin-bottom: 0.2rem; }
p.note { color: #505050; font-style: italic; font-size: 0.9rem; }
p.warning { background: #fff4e5; border-left: 4px solid #d95f02; padding: 0.5rem 0.8rem;
            font-weight: bold; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.85rem; }
th, td { border: 1px solid #bdbdbd; padding: 0.25rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #e2eaf4; }
caption { text-align: left; font-weight: bold; padding: 0.2rem 0; }
figure { margin: 0.5rem 0 1.5rem; }
figcaption { color: #505050; font-style: italic; font-size: 0.9rem; }
nav ul { columns: 2; }
@media print { nav { display: none; } figure, table { break-inside: avoid; } }
"""


def _stamped_spec(fig: go.Figure, on: date) -> dict:
    """The figure as a plain dict whose source note ends with the date exported (as
    `images.stamp_export_date` does), without building and validating a second figure."""
    spec = fig.to_dict()
    stamp = f" Exported {on.isoformat()}."
    for annotation in spec.get("layout", {}).get("annotations", []):
        text = annotation.get("text") or ""
        if text.startswith("Self-assessments") and "Exported" not in text:
            annotation["text"] = text + stamp
    return spec


def _html_table(frame: pd.DataFrame, caption: str = "") -> str:
    head = "".join(f'<th scope="col">{html.escape(clean_text(c))}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
        for row in _rows(frame)
    )
    cap = f"<caption>{html.escape(clean_text(caption))}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _anchor(text: str, number: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return f"s{number}-{slug}"[:60]


def html_bytes(report: ReportData) -> bytes:
    """The report as one self-contained HTML file: interactive charts with plotly.js inline
    (works offline, makes no network request), tables, headings."""
    blocks = outline(report)
    anchors = {
        id(b): _anchor(b.text, i)
        for i, b in enumerate(blocks)
        if isinstance(b, Heading) and b.level == 1
    }
    parts: list[str] = []
    first_chart = True
    for block in blocks:
        if isinstance(block, Heading):
            text = html.escape(clean_text(block.text))
            if block.level == 0:
                parts.append(f'<h1 class="title">{text}</h1>')
            else:
                anchor = anchors.get(id(block))
                attr = f' id="{anchor}"' if anchor else ""
                parts.append(f"<h{block.level}{attr}>{text}</h{block.level}>")
        elif isinstance(block, Para):
            label = (
                f"<strong>{html.escape(clean_text(block.label))}</strong>" if block.label else ""
            )
            css = f' class="{block.kind}"' if block.kind != "body" else ""
            role = ' role="alert"' if block.kind == "warning" else ""
            text = html.escape(clean_text(block.text)).replace("\n", "<br>")
            parts.append(f"<p{css}{role}>{label}{text}</p>")
        elif isinstance(block, Chart):
            chart = block.chart
            div = pio.to_html(
                _stamped_spec(chart.figure, report.generated),
                full_html=False,
                include_plotlyjs=first_chart,
                config=theme.image_config(chart.stem),
                div_id=f"chart-{chart.key}",
                default_width="100%",
                validate=False,
            )
            first_chart = False
            summary = html.escape(clean_text(chart.summary))
            parts.append(
                f'<figure aria-label="{html.escape(clean_text(chart.heading))}">'
                f"{div}<figcaption>{summary}</figcaption></figure>"
            )
        elif isinstance(block, Table):
            parts.append(_html_table(block.frame, block.caption))
        elif isinstance(block, Contents):
            links = "".join(
                f'<li><a href="#{anchors[id(b)]}">{html.escape(clean_text(b.text))}</a></li>'
                for b in blocks
                if id(b) in anchors
            )
            parts.append(f'<nav aria-label="Contents"><h2>Contents</h2><ul>{links}</ul></nav>')
    title = html.escape(clean_text(report.title))
    document = (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="ehdmm"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body><main>" + "\n".join(parts) + "</main></body></html>\n"
    )
    return document.encode("utf-8")


# --------------------------------------------------------------------------------------------
# Any format


def render(report: ReportData, fmt: str) -> bytes:
    """The report as docx, pdf or html bytes (Word and PDF: the chart images are drawn in a
    background thread while the document is built)."""
    check_format(fmt)
    if fmt == "html":
        return html_bytes(report)
    make = docx_bytes if fmt == "docx" else pdf_bytes
    # the browser draws the charts while this thread builds the document around them
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ehdmm-charts") as pool:
        pngs = pool.submit(chart_pngs, report)
        return make(report, pngs.result)


def report_bytes(
    db: core.Db,
    viewer: Viewer,
    authority: str,
    round_id: str | None,
    peers: str,
    rule: str,
    fmt: str,
    today: date | None = None,
) -> tuple[str, bytes]:
    """(file name, bytes) of one authority's report."""
    check_format(fmt)
    report = report_data(db, viewer, authority, round_id, peers, rule, today)
    return file_name(report, fmt), render(report, fmt)


def reports(inputs: ReportInputs, codes: Iterable[str], today: date | None = None):
    """One `ReportData` after another for `codes`, from a round's data loaded once."""
    for code in codes:
        yield build_report(inputs, code, today)
