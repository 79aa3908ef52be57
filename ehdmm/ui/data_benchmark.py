"""Built sections of the Peer benchmark page, kept between reruns (see `ehdmm.ui.memo`).

Peer data comes only through `ehdmm.ui.data_aggregates` (disclosure control for authority
viewers); named members are read only for a viewer who sees every authority."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm.analysis import aggregates, benchmark, profile
from ehdmm.charts import benchmark as charts
from ehdmm.charts import theme
from ehdmm.model import load_model
from ehdmm.ui import data, data_aggregates, memo
from ehdmm.ui.state import Selection
from ehdmm.ui.widgets import ChartParts


def _peer_args(sel: Selection) -> tuple:
    return (sel.db, sel.token, sel.viewer, sel.authority, sel.peers, sel.round_id, sel.rule)


@dataclass(frozen=True)
class Head:
    counts: aggregates.GroupCounts
    has_submission: bool


@memo.section
def head(sel: Selection) -> Head:
    """The group's counts and whether the authority has a submission in the round."""
    own = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
    return Head(
        data_aggregates.group_counts(*_peer_args(sel)),
        profile.has_submission(own, sel.authority),
    )


@memo.section
def distribution(sel: Selection, items: str) -> tuple[str, ChartParts]:
    """(where the authority sits, in words; the distribution chart) per strand or dimension."""
    model = load_model()
    top = head(sel)
    dist = data_aggregates.distribution(*_peer_args(sel), items)
    position = profile.escape_markdown(
        benchmark.position_text(dist, sel.authority_name, model, top.has_submission)
    )
    return position, ChartParts(
        charts.distribution_chart(
            dist,
            model,
            round_id=sel.round_id,
            n=top.counts.submitted,
            rule=sel.rule,
            authority_name=sel.authority_name,
            peers_label=sel.peers_label,
            has_submission=top.has_submission,
        ),
        benchmark.distribution_table(dist, sel.authority_name),
        stem=theme.file_stem(sel.authority, sel.round_id, f"distribution-{items}", sel.rule),
        summary=benchmark.distribution_summary(dist),
    )


def _members(sel: Selection) -> tuple[pd.DataFrame, list[str]]:
    wide = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
    return wide, data.peer_codes(sel.db, sel.token, sel.viewer, sel.authority, sel.peers)


@memo.section
def index(sel: Selection) -> ChartParts | None:
    """The maturity index: every member as a named point for a viewer who sees all; otherwise
    a box of the quartiles, or None when disclosure control suppresses it."""
    if sel.viewer.sees_all:
        wide, members = _members(sel)
        points = benchmark.index_points(wide, members, sel.authority)
        return ChartParts(
            charts.index_strip(
                points,
                round_id=sel.round_id,
                n=len(points),
                rule=sel.rule,
                authority_name=sel.authority_name,
                peers_label=sel.peers_label,
            ),
            benchmark.index_table(points),
            stem=theme.file_stem(sel.authority, sel.round_id, "index", sel.rule),
            summary=benchmark.index_summary(points, sel.authority_name),
        )
    quartiles = data_aggregates.index_summary(*_peer_args(sel))
    if quartiles is None:
        return None
    return ChartParts(
        charts.index_box(
            quartiles,
            round_id=sel.round_id,
            rule=sel.rule,
            authority_name=sel.authority_name,
            peers_label=sel.peers_label,
        ),
        benchmark.index_quartiles_table(quartiles, sel.authority_name),
        stem=theme.file_stem(sel.authority, sel.round_id, "index-quartiles", sel.rule),
        summary=benchmark.index_quartiles_summary(quartiles, sel.authority_name),
    )


@memo.section
def peer_list(sel: Selection) -> tuple[pd.DataFrame, str]:
    """Every member by name (for a viewer who sees all authorities only) and its file stem."""
    if not sel.viewer.sees_all:
        raise PermissionError("The peer list names other authorities: national users only.")
    wide, members = _members(sel)
    table = benchmark.peer_table(
        wide, data.authorities(sel.db, sel.token), members, load_model(), sel.authority
    )
    return table, theme.file_stem(sel.authority, sel.round_id, "peers", sel.rule)
