"""ehdmm.database: init, first-start demo creation, recording a submission."""

from __future__ import annotations

import threading

import pytest

from ehdmm import database
from ehdmm.model import load_model
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store


def test_init_loads_reference_data_once(tmp_path):
    db = tmp_path / "x.duckdb"
    database.init_db(db)
    database.init_db(db)
    with connect(db) as conn:
        counts = store.table_counts(conn)
    assert counts["authorities"] == 153 and counts["statistical_neighbours"] == 1530


def test_ensure_demo_db_creates_once_and_never_overwrites(tmp_path):
    db = tmp_path / "d.duckdb"
    path, created = database.ensure_demo_db(db)
    assert created and path == db and database.is_demo(db)
    before = db.stat().st_mtime_ns
    _, created = database.ensure_demo_db(db)
    assert not created and db.stat().st_mtime_ns == before
    assert not list(tmp_path.glob(".ehdmm-demo-*")), "no temporary files left behind"


def test_concurrent_first_starts_make_one_database(tmp_path):
    db = tmp_path / "race.duckdb"
    errors: list[BaseException] = []

    def start() -> None:
        try:
            database.ensure_demo_db(db)
        except FileExistsError:
            pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with connect(db) as conn:
        assert store.integrity_problems(conn) == []
        assert store.table_counts(conn)["authorities"] == 153


def test_record_submission_checks_authority_round_and_dimensions(empty_db):
    write_with_retry(empty_db, lambda c: ref.add_round(c, "2026-03"))
    with pytest.raises(ValueError, match="unknown authority"):
        database.record_submission(empty_db, "E99999999", "2026-03", {"cba": 2})
    with pytest.raises(ValueError, match="no round"):
        database.record_submission(empty_db, "E06000023", "2031-03", {"cba": 2})
    with pytest.raises(ValueError, match="unknown dimension"):
        database.record_submission(empty_db, "E06000023", "2026-03", {"budget": 2})
    with connect(empty_db) as conn:
        assert store.table_counts(conn)["submissions"] == 0
    sid = database.record_submission(
        empty_db,
        "E06000023",
        "2026-03",
        {"cba": (3, "=SUM(A1)", "high")},
        checklist={load_model().checklist[0].id: (True, "signed")},
    )
    with connect(empty_db) as conn:
        from ehdmm.viewer import LOCAL_VIEWER

        ratings = store.current_ratings(conn, LOCAL_VIEWER, "E06000023", "2026-03")
        answers = store.current_checklist(conn, LOCAL_VIEWER, "E06000023", "2026-03")
    assert sid > 0
    assert ratings.iloc[0].to_dict() == {
        "dimension_id": "cba",
        "level": 3,
        "evidence": "=SUM(A1)",
        "confidence": "high",
    }
    assert answers.iloc[0]["note"] == "signed"
