"""AppTest of pages/16_Contested.py: how often the consensus differs from the respondents'
median, per dimension, and respondents per authority; an authority user sees its own
authority's counts and the figures across England only as aggregates, suppressed when small."""

from __future__ import annotations

from test_roles import AUTH

from ehdmm import access, consensus
from ehdmm.analysis import spread
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/16_Contested.py"
MODEL = load_model()


def test_national_view_counts_and_shares(demo_db, run_page):
    at = run_page(demo_db, round="2026-03")
    contested, counts = at.dataframe[0].value, at.dataframe[1].value
    every = consensus.consensus_levels(demo_db, LOCAL_VIEWER)
    want = spread.contested(every[every["round_id"] == "2026-03"], MODEL)
    assert list(contested["Consensuses"]) == list(want["consensuses"])
    assert list(contested["Differing from the median"]) == list(want["differing"])
    with connect(demo_db) as conn:
        per = conn.execute("SELECT count(DISTINCT authority_code) FROM respondents").fetchone()[0]
    assert len(counts) == per and (counts["Invited"] >= counts["Submitted"]).all()
    assert "Counts only" in " ".join(c.value for c in at.caption)


def test_an_authority_user_sees_aggregates_and_its_own_counts(demo_db, run_page, monkeypatch):
    with connect(demo_db) as conn:
        code = conn.execute("SELECT min(authority_code) FROM respondents").fetchone()[0]
    access.add_user(demo_db, "a@la.gov.uk", "authority", code, actor="t")
    user = {"is_logged_in": True, "email": "a@la.gov.uk"}
    at = run_page(demo_db, secrets={"auth": dict(AUTH)}, user=user, round="2026-03")
    counts = at.dataframe[1].value
    assert list(counts["Authority"].str.extract(r"\((\w+)\)")[0]) == [code]
    monkeypatch.setenv("EHDMM_MIN_PEERS", "1000")  # every dimension too small: suppressed
    at = run_page(demo_db, secrets={"auth": dict(AUTH)}, user=user, round="2026-03")
    contested = at.dataframe[0].value
    assert (contested["Consensuses"] == "suppressed").all()
    assert (contested["Share differing"] == "suppressed").all()
    assert any("Suppressed" in i.value for i in at.info)
