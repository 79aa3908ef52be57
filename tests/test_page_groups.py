"""AppTest of pages/19_Groups.py: the national team creates and edits groups and works the
proposals queue; an authority user proposes a group and sees its own proposals only."""

from __future__ import annotations

from ehdmm import access, group_admin
from ehdmm.viewer import LOCAL_VIEWER, Viewer

PAGE = "pages/19_Groups.py"
CORE = ["E06000023", "E08000035", "E08000025"]


def test_national_creates_a_group_and_a_small_one_is_noted(demo_db, run_page):
    at = run_page(demo_db)
    at.text_input(key="group_new_name").input("Core *cities*")
    at.multiselect(key="group_new_members").select("E06000023").select("E08000035")
    at.button[0].click().run()
    assert any("Core *cities*" in s.value or "Core \\*cities\\*" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert list(table["Group"]) == ["Core *cities*"] and list(table["Members"]) == [2]
    assert any("stay suppressed" in t.value for t in at.text)


def test_an_unknown_or_duplicate_group_is_refused(demo_db, run_page):
    group_admin.create_group(demo_db, LOCAL_VIEWER, "Taken", CORE, actor="t")
    at = run_page(demo_db)
    at.text_input(key="group_new_name").input("Taken")
    at.multiselect(key="group_new_members").select("E06000023")
    at.button[0].click().run()
    assert any("exists already" in e.value for e in at.error)


def test_authority_proposes_and_national_declines(demo_db, run_page, signed_in_as):
    access.add_user(demo_db, "a@bristol.gov.uk", "authority", "E06000023", actor="t")
    at = signed_in_as(demo_db, "a@bristol.gov.uk")
    at.text_input(key="group_propose_name").input("Coastal")
    at.text_area(key="group_propose_members").input("Nowhere\n801")
    at.button[0].click().run()
    assert any("not one authority: Nowhere" in e.value for e in at.error)
    at.text_area(key="group_propose_members").input("Bristol, City of\nE06000024\n\n")
    at.button[0].click().run()
    assert list(at.dataframe[0].value["Outcome"]) == ["pending"]
    national = run_page(demo_db)
    national.selectbox(key="group_proposal").set_value(
        int(group_admin.proposals(demo_db, LOCAL_VIEWER)["id"][0])
    )
    national.text_area(key="group_reason").input("Use the region")
    decline = next(b for b in national.button if b.label == "Decline")
    decline.click().run()
    own = Viewer(role="authority", authority_code="E06000023")
    assert list(group_admin.proposals(demo_db, own)["outcome"]) == ["declined"]


def test_publishing_a_group_too_close_to_a_region_names_it_and_writes_nothing(demo_db, run_page):
    from ehdmm.storage import connect

    with connect(demo_db) as conn:
        north_east = [
            r[0]
            for r in conn.execute(
                "SELECT code FROM authorities WHERE region = 'North East' ORDER BY code"
            ).fetchall()
        ]
    group_admin.create_group(
        demo_db, LOCAL_VIEWER, "North East and Leeds", [*north_east, "E08000035"], actor="t"
    )
    at = run_page(demo_db)
    at.selectbox(key="group_chosen").set_value("North East and Leeds").run()
    next(b for b in at.button if b.label == "Publish").click().run()
    (error,) = [e.value for e in at.error]
    assert "differs from the region North East by 1 authority" in error
    assert error.startswith("custom group") and error.endswith("Nothing was changed.")
    assert list(at.dataframe[0].value["Published"]) == ["no"]
