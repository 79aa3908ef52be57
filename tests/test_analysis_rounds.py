"""ehdmm.analysis.rounds: a round's data loaded once (one scoring query for every round under a
rule), equal to the direct reads, and handed out to a viewer only as it may see it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ehdmm import peers, scoring
from ehdmm.access import AccessDenied
from ehdmm.analysis import rounds
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER, Viewer

MODEL = load_model()
ROUND = "2026-03"
OWN = "E06000023"
OTHER = "E08000025"
AUTHORITY = Viewer(role="authority", authority_code=OWN, email="a@bristol.gov.uk")


@pytest.fixture
def data(demo_db: Path) -> rounds.RoundData:
    peers.save_custom_group(demo_db, "three", [OWN, OTHER, "E09000001"])
    return rounds.load_round(demo_db, ROUND, "best-fit")


def test_levels_are_the_scoring_s_with_the_authorities_facts(data, demo_db):
    with connect(demo_db) as conn:
        expected = scoring.authority_levels(conn, LOCAL_VIEWER, ROUND, "best-fit")
    got = data.levels(LOCAL_VIEWER)
    assert data.rule is scoring.Rule.BEST_FIT
    columns = list(expected.columns)
    pd.testing.assert_frame_equal(got[columns], expected, check_dtype=False)
    assert got.loc[got["authority_code"] == OWN, "region"].item() == "South West"
    assert set(data.history(LOCAL_VIEWER)["round_id"]) == set(data.rounds)


def test_dimension_levels_are_the_scoring_s(data, demo_db):
    with connect(demo_db) as conn:
        expected = scoring.dimension_levels(conn, LOCAL_VIEWER, ROUND)
    columns = ["authority_code", "round_id", "strand_id", "dimension_id", "level"]
    pd.testing.assert_frame_equal(
        data.dimensions(LOCAL_VIEWER)[columns], expected[columns], check_dtype=False
    )


@pytest.mark.parametrize("group", ["england", "region", "type", "neighbours", "custom:three"])
@pytest.mark.parametrize("authority", [OWN, OTHER, "E10000003"])
def test_members_are_those_of_the_peer_groups(data, demo_db, group, authority):
    with connect(demo_db) as conn:
        expected = peers.peer_members(conn, LOCAL_VIEWER, authority, peers.parse_peer_group(group))
    assert data.catalogue.members(authority, group) == expected


def test_the_catalogue_is_what_anyone_may_know(data, demo_db):
    catalogue = data.catalogue
    with connect(demo_db) as conn:
        history = store.submission_history(conn, LOCAL_VIEWER)
    assert catalogue.rounds == tuple(
        sorted(set(history.loc[history["status"] == "submitted", "round_id"]))
    )
    assert catalogue.demo and catalogue.group_names == ["three"]
    assert catalogue.labels[OWN] == "Bristol, City of (E06000023, DfE 801)"
    assert (
        catalogue.previous_round("2026-03") == "2025-03"
        and catalogue.previous_round("2023-03") is None
    )


def test_an_authority_viewer_gets_its_own_rows_only(data):
    assert set(data.levels(AUTHORITY)["authority_code"]) == {OWN}
    assert set(data.history(AUTHORITY)["authority_code"]) == {OWN}
    assert set(data.dimensions(AUTHORITY)["authority_code"]) == {OWN}
    assert len(data.ratings(AUTHORITY, OWN)) == 8
    assert data.ratings(AUTHORITY, OTHER).empty and data.checklist(AUTHORITY, OTHER).empty
    assert not data.has_submission(AUTHORITY, OTHER) and data.has_submission(LOCAL_VIEWER, OTHER)
    with pytest.raises(AccessDenied):
        data.members(AUTHORITY, OWN, "region")
    assert OWN in data.members(LOCAL_VIEWER, OWN, "region")


def test_a_round_is_a_slice_of_the_one_scoring_of_every_round(demo_db, monkeypatch):
    calls = []
    score = scoring.score
    monkeypatch.setattr(scoring, "score", lambda *a, **k: calls.append(a[2]) or score(*a, **k))
    catalogue = rounds.load_catalogue(demo_db)
    scores = rounds.load_scores(demo_db, "gated")
    for round_id in catalogue.rounds:
        data = rounds.RoundData.of(
            catalogue, scores, rounds.load_returns(demo_db, round_id), round_id
        )
        assert set(data.levels(LOCAL_VIEWER)["round_id"]) == {round_id}
        assert len(data.dimensions(LOCAL_VIEWER)) == 8 * len(data.levels(LOCAL_VIEWER))
    assert calls == [None], "one query, every round"


def test_an_empty_database_has_an_empty_round(empty_db):
    data = rounds.load_round(empty_db, None, "gated")
    assert data.rounds == () and data.levels(LOCAL_VIEWER).empty
    assert data.dimensions(LOCAL_VIEWER).empty and not data.demo
