"""The report as an ordered list of blocks (headings, paragraphs, charts, tables, contents):
what every format renders, so that Word, HTML and PDF hold the same content in the same order."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm.analysis import profile
from ehdmm.analysis.spread import FLAG_RULE
from ehdmm.export.report.data import ReportChart, ReportData
from ehdmm.export.report.wording import (
    DEMO_WARNING,
    INDEX_TEXT,
    MODEL_SOURCE,
    SELF_ASSESSED,
)
from ehdmm.scoring import Rule


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


def outline(report: ReportData) -> list[Block]:
    """The report's content in order: what every format renders."""
    return [
        *_front(report),
        *_summary(report),
        *_levels(report),
        *_peers(report),
        *_trajectory(report),
        *_next_level(report),
        *_priorities(report),
        *_plan(report),
        *_evidence(report),
        *_spread(report),
        *_data_tables(report),
        *_about(report),
    ]


def _front(report: ReportData) -> list[Block]:
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
    blocks += [Para(notice, kind="note") for notice in report.notices]
    return blocks


def _summary(report: ReportData) -> list[Block]:
    blocks: list[Block] = [Heading("Summary", 1)]
    if report.has_submission:
        blocks += [
            Para(report.overall, label=f"Overall level ({report.rule} rule): "),
            Para(report.index or "none (incomplete return)", label="Maturity index: "),
            Para(report.rank_sentence, label=f"Rank in {report.peers_label}: "),
        ]
    else:
        blocks.append(Para(f"No current submission in round {report.round_id}."))
    blocks.append(Table(report.strands, f"Levels by strand ({report.rule} rule)"))
    blocks.append(Para(INDEX_TEXT, kind="note"))
    return blocks


def _levels(report: ReportData) -> list[Block]:
    if not report.has_submission:
        return []
    blocks: list[Block] = [Heading("Levels against the peer group and England", 1)]
    for key in ("radar", "dots"):
        chart = report.chart(key)
        blocks += [Heading(chart.heading, 2), Chart(chart)]
    return blocks


def _peers(report: ReportData) -> list[Block]:
    distribution = report.chart("distribution")
    return [
        Heading("Where it sits in the peer group", 1),
        Para(report.position),
        Heading(distribution.heading, 2),
        Chart(distribution),
        Heading("Maturity index", 2),
        Para(report.index_summary),
        Para(INDEX_TEXT, kind="note"),
    ]


def _trajectory(report: ReportData) -> list[Block]:
    trajectory = [c for c in report.charts if c.key == "trajectory"]
    shown = Chart(trajectory[0]) if trajectory else Para(report.trajectory_summary)
    return [Heading("Trajectory across rounds", 1), shown]


def _next_level(report: ReportData) -> list[Block]:
    if not report.cards:
        return []
    blocks: list[Block] = [
        Heading("Where it is, and what the next level asks", 1),
        Para(
            f"Strand levels under the {report.rule} rule. For each dimension: the descriptor "
            "of its current level and of the next one, from the model; and the strand's "
            "MEASURES."
        ),
    ]
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
    return blocks


def _priorities(report: ReportData) -> list[Block]:
    if report.priorities is None:
        return []
    blocks: list[Block] = [
        Heading("Priorities against the peer group", 1),
        Para(
            f"Per dimension: the level, the {report.peers_label} and England medians and the "
            "gap to each (median minus level; positive: behind), sorted by the gap to the peer "
            "group, then the lowest level."
        ),
        Table(report.priorities, "Priorities by dimension"),
    ]
    for card in report.priority_cards:
        blocks.append(Heading(f"{card.dimension}: {card.level_name}", 2))
        blocks.append(Para(card.gap_text, label="Gap: "))
        blocks += [
            Para(text, label=f"To reach {card.next_level_name}: ") for text in card.statements
        ]
        blocks.append(Para(card.measures, label=f"MEASURES ({card.strand}): "))
    return blocks


def _plan(report: ReportData) -> list[Block]:
    if report.plan is None and report.progress is None:
        return []
    blocks: list[Block] = [Heading("Targets and improvement plan", 1)]
    if report.progress is not None and not report.progress.empty:
        blocks.append(Heading(f"Progress against targets in {report.round_id}", 2))
        blocks.append(Table(report.progress, "Targets and progress"))
    else:
        blocks.append(Para("No targets set."))
    blocks.append(Heading("Actions", 2))
    if report.plan is not None and not report.plan.empty:
        blocks.append(Para("The authority's own words, as entered in its plan."))
        blocks.append(Table(report.plan, "Improvement plan"))
    else:
        blocks.append(Para("No actions in the plan."))
    return blocks


def _evidence(report: ReportData) -> list[Block]:
    if not report.has_submission:
        return []
    blocks: list[Block] = [
        Heading("Evidence notes", 1),
        Para("The authority's own words, as submitted with its return."),
        Table(report.evidence),
        Heading("Pre-model checklist", 1),
    ]
    if report.checklist_intro:
        blocks.append(Para(report.checklist_intro, kind="note"))
    blocks.append(Table(report.checklist))
    return blocks


def _spread(report: ReportData) -> list[Block]:
    """Where the authority's respondents' views differ (no respondent named)."""
    if report.spread.empty:
        return []
    return [
        Heading("Where the respondents' views differ", 1),
        Para(
            f"The return drew on {report.respondents} respondents' own ratings. For each "
            "dimension: how many respondents chose each level, the level agreed in the return, "
            f"and whether views differed. {FLAG_RULE}"
        ),
        Table(report.spread, "Respondents at each level, and the agreed level"),
    ]


def _data_tables(report: ReportData) -> list[Block]:
    blocks: list[Block] = [Heading("Data tables", 1, landscape=True)]
    for table in report.tables:
        blocks.append(Heading(table.title, 2))
        blocks.append(Table(table.frame))
        if table.note:
            blocks.append(Para(table.note, kind="note"))
    return blocks


def _about(report: ReportData) -> list[Block]:
    blocks: list[Block] = [Heading("About this report", 1, landscape=False)]
    for caveat in report.caveats:
        blocks.append(Para(caveat, kind="warning" if caveat == DEMO_WARNING else "body"))
    blocks += [
        Para(
            f"Self-assessments of round {report.round_id} (current submissions only), "
            f"{report.source}.",
            label="Source: ",
        ),
        Para(MODEL_SOURCE, label="Model: "),
        Para(Rule(report.rule).explanation, label="Scoring rule: "),
        Para(f"{report.peers_label} ({report.member_count} members)", label="Peer group: "),
        Para(report.generated.isoformat(), label="Generated: "),
        Para(f"ehdmm {report.version}", label="Made by: "),
    ]
    return blocks
