"""AppTest of pages/17_Tracking.py: every authority's state in the round, counts per state,
filters, the chase list with contacts; an authority user sees its own authority only, with a
role in place of a person."""

from __future__ import annotations

from ehdmm import access, collection
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/17_Tracking.py"


def test_every_authority_with_its_state_and_the_chase_list(demo_db, run_page):
    access.add_user(demo_db, "lead@bristol.gov.uk", "authority", "E06000023", actor="t")
    collection.reopen_for(
        demo_db,
        LOCAL_VIEWER,
        "2025-03",
        "E06000023",
        reason="late",
        actor="lead",
        authority_name="B",
    )
    at = run_page(demo_db)
    table = at.dataframe[0].value
    assert len(table) == 153
    assert set(table["State"]) <= {
        "not started",
        "draft",
        "submitted incomplete",
        "submitted complete",
        "reopened",
    }
    metrics = {m.label: int(m.value) for m in at.metric}
    assert sum(metrics.values()) == 153
    chase = at.dataframe[1].value
    assert set(chase["State"]) <= {"not started", "draft", "submitted incomplete", "reopened"}
    assert len(chase) == 153 - metrics["Submitted complete"]
    at.selectbox(key="tracking_round").set_value("2025-03").run()
    table = at.dataframe[0].value
    row = table[table["ONS code"] == "E06000023"].iloc[0]
    assert row["State"] == "reopened" and row["By"] == "lead"
    chase = at.dataframe[1].value
    assert chase[chase["ONS code"] == "E06000023"].iloc[0]["Contacts"] == "lead@bristol.gov.uk"
    at.multiselect(key="tr_region").select("South West").run()
    assert set(at.dataframe[0].value["Region"]) == {"South West"}


def test_an_authority_user_sees_its_own_row_with_roles(demo_db, signed_in_as):
    access.add_user(demo_db, "lead@bristol.gov.uk", "authority", "E06000023", actor="t")
    collection.reopen_for(
        demo_db,
        LOCAL_VIEWER,
        "2025-03",
        "E06000023",
        reason="x",
        actor="boss@x.gov.uk",
        authority_name="B",
    )
    at = signed_in_as(demo_db, "lead@bristol.gov.uk", round="2025-03")
    table = at.dataframe[0].value
    assert list(table["ONS code"]) == ["E06000023"]
    assert list(table["By"]) == ["a user"]  # boss@x.gov.uk is no registered user: no name
    assert len(at.dataframe) == 1  # no chase list
