"""One authority's report, rendered from its Authority profile view.

`report_from(view)` takes the `ehdmm.views.profile.ProfileView` the Authority profile page
draws (built from a `Scope` and the round's `RoundData`) and lays out what the report holds,
so a number can never differ between the page and the report. The viewer is in the view's
scope and decides what the report shows of the peers, as it decides what the page shows:

- a national viewer's report names the peer group's members (the peer list);
- an authority viewer's is of its own authority only, with every peer-group and England
  figure an aggregate under disclosure control (from `ehdmm.analysis.aggregates.peer_figures`,
  through the view): nothing in it names, lists or plots another authority.

Nothing here reads the database: the views layer loads the round (`ehdmm.views.reports`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ehdmm import disclosure, wording
from ehdmm.analysis import aggregates, benchmark, profile
from ehdmm.export.report.data import ReportChart, ReportData, ReportError, ReportTable
from ehdmm.export.report.wording import (
    AGGREGATES_TEXT,
    DEMO_WARNING,
    INDEX_TEXT,
    SELF_ASSESSED,
)

if TYPE_CHECKING:  # the view is handed in; this layer does not build it
    from ehdmm.views.profile import ProfileView
    from ehdmm.views.sections import Levels


def report_from(view: ProfileView, today: date | None = None) -> ReportData:
    """The report of the view's authority, round, peer group and rule, for the view's viewer."""
    scope, subject = view.scope, view.subject
    round_id = subject.data.round_id
    if round_id is None:
        raise ReportError("a report is of one round: choose a round")
    name, label = view.authority_name, view.peers_label
    overall, index, in_group, words, caption = _headline(view)
    by_dimension = view.levels_with_targets("dimension")  # targets as a third trace
    strands = view.levels("strand").table
    spread = view.distribution("strand")
    charts, notices = _level_charts(view, by_dimension)
    charts.append(
        _chart(
            "distribution",
            f"Members at each level, by strand ({label})",
            spread.chart,
            alt=f"Bar charts, one per strand, of how many members of {label} are at each level, "
            f"with {name}'s own level marked. {spread.chart.summary}",
        )
    )
    trajectory = view.trajectory
    if trajectory.rounds_submitted:
        charts.append(
            _chart(
                "trajectory",
                "Overall level and maturity index by round",
                view.trajectory_chart("overall"),
                alt=f"Line chart of {name}'s overall level and maturity index in each round. "
                + trajectory.summary,
            )
        )
    named = scope.viewer.sees_all
    about = view.about
    return ReportData(
        authority=scope.authority,
        authority_name=name,
        region=about.region,
        la_type=about.la_type,
        la_number=about.la_number,
        round_id=round_id,
        rule=scope.rule.value,
        peers=scope.peers,
        peers_label=label,
        demo=view.demo,
        generated=today or date.today(),
        source=f"ehdmm database {Path(scope.db).name}" if scope.db else "ehdmm database",
        has_submission=view.has_submission,
        in_group=in_group,
        overall=overall,
        index=index,
        rank=words.rank,
        percentile=words.percentile,
        rank_n=subject.figures.rank.n if subject.figures.rank is not None else 0,
        member_count=view.counts.members,
        n=view.counts.submitted,
        strands=strands,
        position=spread.position,
        index_summary=view.index.summary,
        charts=tuple(charts),
        cards=view.cards,
        evidence=view.evidence,
        checklist=view.checklist,
        checklist_intro=view.checklist_intro,
        tables=_tables(view, by_dimension.table, strands, spread.chart.table),
        notices=_notices(view, in_group, notices),
        caveats=_caveats(view, caption),
        trajectory_summary=trajectory.summary,
        rank_sentence=words.sentence,
        **_plan_parts(view),
        **_spread(view),
        named=named,
    )


def _spread(view: ProfileView) -> dict[str, object]:
    """The authority's respondents' spread beside its agreed levels and how many responses it
    counts; nothing without submitted responses."""
    respondents = view.respondents
    if respondents.spread.empty:
        return {}
    return {"spread": respondents.spread, "respondents": respondents.counted}


def _plan_parts(view: ProfileView) -> dict[str, object]:
    """The report's priorities (from the view's dimension comparison, medians under disclosure
    control), progress against the authority's targets and its plan's actions."""
    progress = view.progress
    parts: dict[str, object] = {"progress": progress.table, "plan": progress.actions}
    if view.has_submission:
        priorities = view.priorities
        parts["priorities"] = priorities.table
        parts["priority_cards"] = priorities.cards
    return parts


def _tables(
    view: ProfileView, by_dimension: pd.DataFrame, strands: pd.DataFrame, spread: pd.DataFrame
) -> tuple[ReportTable, ...]:
    """The data tables at the end of the report: the data behind every chart, and the peer
    group's maturity index (by member, or as quartiles)."""
    name, label = view.authority_name, view.peers_label
    against = "England" if label == "England" else f"{label} and England"
    return (
        ReportTable(f"Levels by dimension: {name}, {against}", by_dimension),
        ReportTable(f"Levels by strand: {name}, {against}", strands),
        ReportTable(
            f"Members at each level, by strand ({label})",
            spread,
            note="" if view.scope.viewer.sees_all else benchmark.suppression_rules(),
        ),
        ReportTable(f"{name}: trajectory across rounds", view.trajectory.table),
        _index_table(view),
    )


