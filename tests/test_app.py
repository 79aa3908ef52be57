"""AppTest of app.py on a temporary demo database: what the home page shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ehdmm import scoring
from ehdmm.database import init_db
from ehdmm.storage import connect
from ehdmm.storage import db as storage_db
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "app.py"
APP = str(Path(__file__).resolve().parents[1] / PAGE)


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


def test_home_creates_the_demo_database_only_at_the_default_path(tmp_path, monkeypatch):
    default = tmp_path / "new" / "ehdmm.duckdb"
    monkeypatch.setattr(storage_db, "DEFAULT_DB_PATH", default)
    monkeypatch.delenv("EHDMM_DB", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert default.exists()
    assert len(at.dataframe[0].value) > 100
    assert any("Synthetic demo data" in w.value for w in at.warning)


def test_home_on_a_missing_database_path_says_how_to_make_one(tmp_path, monkeypatch):
    """EHDMM_DB naming a file that does not exist: the page says so and how to create one; no
    demo database is made there."""
    db = tmp_path / "new" / "fresh.duckdb"
    monkeypatch.setenv("EHDMM_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    [error] = at.error
    for words in (f"No database at {db}", f"python -m ehdmm init --db {db}", "demo --db"):
        assert words in error.value, error.value
    assert not db.exists() and not db.parent.exists()
    assert not at.dataframe


def test_home_on_an_empty_database_says_there_is_nothing_yet(tmp_path, run_page):
    db = tmp_path / "empty.duckdb"
    init_db(db)
    at = run_page(db)
    assert not at.warning
    assert any("No self-assessments" in i.value for i in at.info)
    assert not at.dataframe
