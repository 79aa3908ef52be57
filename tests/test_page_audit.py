"""AppTest of pages/11_Audit.py: the national team's view of the audit log, its filters and
downloads; an authority user is refused (tests/test_roles.py checks every role)."""

from __future__ import annotations

from ehdmm import access

PAGE = "pages/11_Audit.py"


def test_the_log_is_shown_newest_first_and_filters_narrow_it(demo_db, run_page):
    access.add_user(demo_db, "a@bristol.gov.uk", "authority", "E06000023", actor="cli:root")
    access.audit(demo_db, "a@bristol.gov.uk", "sign-in", "role=authority")
    access.audit(demo_db, "a@bristol.gov.uk", "export", "E06000023_2026-03_radar.csv")
    at = run_page(demo_db)
    table = at.dataframe[0].value
    assert list(table["Action"]) == ["export", "sign-in", "user.add"]
    assert list(table["Who"]) == ["a@bristol.gov.uk", "a@bristol.gov.uk", "cli:root"]
    assert {b.label for b in at.get("download_button")} == {"CSV", "XLSX"}
    at.multiselect(key="audit_actions").select("export").run()
    assert list(at.dataframe[0].value["What"]) == ["E06000023_2026-03_radar.csv"]
    assert any(c.value == "1 of 3 entries match the filters." for c in at.caption)
    at.multiselect(key="audit_actions").unselect("export").run()
    at.text_input(key="audit_text").input("cli:").run()
    assert list(at.dataframe[0].value["Action"]) == ["user.add"]


def test_an_empty_log_says_so_and_shows_an_empty_table(demo_db, run_page):
    at = run_page(demo_db)
    assert any("The audit log is empty" in i.value for i in at.info)
    assert at.dataframe[0].value.empty
