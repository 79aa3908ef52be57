"""The national Overview view of one round: who submitted, levels per strand, every authority
side by side (a heatmap, 200 rows at a time beyond 200 authorities), a filterable table and
change since the previous round with submissions. National viewers only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd

from ehdmm import tables
from ehdmm.analysis import overview
from ehdmm.analysis.rounds import RoundData
from ehdmm.charts import overview as charts
from ehdmm.charts import theme
from ehdmm.views.parts import Built, ChartParts
from ehdmm.views.scope import Scope

HEATMAP_ROWS = overview.HEATMAP_ROWS
INCOMPLETE = tables.INCOMPLETE
VIEWS: tuple[str, ...] = ("dimension", "strand")
block_label = overview.block_label
index_bounds = overview.index_bounds
SORT_KEYS = overview.SORT_KEYS
T = TypeVar("T")


@dataclass(frozen=True)
class HeatmapRows:
    """How many rows the heatmap has, its blocks and the one holding the chosen authority."""

    total: int
    blocks: tuple[tuple[int, int], ...]
    selected_block: int


@dataclass(frozen=True)
class LevelsTable:
    """The levels table for the filters' values: authorities shown, the table, its file stem."""

    matched: int
    table: pd.DataFrame
    stem: str


@dataclass(frozen=True)
class OverviewView(Built):
    scope: Scope
    coverage: overview.Coverage
    caption: str
    missing: pd.DataFrame
    missing_stem: str
    options: dict[str, list[str]]
    levels_by_strand: ChartParts
    change: ChartParts | None  # None: no round before this one with submissions
    previous_round: str | None
    peer_codes: tuple[str, ...] | None  # the sidebar's peer group (None: England)
    peer_note: str  # what the peer group does on this page
    _data: RoundData = field(repr=False, compare=False)
    _flags: pd.DataFrame = field(repr=False, compare=False, default_factory=pd.DataFrame)

    def _kept(self, key: tuple, build: Callable[[], T]) -> T:
        """Parts the same for every authority: built once per round (see `RoundData.kept`)."""
        return self._data.kept(self.scope.viewer, ("overview", *key), build)

    def _cells(self, view: str) -> pd.DataFrame:
        def build() -> pd.DataFrame:
            data, viewer = self._data, self.scope.viewer
            return overview.heatmap_cells(
                data.levels(viewer),
                data.dimensions(viewer),
                data.catalogue.authorities,
                data.model,
                by=view,
            )

        return self._kept(("cells", view), build)

    def heatmap_rows(self, view: str) -> HeatmapRows:
        """The heatmap's rows (`view`: 'dimension' or 'strand')."""

        def build() -> HeatmapRows:
            cells = self._cells(view)
            total = int(cells["row"].nunique())
            return HeatmapRows(
                total,
                tuple(overview.row_blocks(total)),
                overview.block_of(cells, self.scope.authority),
            )

        return self._part(("rows", view), build)

    def _block(self, view: str, block: int) -> tuple[pd.DataFrame, str, pd.DataFrame, str]:
        """(the block's cells, which rows it shows, its table, its summary): any authority."""

        def build() -> tuple[pd.DataFrame, str, pd.DataFrame, str]:
            rows = self.heatmap_rows(view)
            cells = self._cells(view)
            shown = ""
            if len(rows.blocks) > 1:
                cells = overview.block_cells(cells, rows.blocks[block])
                shown = "rows " + overview.block_label(rows.blocks[block], rows.total)
            summary = overview.heatmap_summary(cells, self._data.model, self.scope.round_id)
            return cells, shown, overview.heatmap_table(cells), summary

        return self._kept(("block", view, block), build)

    def heatmap(self, view: str, block: int = 0) -> ChartParts:
        """One block of the heatmap's rows (all of them when they fit in one), the chosen
        authority's row marked."""

        def build() -> ChartParts:
            scope = self.scope
            cells, shown, table, summary = self._block(view, block)
            kind = f"heatmap-{view}" + (f"-block{block + 1}" if shown else "")
            return ChartParts(
                charts.heatmap_chart(
                    cells,
                    self._data.model,
                    round_id=scope.round_id,
                    n=self.coverage.assessed,
                    rule=scope.rule,
                    authority=scope.authority,
                    rows_shown=shown,
                ),
                table,
                stem=theme.file_stem("england", scope.round_id, kind, scope.rule),
                summary=summary,
            )

        return self._part(("heatmap", view, block), build)

    def levels_table(
        self,
        regions: tuple[str, ...] = (),
        la_types: tuple[str, ...] = (),
        overall: tuple[str, ...] = (),
        index_range: tuple[float, float] | None = None,
        sort: str = "index",
        ascending: bool = False,
    ) -> LevelsTable:
        """The authorities of the sidebar's peer group that pass the filters, for people,
        sorted with missing values last whichever way."""

        def build() -> LevelsTable:
            model = self._data.model
            shown = overview.filter_levels(
                self._in_group(),
                model,
                regions=list(regions),
                la_types=list(la_types),
                overall=list(overall),
                index_range=index_range,
            )
            shown = overview.sort_levels(shown, sort, ascending)
            return LevelsTable(len(shown), self._for_people(shown), self._stem("levels"))

        key = ("table", self.peer_codes, regions, la_types, overall, index_range, sort, ascending)
        return self._kept(key, build)

    def quick_view(
        self,
        n: int = 5,
        lowest: bool = True,
        regions: tuple[str, ...] = (),
        la_types: tuple[str, ...] = (),
    ) -> LevelsTable:
        """The `n` lowest (or highest) authorities by maturity index in the sidebar's peer
        group, per the region and type filters (incomplete returns have no index: left out)."""

        def build() -> LevelsTable:
            model = self._data.model
            shown = overview.filter_levels(
                self._in_group(), model, regions=list(regions), la_types=list(la_types)
            )
            shown = overview.extremes(shown, n, lowest=lowest)
            kind = f"{'lowest' if lowest else 'highest'}-{n}"
            return LevelsTable(len(shown), self._for_people(shown), self._stem(kind))

        return self._kept(("quick", self.peer_codes, n, lowest, regions, la_types), build)

    def _in_group(self) -> pd.DataFrame:
        frame = self._data.levels(self.scope.viewer)
        if self.peer_codes is None:
            return frame
        return frame[frame["authority_code"].isin(self.peer_codes)]

    def _for_people(self, shown: pd.DataFrame) -> pd.DataFrame:
        table = overview.authority_table(shown, self._data.model)
        order = dict(zip(shown["authority_code"], range(len(shown)), strict=True))
        table = table.iloc[table["ONS code"].map(order).argsort().to_numpy()]
        table = overview.with_query_flags(table.reset_index(drop=True), self._flags)
        return overview.people_columns(table)

    def _stem(self, kind: str) -> str:
        group = "england" if self.peer_codes is None else self.scope.peers.replace(":", "-")
        return theme.file_stem(group, self.scope.round_id, kind, self.scope.rule)


