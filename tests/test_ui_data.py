"""ehdmm.ui.data: the round's data is scored once per database state and rule, whatever the
pages, authorities and viewers asking; every view is built once per scope; a write to the
database makes fresh entries."""

from __future__ import annotations

import pytest
import streamlit as st

from ehdmm import scoring
from ehdmm.scoring import Rule
from ehdmm.storage import last_write_token
from ehdmm.ui import data
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views.scope import Scope

OWN = "E06000023"
AUTHORITY = Viewer(role="authority", authority_code=OWN, email="a@bristol.gov.uk")


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def scored(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rules of every scoring query of live data run."""
    calls: list[str] = []
    score = scoring.score

    def counted(conn, viewer, round_id, rule, model=None, *, published=False):
        if not published:  # the publications' scoring is its own query, once per rule too
            calls.append(str(rule))
        return score(conn, viewer, round_id, rule, model, published=published)

    monkeypatch.setattr(scoring, "score", counted)
    return calls


def scope(db, viewer=LOCAL_VIEWER, authority=OWN, round_id="2026-03", rule=Rule.GATED) -> Scope:
    return Scope(str(db), last_write_token(db), viewer, authority, round_id, "region", rule)


def test_one_scoring_query_for_every_page_authority_and_round(demo_db, scored):
    for authority in ("E06000023", "E08000025", "E10000003", "E06000001"):
        for round_id in ("2025-03", "2026-03"):
            chosen = scope(demo_db, authority=authority, round_id=round_id)
            data.profile_view(chosen)
            data.benchmark_view(chosen).distribution("dimension")
            data.overview_view(chosen)
            data.compare_view(chosen)
            data.trends_view(chosen)
    data.profile_view(scope(demo_db, AUTHORITY))
    assert scored == ["gated"]
    data.profile_view(scope(demo_db, rule=Rule.BEST_FIT))
    assert scored == ["gated", "best-fit"]


def test_a_view_is_built_once_per_scope_and_viewers_never_share_one(demo_db, scored):
    national = data.profile_view(scope(demo_db))
    assert data.profile_view(scope(demo_db)) is national
    own = data.profile_view(scope(demo_db, AUTHORITY))
    assert own is not national
    assert national.peer_list[0]["Authority"].size == 15
    with pytest.raises(PermissionError):
        own.peer_list  # noqa: B018


def test_a_write_makes_fresh_entries(demo_db, scored):
    from ehdmm import access

    before = data.home_view(scope(demo_db))
    access.audit(demo_db, "tests", "export", "a file")  # any write changes the token
    after = data.home_view(scope(demo_db))
    assert after is not before and scored == ["gated", "gated"]


def test_the_helpers_of_the_assess_page(demo_db):
    token = last_write_token(demo_db)
    own = data.levels(str(demo_db), token, AUTHORITY, "2026-03", Rule.GATED)
    assert list(own["authority_code"]) == [OWN]
    every = data.levels(str(demo_db), token, AUTHORITY, None, Rule.GATED)
    assert set(every["authority_code"]) == {OWN} and every["round_id"].nunique() > 1
    rank = data.rank(str(demo_db), token, AUTHORITY, OWN, "region", "2026-03", Rule.GATED)
    assert rank is not None and rank.n > 5
