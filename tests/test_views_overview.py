"""ehdmm.views.overview: who submitted, the heatmap in blocks, the filtered table and change
since the previous round, from one round's data."""

from __future__ import annotations

from pathlib import Path

from ehdmm.analysis.rounds import load_round
from ehdmm.scoring import Rule
from ehdmm.storage import last_write_token
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import overview
from ehdmm.views.scope import Scope

OWN = "E06000023"


def build(db: Path, round_id: str = "2026-03") -> overview.OverviewView:
    scope = Scope(str(db), last_write_token(db), LOCAL_VIEWER, OWN, round_id, "england", Rule.GATED)
    return overview.build(scope, load_round(db, round_id, Rule.GATED))


def test_coverage_and_the_table(demo_db: Path):
    view = build(demo_db)
    cover = view.coverage
    assert cover.total == 153 and cover.assessed + cover.missing == 153
    assert len(view.missing) == cover.missing
    everything = view.levels_table()
    assert (
        everything.matched == cover.assessed and everything.stem == "england_2026-03_levels_gated"
    )
    south_west = view.levels_table(regions=("South West",))
    assert 0 < south_west.matched < cover.assessed
    assert set(south_west.table["Region"]) == {"South West"}
    assert view.levels_table(regions=("South West",)) is south_west, "kept per filters"


def test_the_heatmap_holds_every_authority(demo_db: Path):
    view = build(demo_db)
    rows = view.heatmap_rows("dimension")
    assert rows.total == 153 and rows.blocks == ((0, 153),) and rows.selected_block == 0
    heatmap = view.heatmap("strand")
    assert len(heatmap.table) == 153 and heatmap.stem == "england_2026-03_heatmap-strand_gated"


def test_change_since_the_previous_round_and_none_before_the_first(demo_db: Path):
    assert build(demo_db).previous_round == "2025-03"
    assert build(demo_db).change.stem == "england_2026-03_change_gated"
    first = build(demo_db, "2023-03")
    assert first.previous_round is None and first.change is None
