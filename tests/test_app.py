"""AppTest of app.py on a temporary demo database: what the home page shows."""

from __future__ import annotations

from ehdmm import scoring
from ehdmm.database import init_db
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "app.py"


def test_home_shows_the_latest_round_levels_with_the_demo_banner(demo_db, run_page):
    at = run_page(demo_db)
    with connect(demo_db) as conn:
        expected = scoring.authority_levels(conn, LOCAL_VIEWER, "2026-03", "gated")
    assert any("Synthetic demo data" in w.value for w in at.warning)
    assert any("2026-03" in h.value for h in at.header)
    table = at.dataframe[0].value
    assert len(table) == len(expected) > 100
    row = table.set_index("ONS code").loc[expected.iloc[0]["authority_code"]]
    first = expected.iloc[0]
    assert row["Information governance and data sharing"].startswith(str(first["governance"]))
    assert any("not a league table" in c.value for c in at.caption)


def test_home_creates_the_demo_database_when_missing(tmp_path, run_page):
    db = tmp_path / "new" / "fresh.duckdb"
    at = run_page(db)
    assert db.exists()
    assert len(at.dataframe[0].value) > 100


def test_home_on_an_empty_database_says_there_is_nothing_yet(tmp_path, run_page):
    db = tmp_path / "empty.duckdb"
    init_db(db)
    at = run_page(db)
    assert not at.warning
    assert any("No self-assessments" in i.value for i in at.info)
    assert not at.dataframe
