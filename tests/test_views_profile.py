"""ehdmm.views.profile: the Authority profile view holds everything the authority's report
shows about the authority (the report is rendered from it: tests/test_export_report.py checks
that their numbers agree for both kinds of viewer), and an authority viewer gets only its own
authority and aggregates."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehdmm import peers
from ehdmm.access import AccessDenied
from ehdmm.analysis.rounds import load_round
from ehdmm.scoring import Rule
from ehdmm.storage import last_write_token
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import profile
from ehdmm.views.scope import Scope

OWN = "E06000023"
OTHER = "E08000025"
ROUND = "2026-03"
AUTHORITY = Viewer(role="authority", authority_code=OWN, email="a@bristol.gov.uk")


def scope(db: Path, viewer: Viewer, peers_key: str = "region", authority: str = OWN) -> Scope:
    return Scope(str(db), last_write_token(db), viewer, authority, ROUND, peers_key, Rule.GATED)


def build(db: Path, viewer: Viewer, peers_key: str = "region") -> profile.ProfileView:
    return profile.build(scope(db, viewer, peers_key), load_round(db, ROUND, Rule.GATED))


def test_the_report_s_charts_are_there(demo_db):
    view = build(demo_db, LOCAL_VIEWER)
    radar = view.levels("dimension").radar
    assert radar.fig.data and radar.stem == f"{OWN}_{ROUND}_radar-dimension_gated"
    assert view.trajectory_chart("overall").stem == f"{OWN}_{ROUND}_trajectory-overall_gated"
    assert view.distribution("strand").chart.stem == f"{OWN}_{ROUND}_distribution-strand_gated"
    assert view.levels("dimension") is view.levels("dimension"), "built once, then kept"
    with pytest.raises(ValueError):
        view.trajectory_chart("sideways")


def test_an_authority_viewer_of_a_small_group_gets_suppression_only(demo_db):
    peers.save_custom_group(demo_db, "three", [OWN, OTHER, "E09000001"])
    assert peers.publish_group(demo_db, "three", actor="tests")
    view = build(demo_db, AUTHORITY, "custom:three")
    assert view.headline.rank.rank == "suppressed" and view.counts.submitted is None
    assert view.levels("dimension").notes["peer"] == "Suppressed: fewer than 5 other authorities"
    assert view.levels("dimension").notes["england"] is None
    assert view.index.chart is None and view.index.points is None
    with pytest.raises(PermissionError):
        view.peer_list  # noqa: B018 (the members by name are for national viewers)


def test_an_authority_viewer_cannot_have_another_authority_s_profile(demo_db):
    data = load_round(demo_db, ROUND, Rule.GATED)
    with pytest.raises(AccessDenied):
        profile.build(scope(demo_db, AUTHORITY, authority=OTHER), data)


def test_without_a_submission_in_the_round(demo_db):
    data = load_round(demo_db, ROUND, Rule.GATED)
    gap = "E06000022"  # no submission in 2026-03 in the demo data
    view = profile.build(scope(demo_db, LOCAL_VIEWER, authority=gap), data)
    assert view.headline is None and view.cards == () and not view.has_submission
    assert "has no current submission in round 2026-03" in view.no_submission_message
    assert view.trajectory.rounds_submitted == ["2023-03", "2024-03", "2025-03"]


def test_beside_gives_one_authoritys_targets_and_actions_in_stored_order():
    import pandas as pd

    targets = pd.DataFrame(
        {"authority_code": ["A", "B", "A"], "dimension_id": ["x", "y", "z"]}, index=[7, 8, 9]
    )
    actions = pd.DataFrame({"authority_code": ["B"], "title": ["Train staff"]})
    beside = profile.Beside(targets, actions)
    own_targets, own_actions = beside.of("A")
    assert own_targets["dimension_id"].tolist() == ["x", "z"]
    assert own_targets.index.tolist() == [0, 1] and own_actions.empty
    assert list(own_actions.columns) == ["authority_code", "title"]
    assert beside.of("B")[1]["title"].tolist() == ["Train staff"]
    assert all(frame.empty for frame in beside.of("nobody"))
