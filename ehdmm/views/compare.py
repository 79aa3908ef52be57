"""The Compare view: up to eight authorities side by side in the round, under the rule
(national viewers only): the picker's choices, the sidebar's peer group as a choice, and the
charts and table of the authorities chosen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ehdmm.analysis import compare
from ehdmm.analysis.rounds import RoundData
from ehdmm.charts import compare as charts
from ehdmm.charts import theme
from ehdmm.views.parts import Built, ChartParts
from ehdmm.views.scope import Scope

MAX_AUTHORITIES = compare.MAX_AUTHORITIES
DEFAULT_NEIGHBOURS = compare.DEFAULT_NEIGHBOURS
ITEMS: tuple[str, ...] = compare.ITEM_KINDS


@dataclass(frozen=True)
class Comparison:
    """The chosen authorities with a current submission in the round (`present`), those
    without (`missing`), the overlaid radar, the small multiples and the side-by-side table
    (None when no chosen authority has a submission)."""

    present: list[str]
    missing: list[str]
    radar: ChartParts | None
    panels: ChartParts | None
    table: pd.DataFrame | None
    table_stem: str

    @property
    def styled_table(self) -> pd.io.formats.style.Styler | None:
        """The table with the rows that differ shaded (the Differs column says so in words)."""
        return None if self.table is None else compare.highlight_differences(self.table)


@dataclass(frozen=True)
class CompareView(Built):
    scope: Scope
    authority_name: str
    labels: dict[str, str]  # every reference authority's picker label
    default: list[str]  # the authority and its closest statistical neighbours
    _data: RoundData = field(repr=False, compare=False)

    def names_text(self, codes: Sequence[str]) -> str:
        """'A, B and C' (the labels of `codes`)."""
        return compare.names_text(codes, self.labels)

    @property
    def group_selection(self) -> tuple[list[str], int]:
        """(the authorities compared, the group's size) for the sidebar's peer group."""

        def build() -> tuple[list[str], int]:
            scope = self.scope
            members = self._data.members(scope.viewer, scope.authority, scope.peers)
            near = self._data.catalogue.neighbours.get(scope.authority, ())
            return compare.peer_selection(scope.authority, members, near)

        return self._part("group", build)

    def comparison(
        self, chosen: tuple[str, ...], items: str, group_label: str | None = None
    ) -> Comparison:
        """The charts and side-by-side table of the chosen authorities."""
        return self._part(
            ("comparison", chosen, items, group_label),
            lambda: _comparison(self.scope, self._data, chosen, items, group_label),
        )


def _comparison(
    scope: Scope, data: RoundData, chosen: tuple[str, ...], items: str, group_label: str | None
) -> Comparison:
    model = data.model
    wide = data.levels(scope.viewer)
    present, missing = compare.split_by_submission(list(chosen), wide)
    table_stem = theme.file_stem(scope.authority, scope.round_id, "compare-table", scope.rule)
    if not present:
        return Comparison(present, missing, None, None, None, table_stem)
    dims = data.dimensions(scope.viewer)
    long = compare.comparison_long(dims, wide, present, items, model)
    options = {
        "round_id": scope.round_id,
        "n": len(present),
        "rule": scope.rule,
        "items": items,
        "highlight": scope.authority,
        "group_label": group_label,
    }
    chart_table = compare.chart_table(long, items)
    summary = compare.summary(long, items, scope.authority)

    def parts(fig: object, name: str) -> ChartParts:
        stem = theme.file_stem(
            scope.authority, scope.round_id, f"compare-{name}-{items}", scope.rule
        )
        return ChartParts(fig, chart_table, stem=stem, summary=summary)

    return Comparison(
        present,
        missing,
        parts(charts.overlaid_radar(long, model, **options), "radar"),
        parts(charts.small_multiples(long, model, **options), "panels"),
        compare.comparison_table(dims, wide, present, model),
        table_stem,
    )


def build(scope: Scope, data: RoundData) -> CompareView:
    """The Compare page's view (national viewers: the picker names every authority)."""
    labels = compare.authority_labels(data.catalogue.authorities)
    near = data.catalogue.neighbours.get(scope.authority, ())
    return CompareView(
        scope=scope,
        authority_name=data.name(scope.authority),
        labels=labels,
        default=compare.default_selection(scope.authority, near, allowed=labels),
        _data=data,
    )
