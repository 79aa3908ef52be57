"""ehdmm.storage.db: path resolution, migrations, lock retry, damaged files."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ehdmm.storage import db

ROOT = Path(__file__).resolve().parents[1]


def test_db_path_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv("EHDMM_DB", raising=False)
    assert db.resolve_db_path() == ROOT / "data" / "ehdmm.duckdb"
    monkeypatch.setenv("EHDMM_DB", str(tmp_path / "env.duckdb"))
    assert db.resolve_db_path() == tmp_path / "env.duckdb"
    assert db.resolve_db_path(tmp_path / "cli.duckdb") == tmp_path / "cli.duckdb"


def test_migrations_are_recorded_and_idempotent(tmp_path):
    conn = duckdb.connect(str(tmp_path / "m.duckdb"))
    names = [name for name, _ in db.migrations()]
    assert names and names == sorted(names)
    assert db.apply_migrations(conn) == names
    assert db.apply_migrations(conn) == []
    recorded = [
        r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY 1").fetchall()
    ]
    assert recorded == names
    tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {
        "authorities",
        "rounds",
        "submissions",
        "ratings",
        "checklist_answers",
        "import_log",
        "custom_groups",
        "custom_group_members",
        "statistical_neighbours",
        "model_dimensions",
    } <= tables
    conn.close()


def test_a_failed_write_leaves_nothing(empty_db):
    def work(conn):
        conn.execute("INSERT INTO rounds (id, label) VALUES ('2030-03', 'x')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        db.write_with_retry(empty_db, work)
    with db.connect(empty_db) as conn:
        assert db.fetch_one(conn, "SELECT count(*) FROM rounds")[0] == 0


HOLDER = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.close()
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_writer_waits_for_another_process_then_succeeds(empty_db):
    proc = hold_lock(empty_db, 1.0)
    started = time.monotonic()
    db.write_with_retry(
        empty_db,
        lambda c: c.execute("INSERT INTO rounds (id, label) VALUES ('2030-03', 'x')"),
        timeout=10,
    )
    assert time.monotonic() - started >= 0.5
    proc.wait(timeout=10)
    with db.connect(empty_db) as conn:
        assert db.fetch_one(conn, "SELECT count(*) FROM rounds")[0] == 1


def test_a_long_lock_gives_database_busy_and_writes_nothing(empty_db):
    proc = hold_lock(empty_db, 3.0)
    try:
        with pytest.raises(db.DatabaseBusy, match=r"busy.*Nothing was written"):
            db.write_with_retry(
                empty_db,
                lambda c: c.execute("INSERT INTO rounds (id, label) VALUES ('2030-03', 'x')"),
                timeout=0.5,
            )
    finally:
        proc.wait(timeout=10)
    with db.connect(empty_db) as conn:
        assert db.fetch_one(conn, "SELECT count(*) FROM rounds")[0] == 0


def test_a_damaged_file_gives_a_clear_message(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 200)
    with (
        pytest.raises(db.StoreError, match=r"Cannot open the database.*move it aside"),
        db.connect(bad),
    ):
        pass


def test_last_write_token_changes_on_write(empty_db):
    before = db.last_write_token(empty_db)
    time.sleep(0.01)
    db.write_with_retry(
        empty_db, lambda c: c.execute("INSERT INTO rounds (id, label) VALUES ('2030-03', 'x')")
    )
    assert db.last_write_token(empty_db) != before
