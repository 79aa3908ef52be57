"""The Groups view: groups with their published state, the pending proposals for the national
team, an authority's own proposals without a list of other authorities."""

from __future__ import annotations

from ehdmm import group_admin
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import groups

OWN = Viewer(role="authority", authority_code="E06000023", email="a@bristol.gov.uk")


def test_the_national_and_the_authority_views(empty_db):
    group_admin.create_group(empty_db, LOCAL_VIEWER, "Pair", ["E06000023", "E08000035"], actor="t")
    group_admin.propose(empty_db, OWN, "Coast", ["E06000023", "E06000024"], actor=OWN.name)
    names = {"E06000023": "Bristol, City of", "E06000024": "North Somerset"}
    national = groups.build(
        True,
        group_admin.groups_table(empty_db, LOCAL_VIEWER),
        group_admin.proposals(empty_db, LOCAL_VIEWER),
        {"E06000023": "Bristol"},
        names,
        {"Pair": "note"},
    )
    assert list(national.groups["Published"]) == ["no"]
    assert [label.split(": ")[1] for label in national.pending.values()] == ["Coast"]
    assert list(national.proposals["From"]) == ["Bristol, City of"]
    assert list(national.proposals["Members"]) == ["Bristol, City of; North Somerset"]
    own = groups.build(False, None, group_admin.proposals(empty_db, OWN), {}, {}, {})
    assert own.authorities == {} and own.pending == {} and own.groups.empty
    assert list(own.proposals["Outcome"]) == ["pending"] and "From" not in own.proposals
