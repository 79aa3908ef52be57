"""ehdmm.views.benchmark: the peer list (members by name) only for a viewer who sees every
authority; an authority viewer's index is the quartile box, never the strip of named points."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehdmm.analysis.rounds import load_round
from ehdmm.scoring import Rule
from ehdmm.storage import last_write_token
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import benchmark
from ehdmm.views.scope import Scope

OWN = "E06000023"
AUTHORITY = Viewer(role="authority", authority_code=OWN, email="a@bristol.gov.uk")


def build(db: Path, viewer: Viewer) -> benchmark.BenchmarkView:
    scope = Scope(str(db), last_write_token(db), viewer, OWN, "2026-03", "england", Rule.GATED)
    return benchmark.build(scope, load_round(db, "2026-03", Rule.GATED))


def test_an_authority_viewer_gets_no_peer_list_and_no_named_points(demo_db: Path):
    view = build(demo_db, AUTHORITY)
    with pytest.raises(PermissionError):
        view.peer_list  # noqa: B018
    index = view.index.chart
    assert index is not None and index.fig.data[0].type == "box"
    assert index.fig.data[0].x is None and index.fig.data[0].q1 is not None  # quartiles only
    assert "Authority" not in index.table.columns
    assert view.members_text == "England has 153 members (your authority included)."


def test_a_national_viewer_gets_every_member_by_name(demo_db: Path):
    view = build(demo_db, LOCAL_VIEWER)
    table, stem = view.peer_list
    assert len(table) == 153 and table["Chosen"].tolist().count("yes") == 1
    assert stem == f"{OWN}_2026-03_peers_gated"
    index = view.index.chart
    assert index.fig.data[0].type == "box"  # the strip: a box of every point, then the marker
    assert len(index.table) == len(index.fig.data[0].x) > 100
    assert "Authority" in index.table.columns


def test_the_distribution_counts_the_group_and_marks_the_authority(demo_db: Path):
    view = build(demo_db, LOCAL_VIEWER)
    dist = view.distribution("dimension").frame
    assert max(dist.groupby("item_id")["count"].sum()) <= view.counts.submitted
    assert dist["own"].sum() == 8  # its own level on each of the 8 dimensions
    assert view.distribution("strand").position.startswith("Bristol, City of: ")
