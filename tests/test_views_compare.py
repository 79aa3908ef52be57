"""ehdmm.views.compare: the picker's choices, the sidebar's peer group as a choice, and the
charts and table of the authorities chosen."""

from __future__ import annotations

from pathlib import Path

from ehdmm.analysis.rounds import load_round
from ehdmm.scoring import Rule
from ehdmm.storage import last_write_token
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import compare
from ehdmm.views.scope import Scope

OWN = "E06000023"


def build(db: Path, peers: str = "neighbours") -> compare.CompareView:
    scope = Scope(str(db), last_write_token(db), LOCAL_VIEWER, OWN, "2026-03", peers, Rule.GATED)
    return compare.build(scope, load_round(db, "2026-03", Rule.GATED))


def test_the_default_is_the_authority_and_its_closest_neighbours(demo_db: Path):
    view = build(demo_db)
    assert view.default[0] == OWN and len(view.default) == compare.DEFAULT_NEIGHBOURS + 1
    assert len(view.labels) == 153
    chosen, size = view.group_selection
    assert chosen[0] == OWN and len(chosen) == compare.MAX_AUTHORITIES and size == 11


def test_the_comparison_of_the_chosen(demo_db: Path):
    view = build(demo_db)
    gap = "E06000022"  # no submission in 2026-03
    result = view.comparison((*view.default, gap), "dimension")
    assert result.missing == [gap] and result.present == view.default
    assert result.radar.stem == f"{OWN}_2026-03_compare-radar-dimension_gated"
    assert len(result.table) == 8 + 5 + 2  # dimensions, strands, overall and index
    assert result.styled_table is not None
    assert view.names_text(result.missing) == view.labels[gap]
    none = view.comparison((gap,), "strand")
    assert none.present == [] and none.table is None and none.styled_table is None
