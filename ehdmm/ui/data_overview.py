"""Built sections of the Overview page, kept between reruns (see `ehdmm.ui.memo`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm.analysis import overview
from ehdmm.charts import overview as charts
from ehdmm.charts import theme
from ehdmm.model import load_model
from ehdmm.ui import data, memo
from ehdmm.ui.state import Selection
from ehdmm.ui.widgets import ChartParts


@dataclass(frozen=True)
class Header:
    coverage: overview.Coverage
    caption: str
    missing: pd.DataFrame
    missing_stem: str
    options: dict[str, list[str]]


def _levels(sel: Selection, round_id: str | None) -> pd.DataFrame:
    return data.levels(sel.db, sel.token, sel.viewer, round_id, sel.rule)


@memo.section
def header(sel: Selection) -> Header:
    """Who submitted, the page caption and the table filters' choices."""
    model = load_model()
    frame = _levels(sel, sel.round_id)
    authorities = data.authorities(sel.db, sel.token)
    cover = overview.coverage(frame, authorities, model)
    return Header(
        coverage=cover,
        caption=(
            f"Scoring rule: {sel.rule}. {cover.total} authorities in England. "
            + overview.selected_note(frame, sel.authority, sel.authority_name, sel.round_id)
        ),
        missing=overview.missing_authorities(frame, authorities),
        missing_stem=theme.file_stem("england", sel.round_id, "no-submission"),
        options=overview.filter_options(frame, model),
    )


@memo.section
def levels_by_strand(sel: Selection) -> ChartParts:
    model = load_model()
    frame = _levels(sel, sel.round_id)
    counts = overview.level_counts(frame, model)
    return ChartParts(
        charts.level_counts_chart(
            counts,
            model,
            round_id=sel.round_id,
            n=header(sel).coverage.assessed,
            rule=sel.rule,
            authority_name=sel.authority_name,
            authority_levels=overview.levels_of(frame, sel.authority, model),
        ),
        overview.level_counts_table(counts),
        stem=theme.file_stem("england", sel.round_id, "levels-by-strand", sel.rule),
        summary=overview.counts_summary(counts, sel.round_id),
    )


@memo.section
def heatmap_cells(sel: Selection, view: str) -> pd.DataFrame:
    """Every authority x the dimensions (`view='dimension'`) or strands, as tidy cells."""
    dims = data.dimensions(sel.db, sel.token, sel.viewer, sel.round_id)
    authorities = data.authorities(sel.db, sel.token)
    return overview.heatmap_cells(
        _levels(sel, sel.round_id), dims, authorities, load_model(), by=view
    )


@dataclass(frozen=True)
class HeatmapRows:
    total: int
    blocks: tuple[tuple[int, int], ...]
    selected_block: int


@memo.section
def heatmap_rows(sel: Selection, view: str) -> HeatmapRows:
    """How many rows the heatmap has, its blocks and the one holding the chosen authority."""
    cells = heatmap_cells(sel, view)
    total = int(cells["row"].nunique())
    return HeatmapRows(
        total, tuple(overview.row_blocks(total)), overview.block_of(cells, sel.authority)
    )


@memo.section
def heatmap(sel: Selection, view: str, block: int = 0) -> ChartParts:
    """One block of the heatmap's rows (all of them when they fit in one)."""
    model = load_model()
    rows = heatmap_rows(sel, view)
    cells = heatmap_cells(sel, view)
    shown = ""
    if len(rows.blocks) > 1:
        cells = overview.block_cells(cells, rows.blocks[block])
        shown = "rows " + overview.block_label(rows.blocks[block], rows.total)
    return ChartParts(
        charts.heatmap_chart(
            cells,
            model,
            round_id=sel.round_id,
            n=header(sel).coverage.assessed,
            rule=sel.rule,
            authority=sel.authority,
            rows_shown=shown,
        ),
        overview.heatmap_table(cells),
        stem=theme.file_stem(
            "england",
            sel.round_id,
            f"heatmap-{view}" + (f"-block{block + 1}" if shown else ""),
            sel.rule,
        ),
        summary=overview.heatmap_summary(cells, model, sel.round_id),
    )


@memo.section
def levels_table(
    sel: Selection,
    regions: tuple[str, ...],
    la_types: tuple[str, ...],
    overall: tuple[str, ...],
    index_range: tuple[float, float],
) -> tuple[int, pd.DataFrame, str]:
    """(authorities shown, the table, its file stem) for the filters' values."""
    model = load_model()
    shown = overview.filter_levels(
        _levels(sel, sel.round_id),
        model,
        regions=list(regions),
        la_types=list(la_types),
        overall=list(overall),
        index_range=index_range,
    )
    return (
        len(shown),
        overview.authority_table(shown, model),
        theme.file_stem("england", sel.round_id, "levels", sel.rule),
    )


@memo.section
def change(sel: Selection) -> ChartParts | None:
    """Change since the previous round with submissions; None when there is none."""
    if sel.previous_round is None:
        return None
    model = load_model()
    frame = _levels(sel, sel.round_id)
    before = _levels(sel, sel.previous_round)
    changes = overview.level_changes(frame, before, model)
    return ChartParts(
        charts.change_chart(
            changes,
            model,
            round_id=sel.round_id,
            previous_round=sel.previous_round,
            n=overview.assessed_in_both(frame, before),
            rule=sel.rule,
        ),
        overview.level_changes_table(changes),
        stem=theme.file_stem("england", sel.round_id, "change", sel.rule),
        summary=overview.changes_summary(changes, sel.round_id, sel.previous_round),
    )