def _headline(view: ProfileView) -> tuple[str, str, bool, wording.RankWords, str]:
    """(overall level, maturity index, member of the group, rank in words, what the rank is
    over): the view's headline, or without a submission the same facts from its subject."""
    if view.headline is not None:
        head = view.headline
        return head.overall, head.index, head.in_group, head.rank, head.rank_caption
    subject = view.subject
    overall, index, in_group = profile.own_headline(
        subject.own_levels(), view.scope.authority, view.counts.in_group, subject.model
    )
    rank = subject.figures.rank
    caption = profile.rank_caption(rank, view.peers_label, disclosure.threshold())
    return overall, index, in_group, wording.rank_words(rank), caption


def _chart(key: str, heading: str, parts, alt: str) -> ReportChart:
    """A report chart from a view's chart (`ChartParts`): the same figure, table and summary."""
    return ReportChart(key, heading, parts.fig, parts.table, parts.summary, parts.stem, alt=alt)


def _level_charts(view: ProfileView, levels: Levels) -> tuple[list[ReportChart], list[str]]:
    """(the radar and its dot plot of the dimension levels against the medians, none without
    a submission; what the reader must know about them)."""
    if not view.has_submission:
        return [], []
    name, label = view.authority_name, view.peers_label
    notices = [
        f"{who} median: {levels.notes[prefix]}"
        for prefix, who in (("peer", label), ("england", "England"))
        if levels.notes[prefix]
    ]
    if levels.missing:
        notices.append(
            f"{name} has no level for: {', '.join(levels.missing)} (incomplete: a gap in the "
            "radar, 'incomplete' in the dot plot and tables)."
        )
    peer_shown = levels.peer_shown
    charts = [
        _chart(key, heading, parts, _level_alt(key, levels.values, name, label, peer_shown))
        for key, heading, parts in (
            ("radar", "Radar: level by dimension", levels.radar),
            ("dots", "The same levels as a dot plot", levels.dots),
        )
    ]
    return charts, notices


def _level_alt(
    key: str, values: pd.DataFrame, name: str, peers_label: str, peer_shown: bool
) -> str:
    """The alt text of the radar or the dot plot: what the picture is, then each dimension's
    level in words (the two pictures show the same values in different shapes)."""
    shape = (
        f"Radar chart of {name}'s level on each of the {len(values)} dimensions, one spoke per "
        "dimension from Early at the centre to Mature at the rim"
        if key == "radar"
        else f"Dot plot of {name}'s level on each of the {len(values)} dimensions, one row per "
        "dimension on a scale from Early to Mature"
    )
    against = f"the {peers_label} and England medians" if peer_shown else "the England median"
    pairs = zip(values["item_name"], values["level_name"], strict=True)
    levels = "; ".join(f"{item}: {level}" for item, level in pairs)
    return f"{shape}, with {against} for comparison. Levels: {levels}."


def _index_table(view: ProfileView) -> ReportTable:
    """The peer group's maturity index: by member for a national viewer (the peer list), as
    quartiles (or suppressed) for an authority viewer."""
    label, round_id = view.peers_label, view.scope.round_id
    counts = view.counts
    if view.scope.viewer.sees_all:
        members, _ = view.peer_list
        note = f"{counts.members} members, {counts.submitted} with a submission in round {round_id}"
        return ReportTable(f"The peer group: {label}", members, note=f"{note}. {SELF_ASSESSED}")
    note = (
        benchmark.members_text(counts.members, label, counts.in_group)
        + f" Members with a submission in round {round_id}: "
        + benchmark.count_text(counts.submitted)
        + ". "
        + AGGREGATES_TEXT
    )
    return ReportTable(f"Maturity index of {label}: quartiles", view.index.table, note=note)


def _notices(view: ProfileView, in_group: bool, chart_notices: list[str]) -> tuple[str, ...]:
    name, label = view.authority_name, view.peers_label
    notices = list(chart_notices)
    if not view.has_submission:
        shown = "its peer group" if view.scope.viewer.sees_all else "its peer group's aggregates"
        notices.append(
            f"{name} has no current submission in round {view.scope.round_id}: the report shows "
            f"{shown} without its own position, and its trajectory."
        )
    if not in_group:
        notices.append(
            f"{name} is not a member of {label}: its own level is marked for comparison but not "
            "counted."
        )
    if view.counts.submitted is None:
        notices.append(f"{label}, members with a submission: {aggregates.suppressed_note()}")
    return tuple(notices)


def _caveats(view: ProfileView, rank_caption: str) -> tuple[str, ...]:
    rank = (
        "Rank and percentile: among the members of the peer group with a complete return, by "
        "maturity index (1 = highest; ties share the best rank)"
    )
    caveats = [SELF_ASSESSED]
    if not view.scope.viewer.sees_all:
        caveats.append(AGGREGATES_TEXT + " " + benchmark.suppression_rules())
        rank += "; " + rank_caption
    else:
        rank += "."
    caveats += [
        f"Scoring rule {view.scope.rule.explanation}. A strand with a dimension not rated has "
        "no level (incomplete); nothing is averaged over fewer dimensions.",
        INDEX_TEXT,
        rank,
    ]
    if view.demo:
        caveats.insert(0, DEMO_WARNING)
    return tuple(caveats)
