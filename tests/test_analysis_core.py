"""ehdmm.analysis.core: who may list a peer group's members, and the rounds every viewer
picks from (real DuckDB: the demo database)."""

from __future__ import annotations

import pandas as pd

from ehdmm.analysis import aggregates, core
from ehdmm.analysis.rounds import load_round
from ehdmm.viewer import LOCAL_VIEWER, Viewer

OWN = "E06000023"  # Bristol, City of
OWN_VIEWER = Viewer(role="authority", authority_code=OWN, email="analyst@bristol.gov.uk")


def test_an_authority_viewer_gets_the_group_size_through_aggregates(demo_db):
    data = load_round(demo_db, "2026-03", "gated")
    counts = aggregates.peer_figures(data, OWN_VIEWER, OWN, "region").counts
    assert (counts.members, counts.in_group) == (15, True)


def test_rounds_are_the_pool_s_for_every_viewer(demo_db):
    pool = core.rounds_with_submissions(demo_db, LOCAL_VIEWER)
    assert pool == ["2023-03", "2024-03", "2025-03", "2026-03"]
    gap = Viewer(role="authority", authority_code="E06000022")  # none in 2026-03
    assert core.rounds_with_submissions(demo_db, gap) == pool
    assert core.own_rounds(demo_db, gap, "E06000022") == ["2023-03", "2024-03", "2025-03"]
    assert core.own_rounds(demo_db, gap, OWN) == []
    assert core.own_rounds(demo_db, LOCAL_VIEWER, "E06000022") == pool[:3]


def test_rounds_of_an_empty_database(empty_db):
    assert core.rounds_with_submissions(empty_db, OWN_VIEWER) == []


def test_authority_rows_are_found_through_the_index_in_their_order():
    frame = pd.DataFrame({"authority_code": ["A", "B", "A"], "v": [1, 2, 3]}, index=[7, 8, 9])
    index = core.rows_index(frame)
    assert core.authority_rows(frame, index, "A")["v"].tolist() == [1, 3]
    assert core.authority_rows(frame, index, "A").index.tolist() == [7, 9]
    empty = core.authority_rows(frame, index, "C")
    assert empty.empty and list(empty.columns) == ["authority_code", "v"]
