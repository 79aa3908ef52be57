"""ehdmm.ui.data_benchmark: the peer list (members by name) is built only for a viewer who sees
every authority; an authority viewer's index section is the quartile box, never the strip."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehdmm.storage import last_write_token
from ehdmm.ui import data_benchmark
from ehdmm.ui.state import Selection
from ehdmm.viewer import LOCAL_VIEWER, Viewer

OWN = "E06000023"


def selection(db: Path, viewer: Viewer) -> Selection:
    return Selection(
        db=str(db),
        token=last_write_token(db),
        viewer=viewer,
        authority=OWN,
        authority_name="Bristol, City of",
        round_id="2026-03",
        rounds=("2025-03", "2025-09", "2026-03"),
        peers="england",
        peers_label="England",
        rule="gated",
        demo=True,
    )


def test_an_authority_viewer_gets_no_peer_list_and_no_named_points(demo_db: Path):
    viewer = Viewer(role="authority", authority_code=OWN, email="a@bristol.gov.uk")
    sel = selection(demo_db, viewer)
    with pytest.raises(PermissionError):
        data_benchmark.peer_list(sel)
    index = data_benchmark.index(sel)
    assert index is not None and index.fig.data[0].type == "box"
    assert "Authority" not in index.table.columns


def test_a_national_viewer_gets_every_member_by_name(demo_db: Path):
    sel = selection(demo_db, LOCAL_VIEWER)
    table, stem = data_benchmark.peer_list(sel)
    assert len(table) == 153 and table["Chosen"].tolist().count("yes") == 1
    assert stem == f"{OWN}_2026-03_peers_gated"
    index = data_benchmark.index(sel)
    assert index.fig.data[0].type == "box"  # the strip: a box of every point, then the marker
    assert len(index.table) == len(index.fig.data[0].x)


def test_a_section_built_for_one_viewer_is_never_handed_to_another(demo_db: Path):
    """Built sections are shared between sessions: the viewer is part of the key, so what a
    national user's session built is not what an authority user's session is given."""
    national = data_benchmark.index(selection(demo_db, LOCAL_VIEWER))
    viewer = Viewer(role="authority", authority_code=OWN, email="a@bristol.gov.uk")
    own = data_benchmark.index(selection(demo_db, viewer))
    assert own is not national
    assert len(national.fig.data[0].x) > 100  # every member's point
    assert own.fig.data[0].x is None and own.fig.data[0].q1 is not None  # quartiles only
    assert "Authority" in national.table.columns and "Authority" not in own.table.columns
