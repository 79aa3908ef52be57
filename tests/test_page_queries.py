"""AppTest of pages/18_Queries.py: the national team raises and resolves queries; an
authority user sees its own only and answers them; nothing shows internal ids."""

from __future__ import annotations

from ehdmm import access, moderation
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/18_Queries.py"


def _raise(db, code: str = "E06000023") -> int:
    return moderation.raise_query(
        db,
        LOCAL_VIEWER,
        authority_code=code,
        round_id="2026-03",
        dimension_id="cba",
        question="Which costs were counted?",
        actor="lead",
    ).query_id


def test_national_raises_and_resolves(demo_db, run_page):
    at = run_page(demo_db, round="2026-03")
    assert at.dataframe[0].value.empty
    at.selectbox(key="query_authority").set_value("E06000023")
    at.selectbox(key="query_dim").set_value("casework")
    at.text_area(key="query_question").input("Is the system in use everywhere?")
    at.selectbox(key="query_level").set_value(2)
    at.button[0].click().run()
    assert any("E06000023 (Bristol, City of)" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert list(table["Authority"]) == ["Bristol, City of"]
    assert list(table["Dimension"]) == ["Casework management system"]
    assert list(table["State"]) == ["open"] and list(table["Suggested level"]) == ["Developing"]
    [query_id] = moderation.round_queries(demo_db, LOCAL_VIEWER, "2026-03")["id"]
    [label] = at.selectbox(key="query_to_resolve").options
    assert label.startswith("Casework management system, raised ") and "Bristol" in label
    at.selectbox(key="query_to_resolve").set_value(int(query_id))
    at.text_area(key="query_resolution").input("Confirmed by phone")
    at.button[1].click().run()
    assert list(at.dataframe[0].value["State"]) == ["resolved"]


def test_a_refused_query_says_why(demo_db, run_page):
    at = run_page(demo_db, round="2026-03")
    at.selectbox(key="query_authority").set_value("E06000023")
    at.button[0].click().run()
    assert any("question is empty" in e.value for e in at.error)
    assert moderation.round_queries(demo_db, LOCAL_VIEWER, "2026-03").empty


def test_an_authority_user_answers_its_own_and_sees_no_other(demo_db, signed_in_as):
    access.add_user(demo_db, "a@bristol.gov.uk", "authority", "E06000023", actor="t")
    own = _raise(demo_db)
    _raise(demo_db, "E08000035")
    at = signed_in_as(demo_db, "a@bristol.gov.uk", round="2026-03")
    table = at.dataframe[0].value
    assert list(table["Dimension"]) == ["Cost Benefit Analysis (CBA)"]
    [label] = at.selectbox(key="query_to_answer").options
    assert label.startswith("Cost Benefit Analysis (CBA), raised ") and "Query" not in label
    assert "Leeds" not in str(at.selectbox(key="query_to_answer").options)
    at.selectbox(key="query_to_answer").set_value(own)
    at.text_area(key="query_answer_text").input("Every cost centre.")
    at.button[0].click().run()
    assert list(at.dataframe[0].value["State"]) == ["answered"]
