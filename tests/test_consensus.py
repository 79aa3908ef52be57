"""The consensus (`ehdmm.consensus`): starts at the median rounded down, a differing level
needs a reason, submitted as the authority's return with its record and audit entry."""

from __future__ import annotations

import pytest

from ehdmm import access, consensus, responses
from ehdmm.assessment import Answer, Draft, NotAllowed
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER

OWN, ROUND = "E06000023", "2026-03"
MODEL = load_model()
DIMS = [d.id for d in MODEL.dimensions]


@pytest.fixture
def three(round_db):
    """Three submitted responses for Bristol: levels 2, 3 and 4 everywhere but casework (1,1,4)."""
    for name, level in (("Ann", 2), ("Bob", 3), ("Cy", 4)):
        who = responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name=name, role_label="X")
        answers = {d: Answer(level=level, evidence=f"{name} on {d}") for d in DIMS}
        answers["casework"] = Answer(level=4 if name == "Cy" else 1)
        draft = responses.load_response(round_db, LOCAL_VIEWER, who.id)
        draft = Draft(OWN, ROUND, answers=answers, revision=draft.revision)
        draft = responses.save_response(round_db, LOCAL_VIEWER, who.id, draft, actor="t")
        responses.submit_response(round_db, LOCAL_VIEWER, who.id, draft, actor="t")
    return round_db


def test_start_is_the_median_rounded_down(three):
    begun = consensus.start(three, LOCAL_VIEWER, OWN, ROUND)
    assert begun.medians["cba"] == 3 and begun.medians["casework"] == 1
    assert len(begun.respondents) == 3 and begun.invited == 3


def test_missing_dimension_or_reason_refused_and_nothing_written(three):
    begun = consensus.start(three, LOCAL_VIEWER, OWN, ROUND)
    levels = dict(begun.medians)
    del levels["research"]
    with pytest.raises(consensus.ConsensusRefused, match="missing for Research"):
        consensus.submit_consensus(three, LOCAL_VIEWER, OWN, ROUND, levels, {})
    levels = dict(begun.medians) | {"casework": 2}
    with pytest.raises(consensus.ConsensusRefused, match="give a reason"):
        consensus.submit_consensus(three, LOCAL_VIEWER, OWN, ROUND, levels, {"casework": " "})
    with connect(three) as conn:
        assert conn.execute("SELECT count(*) FROM submissions").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM consensus_levels").fetchone()[0] == 0


def test_consensus_is_the_authority_return_with_its_record(three):
    begun = consensus.start(three, LOCAL_VIEWER, OWN, ROUND)
    levels = dict(begun.medians) | {"casework": 2}
    made = consensus.submit_consensus(
        three, LOCAL_VIEWER, OWN, ROUND, levels, {"casework": "Cy's evidence convinced us"}
    )
    with connect(three) as conn:
        rows = conn.execute(
            "SELECT status, source FROM submissions WHERE authority_code = ? AND round_id = ?",
            [OWN, ROUND],
        ).fetchall()
        ratings = dict(
            conn.execute(
                "SELECT dimension_id, level FROM ratings WHERE submission_id = ?",
                [made.submission_id],
            ).fetchall()
        )
    assert rows == [("submitted", "form")]
    assert ratings == levels
    record = consensus.consensus_levels(three, LOCAL_VIEWER).set_index("dimension_id")
    assert record.loc["casework", ["median_level", "level", "reason"]].tolist() == [
        1,
        2,
        "Cy's evidence convinced us",
    ]
    assert set(record["sources"]) == {3}
    log = access.audit_log(three, LOCAL_VIEWER)
    assert "consensus" in set(log["action"]) and "submission" in set(log["action"])


def test_no_response_no_consensus(round_db):
    responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Ann", role_label="X")
    with pytest.raises(consensus.ConsensusRefused, match="nothing to draw"):
        consensus.submit_consensus(round_db, LOCAL_VIEWER, OWN, ROUND, dict.fromkeys(DIMS, 2), {})


def test_only_the_lead_submits_the_consensus(three):
    access.add_user(three, "staff@bristol.gov.uk", "authority", OWN, actor="t")
    access.add_user(three, "team@communities.gov.uk", "national", None, actor="t")
    for email in ("staff@bristol.gov.uk", "team@communities.gov.uk"):
        viewer = access.viewer_for(three, email)
        with pytest.raises(NotAllowed):
            consensus.start(three, viewer, OWN, ROUND)
        with pytest.raises(NotAllowed):
            consensus.submit_consensus(three, viewer, OWN, ROUND, dict.fromkeys(DIMS, 2), {})
