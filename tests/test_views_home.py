"""ehdmm.views.home: the round's levels, every authority for a national viewer, its own for an
authority viewer."""

from __future__ import annotations

from ehdmm.analysis.rounds import load_round
from ehdmm.scoring import Rule
from ehdmm.storage import last_write_token
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import home
from ehdmm.views.scope import Scope

OWN = "E06000023"


def test_national_and_authority_viewers(demo_db):
    data = load_round(demo_db, "2026-03", Rule.GATED)
    token = last_write_token(demo_db)
    national = home.build(
        Scope(str(demo_db), token, LOCAL_VIEWER, OWN, "2026-03", "england", Rule.GATED), data
    )
    assert national.assessed == len(national.table) > 100
    viewer = Viewer(role="authority", authority_code=OWN, email="a@bristol.gov.uk")
    own = home.build(
        Scope(str(demo_db), token, viewer, OWN, "2026-03", "england", Rule.GATED), data
    )
    assert own.assessed == 1 and list(own.table["ONS code"]) == [OWN]
    assert own.authority_name == "Bristol, City of"
