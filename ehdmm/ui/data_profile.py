"""Cached loaders and built sections of the Authority profile page.

Like `ehdmm.ui.data`, every cache key holds the database path and its last-write token, so a
write makes fresh entries. Peer and England figures come only from `ehdmm.ui.data_aggregates`
(disclosure control for authority viewers).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ehdmm import disclosure
from ehdmm.analysis import aggregates, profile
from ehdmm.charts import profile as charts
from ehdmm.charts import theme
from ehdmm.model import load_model
from ehdmm.ui import data, data_aggregates, memo
from ehdmm.ui.state import Selection
from ehdmm.ui.widgets import ChartParts
from ehdmm.viewer import Viewer


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=128)
def ratings(
    db: str, token: tuple[float, int], viewer: Viewer, authority_code: str, round_id: str
) -> pd.DataFrame:
    """The current submission's ratings (dimension_id, level, evidence, confidence)."""
    return profile.ratings(db, viewer, authority_code, round_id)


@memo.guarded
@st.cache_data(show_spinner=False, max_entries=128)
def checklist(
    db: str, token: tuple[float, int], viewer: Viewer, authority_code: str, round_id: str
) -> pd.DataFrame:
    """The current submission's checklist answers (item_id, in_place, note)."""
    return profile.checklist(db, viewer, authority_code, round_id)


# -- built sections of the Authority profile page (see `ehdmm.ui.memo`) --------------------------


def _wide(sel: Selection, round_id: str | None) -> pd.DataFrame:
    return data.levels(sel.db, sel.token, sel.viewer, round_id, sel.rule)


def _peer_args(sel: Selection, group: str) -> tuple:
    return (sel.db, sel.token, sel.viewer, sel.authority, group, sel.round_id, sel.rule)


@dataclass(frozen=True)
class Head:
    has_submission: bool
    trajectory: pd.DataFrame
    no_submission_message: str
    overall: str | None = None
    index: str | None = None
    in_group: bool = False
    rank_text: str = ""
    percentile_text: str = ""
    rank_caption: str = ""


@memo.section
def head(sel: Selection) -> Head:
    """Whether the authority has a submission in the round, its trajectory over every round,
    and its headline: overall level, index, rank and percentile in the peer group."""
    model = load_model()
    wide = _wide(sel, sel.round_id)
    traj = profile.trajectory(_wide(sel, None), sel.authority, sel.rounds, model)
    message = profile.no_submission_message(sel.authority_name, sel.round_id, traj)
    if not profile.has_submission(wide, sel.authority):
        return Head(False, traj, message)
    counts = data_aggregates.group_counts(*_peer_args(sel, sel.peers))
    overall, index, in_group = profile.own_headline(wide, sel.authority, counts.in_group, model)
    rank = data_aggregates.rank(*_peer_args(sel, sel.peers))
    rank_text, percentile_text = profile.rank_display(rank)
    return Head(
        True,
        traj,
        message,
        overall,
        index,
        in_group,
        rank_text,
        percentile_text,
        profile.rank_caption(rank, sel.peers_label, disclosure.threshold()),
    )


@dataclass(frozen=True)
class Levels:
    notes: dict[str, str | None]
    missing: list[str]
    radar: ChartParts
    dots: ChartParts


@memo.section
def levels(sel: Selection, items: str) -> Levels:
    """The authority's dimension (or strand) levels against the peer-group and England medians
    (aggregates after disclosure control): radar and dot plot."""
    model = load_model()
    wide = _wide(sel, sel.round_id)
    dims = data.dimensions(sel.db, sel.token, sel.viewer, sel.round_id)
    values = profile.comparison_from(
        profile.item_tidy(wide, dims, model, items),
        sel.authority,
        data_aggregates.medians(*_peer_args(sel, sel.peers), items),
        data_aggregates.medians(*_peer_args(sel, "england"), items),
        model,
        items,
    )
    notes = profile.median_notes(values, aggregates.suppressed_note())
    options = {
        "round_id": sel.round_id,
        "n": data_aggregates.group_counts(*_peer_args(sel, sel.peers)).submitted,
        "rule": sel.rule,
        "authority_name": sel.authority_name,
        "peers_label": sel.peers_label,
        "england_n": data_aggregates.group_counts(*_peer_args(sel, "england")).submitted,
        "peer_note": notes["peer"],
        "england_note": notes["england"],
    }
    table = profile.comparison_table(values, sel.authority_name, sel.peers_label)
    summary = profile.comparison_summary(values, sel.authority_name, sel.peers_label, items)

    def stem(kind: str) -> str:
        return theme.file_stem(sel.authority, sel.round_id, f"{kind}-{items}", sel.rule)

    return Levels(
        notes,
        profile.missing_items(values),
        ChartParts(charts.radar(values, model, **options), table, stem("radar"), summary),
        ChartParts(charts.dot_plot(values, model, **options), table, stem("dots"), summary),
    )


@memo.section
def cards(sel: Selection) -> list[profile.StrandCard]:
    """For each strand: its level, each dimension's current and next level's descriptors and
    the strand's MEASURES."""
    model = load_model()
    wide = _wide(sel, sel.round_id)
    dims = data.dimensions(sel.db, sel.token, sel.viewer, sel.round_id)
    strand_tidy = profile.item_tidy(wide, dims, model, "strand")
    return profile.strand_cards(dims, strand_tidy, sel.authority, model)


@memo.section
def trajectory(sel: Selection, mode: str) -> ChartParts:
    """The authority's overall level and index (`mode='overall'`) or strands over the rounds."""
    model = load_model()
    traj = head(sel).trajectory
    return ChartParts(
        charts.trajectory_chart(
            traj,
            model,
            round_id=sel.round_id,
            n=None,
            rule=sel.rule,
            authority_name=sel.authority_name,
            mode=mode,
        ),
        profile.trajectory_table(traj, model),
        stem=theme.file_stem(sel.authority, sel.round_id, f"trajectory-{mode}", sel.rule),
        summary=profile.trajectory_summary(traj, sel.authority_name, model),
    )


@memo.section
def evidence(sel: Selection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(evidence notes per dimension, checklist answers) of the current submission."""
    model = load_model()
    rated = ratings(sel.db, sel.token, sel.viewer, sel.authority, sel.round_id)
    answers = checklist(sel.db, sel.token, sel.viewer, sel.authority, sel.round_id)
    return profile.evidence_table(rated, model), profile.checklist_table(answers, model)
