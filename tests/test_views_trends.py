"""ehdmm.views.trends: level shares per round, transitions and movers for England or the peer
group, from every round's levels."""

from __future__ import annotations

from pathlib import Path

from ehdmm.analysis.rounds import load_round
from ehdmm.scoring import Rule
from ehdmm.storage import last_write_token
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import trends
from ehdmm.views.scope import Scope

OWN = "E06000023"


def build(db: Path) -> trends.TrendsView:
    scope = Scope(str(db), last_write_token(db), LOCAL_VIEWER, OWN, "2026-03", "region", Rule.GATED)
    return trends.build(scope, load_round(db, "2026-03", Rule.GATED))


def test_england_and_the_peer_group(demo_db: Path):
    view = build(demo_db)
    england, region = view.group("england"), view.group("peers")
    assert england.members is None and england.label == "England"
    assert len(region.members) == 15 and region.prefix == OWN
    assert list(england.sizes) == list(view.rounds)
    assert all(region.sizes[r] <= england.sizes[r] for r in view.rounds)
    assert england.sizes_text.startswith("n per round: 2023-03: ")


def test_shares_transitions_and_movers(demo_db: Path):
    view = build(demo_db)
    shares = view.shares("england")
    assert shares.stem == "england_2026-03_level-shares_gated"
    parts, stem = view.transitions("peers", "2025-03", "2026-03", "overall")
    assert stem == f"{OWN}_2025-03-to-2026-03_transition-table-overall"
    assert 0 < int(parts.table["Total"].sum()) <= 15
    moved = view.movers("england", "2025-03", "2026-03")
    assert moved.rises_stem == "england_2025-03-to-2026-03_rises"
    assert view.items["overall"] == "Overall"
