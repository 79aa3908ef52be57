"""Built sections of the Trends page, kept between reruns (see `ehdmm.ui.memo`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm.analysis import overview, trends
from ehdmm.charts import theme
from ehdmm.charts import trends as charts
from ehdmm.model import load_model
from ehdmm.ui import data, memo
from ehdmm.ui.state import Selection
from ehdmm.ui.widgets import ChartParts


@dataclass(frozen=True)
class Group:
    members: list[str] | None  # None: England
    label: str
    prefix: str  # first part of downloaded files' names
    sizes: dict[str, int]


def _frame(sel: Selection) -> pd.DataFrame:
    return data.levels(sel.db, sel.token, sel.viewer, None, sel.rule)


@memo.section
def group(sel: Selection, choice: str) -> Group:
    """England (`choice='england'`) or the sidebar's peer group, with its size per round."""
    if choice == "peers":
        members = data.peer_codes(sel.db, sel.token, sel.viewer, sel.authority, sel.peers)
        label = f"{sel.peers_label} ({sel.authority_name}) ({len(members)} authorities)"
        prefix = sel.authority
    else:
        members, label, prefix = None, "England", "england"
    return Group(members, label, prefix, trends.round_sizes(_frame(sel), list(sel.rounds), members))


@memo.section
def shares(sel: Selection, choice: str) -> ChartParts:
    """The share of authorities at each level per strand and round."""
    model = load_model()
    chosen = group(sel, choice)
    table = trends.level_shares(_frame(sel), model, list(sel.rounds), chosen.members)
    return ChartParts(
        charts.level_shares_chart(
            table, model, sizes=chosen.sizes, group=chosen.label, rule=sel.rule
        ),
        trends.level_shares_table(table),
        stem=theme.file_stem(chosen.prefix, sel.round_id, "level-shares", sel.rule),
        summary=trends.shares_summary(table, model),
    )


@memo.section
def transitions(
    sel: Selection, choice: str, from_round: str, to_round: str, item: str
) -> tuple[ChartParts, str]:
    """The transition matrix of one strand (or overall) between two rounds, and the file stem
    of its table."""
    model = load_model()
    chosen = group(sel, choice)
    frame = _frame(sel)
    names = overview.item_names(model)
    matrix = trends.transition_matrix(frame, model, from_round, to_round, item, chosen.members)
    between = f"{from_round}-to-{to_round}"
    parts = ChartParts(
        charts.transition_chart(
            matrix,
            model,
            from_round=from_round,
            to_round=to_round,
            item_name=names[item],
            group=chosen.label,
            rule=sel.rule,
            authority_name=sel.authority_name,
            authority_levels=trends.authority_transition(
                frame, sel.authority, from_round, to_round, item
            ),
        ),
        trends.transition_table(matrix, from_round, to_round),
        stem=theme.file_stem(chosen.prefix, between, f"transitions-{item}", sel.rule),
        summary=trends.transition_summary(matrix, names[item], from_round, to_round),
    )
    return parts, theme.file_stem(chosen.prefix, between, f"transition-table-{item}")


@dataclass(frozen=True)
class Movers:
    rises: pd.DataFrame
    falls: pd.DataFrame
    rises_stem: str
    falls_stem: str


@memo.section
def movers(sel: Selection, choice: str, from_round: str, to_round: str) -> Movers:
    """The largest rises and falls of the maturity index between two rounds."""
    chosen = group(sel, choice)
    changes = trends.index_changes(_frame(sel), from_round, to_round, chosen.members)
    up, down = trends.movers(changes, from_round, to_round)
    between = f"{from_round}-to-{to_round}"
    return Movers(
        up,
        down,
        theme.file_stem(chosen.prefix, between, "rises"),
        theme.file_stem(chosen.prefix, between, "falls"),
    )