def _change(scope: Scope, data: RoundData, frame: pd.DataFrame) -> ChartParts | None:
    previous = data.previous_round
    if previous is None:
        return None
    history = data.history(scope.viewer)
    before = history[history["round_id"] == previous]
    changes = overview.level_changes(frame, before, data.model)
    return ChartParts(
        charts.change_chart(
            changes,
            data.model,
            round_id=scope.round_id,
            previous_round=previous,
            n=overview.assessed_in_both(frame, before),
            rule=scope.rule,
        ),
        overview.level_changes_table(changes),
        stem=theme.file_stem("england", scope.round_id, "change", scope.rule),
        summary=overview.changes_summary(changes, scope.round_id, previous),
    )


@dataclass(frozen=True)
class _Round:
    """What the overview shows the same for every authority."""

    coverage: overview.Coverage
    missing: pd.DataFrame
    options: dict[str, list[str]]
    counts: pd.DataFrame
    counts_table: pd.DataFrame
    counts_summary: str
    change: ChartParts | None


def _round(scope: Scope, data: RoundData) -> _Round:
    model, frame = data.model, data.levels(scope.viewer)
    authorities = data.catalogue.authorities
    counts = overview.level_counts(frame, model)
    return _Round(
        coverage=overview.coverage(frame, authorities, model),
        missing=overview.missing_authorities(frame, authorities),
        options=overview.filter_options(frame, model),
        counts=counts,
        counts_table=overview.level_counts_table(counts),
        counts_summary=overview.counts_summary(counts, scope.round_id),
        change=_change(scope, data, frame),
    )


def _peer_group(scope: Scope, data: RoundData, name: str) -> tuple[tuple[str, ...] | None, str]:
    """The sidebar's peer group's members (None for England) and what it does here."""
    if scope.peers == "england":
        return None, (
            "Peer group: England. Choose another peer group in the sidebar to narrow the "
            "levels table and the lowest and highest view to it."
        )
    codes = tuple(data.members(scope.viewer, scope.authority, scope.peers))
    return codes, (
        f"Peer group of {name}: {len(codes)} authorities (chosen in the sidebar). The levels "
        "table and the lowest and highest view show these; the counts, heatmap and change "
        "above and below cover England."
    )


def build(scope: Scope, data: RoundData, flags: pd.DataFrame | None = None) -> OverviewView:
    """The overview of the round (every authority: a national viewer's page); `flags` the
    ratings with an unresolved query (authority_code, dimension_id, queries)."""
    model = data.model
    frame = data.levels(scope.viewer)
    name = data.name(scope.authority)
    shared = data.kept(scope.viewer, ("overview", "round"), lambda: _round(scope, data))
    cover = shared.coverage
    codes, note = _peer_group(scope, data, name)
    return OverviewView(
        scope=scope,
        coverage=cover,
        caption=(
            f"Scoring rule: {scope.rule}. {cover.total} authorities in England. "
            + overview.selected_note(frame, scope.authority, name, scope.round_id)
        ),
        missing=shared.missing,
        missing_stem=theme.file_stem("england", scope.round_id, "no-submission"),
        options=shared.options,
        levels_by_strand=ChartParts(
            charts.level_counts_chart(
                shared.counts,
                model,
                round_id=scope.round_id,
                n=cover.assessed,
                rule=scope.rule,
                authority_name=name,
                authority_levels=overview.levels_of(frame, scope.authority, model),
            ),
            shared.counts_table,
            stem=theme.file_stem("england", scope.round_id, "levels-by-strand", scope.rule),
            summary=shared.counts_summary,
        ),
        change=shared.change,
        previous_round=data.previous_round,
        peer_codes=codes,
        peer_note=note,
        _data=data,
        _flags=flags if flags is not None else pd.DataFrame(),
    )
