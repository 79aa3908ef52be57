"""ehdmm.storage.db: path resolution, migrations, lock retry, damaged files."""

from __future__ import annotations

import json
import os
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


def test_a_duplicate_key_is_retried_a_few_times_then_raised_as_it_is(empty_db):
    """A writer whose new key another writer inserted first gets a duplicate key: retried (the
    next try finds the row); a duplicate that stays is the caller's error, not 'busy'."""
    insert = "INSERT INTO rounds (id, label) VALUES ('2030-03', ?)"
    db.write_with_retry(empty_db, lambda c: c.execute(insert, ["a"]))
    calls = []

    def raced_then_upsert(conn):
        calls.append(1)
        if len(calls) == 1:  # as the later of two first inserts finds at its commit
            conn.execute(insert, ["b"])
        conn.execute(insert + " ON CONFLICT (id) DO UPDATE SET label = excluded.label", ["b"])

    db.write_with_retry(empty_db, raced_then_upsert)
    assert len(calls) == 2
    with db.connect(empty_db) as conn:
        assert db.fetch_one(conn, "SELECT label FROM rounds WHERE id = '2030-03'") == ("b",)

    tries = []

    def always(conn):
        tries.append(1)
        conn.execute(insert, ["c"])

    with pytest.raises(duckdb.ConstraintException, match="Duplicate key"):
        db.write_with_retry(empty_db, always)
    assert len(tries) == 1 + db.DUPLICATE_RETRIES


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


# --- upgrades ---------------------------------------------------------------------------------


def all_levels(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[tuple]]:
    """Every round's levels under both rules, as plain rows."""
    from ehdmm import scoring
    from ehdmm.model import load_model
    from ehdmm.viewer import LOCAL_VIEWER

    model = load_model()
    rounds = [r[0] for r in conn.execute("SELECT id FROM rounds ORDER BY id").fetchall()]
    found = {}
    for round_id in rounds:
        for rule in scoring.RULES:
            frame = scoring.authority_levels(conn, LOCAL_VIEWER, round_id, rule, model)
            frame = frame.sort_values("authority_code").astype(object)
            found[round_id, rule] = [tuple(row) for row in frame.itertuples(index=False)]
    return found


def audit_rows(conn: duckdb.DuckDBPyConnection) -> list[tuple]:
    tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "audit_log" not in tables:
        return []
    return conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()


@pytest.mark.parametrize("upto", [3, 2, 1], ids=["oldest-release", "before-0003", "before-0002"])
def test_an_older_database_is_upgraded_with_its_levels_and_audit_log_unchanged(tmp_path, upto):
    """The oldest supported release's schema (0001-0003, made by tests/oldest_db.py) and older
    development states open in this version: brought up to date, every round's levels under
    both rules and the audit log are as before."""
    from oldest_db import make

    from ehdmm import __version__
    from ehdmm.storage.submissions import integrity_problems

    path = make(tmp_path / "old.duckdb", upto)
    with duckdb.connect(str(path), read_only=True) as conn:
        levels_before, audit_before = all_levels(conn), audit_rows(conn)
        applied_before = db.schema_state(conn)[0]
    assert sum(len(rows) for rows in levels_before.values()) > 30
    assert len(audit_before) == (5 if upto >= 3 else 0)

    with db.connect(path) as conn:
        assert all_levels(conn) == levels_before
        if upto >= 3:
            assert audit_rows(conn) == audit_before
        assert integrity_problems(conn) == []
        applied, written_by = db.schema_state(conn)
    known = [name for name, _ in db.migrations()]
    assert applied == known
    if applied_before != known:
        assert written_by == __version__


def test_a_failing_migration_leaves_the_file_as_it_was_and_says_how_to_restore(
    tmp_path, monkeypatch
):
    """Every migration a start applies is in one transaction: the last one failing undoes the
    ones before it, the file keeps its schema and data, and the message names the migration."""
    from oldest_db import make

    path = make(tmp_path / "old.duckdb", 1)
    with duckdb.connect(str(path), read_only=True) as conn:
        before = {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            for table in ("schema_migrations", "submissions", "ratings", "rounds")
        }
    broken = ("0099_broken.sql", "CREATE TABLE targets (x INTEGER); INSERT INTO nowhere VALUES (1)")
    monkeypatch.setattr(db, "migrations", lambda: [*GOOD_MIGRATIONS, broken])

    with pytest.raises(db.StoreError) as caught, db.connect(path):
        pass
    message = str(caught.value)
    for words in ("0099_broken.sql", "Nothing was changed", "python -m ehdmm restore", str(path)):
        assert words in message, message
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert not {"users", "audit_log", "statement_ticks", "targets"} & tables
        columns = {r[0] for r in conn.execute("DESCRIBE ratings").fetchall()}
        assert "proposed_level" not in columns  # 0002's change was rolled back with the rest
        for table, rows in before.items():
            assert conn.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == rows

    monkeypatch.setattr(db, "migrations", lambda: GOOD_MIGRATIONS)
    with db.connect(path) as conn:  # the next start with working migrations upgrades it
        assert db.schema_state(conn)[0] == [name for name, _ in GOOD_MIGRATIONS]


GOOD_MIGRATIONS = db.migrations()


def test_a_database_from_a_newer_ehdmm_is_refused_without_opening_it_for_writing(empty_db, run_cli):
    from ehdmm import __version__

    with duckdb.connect(str(empty_db)) as conn:
        conn.execute("INSERT INTO schema_migrations (name) VALUES ('0042_future.sql')")
        conn.execute(
            "INSERT INTO meta VALUES (?, '9.9.0') ON CONFLICT (key) DO UPDATE SET value = '9.9.0'",
            [db.META_SCHEMA_VERSION],
        )
    before = empty_db.read_bytes()
    stamp = empty_db.stat().st_mtime_ns
    with pytest.raises(db.StoreError) as caught, db.connect(empty_db):
        pass
    message = str(caught.value)
    for words in (
        "ehdmm 9.9.0",
        f"this ehdmm {__version__}",
        "0042_future.sql",
        "not opened for writing",
    ):
        assert words in message, message
    assert empty_db.read_bytes() == before and empty_db.stat().st_mtime_ns == stamp
    assert not Path(f"{empty_db}.wal").exists()

    proc = run_cli("check", "--db", str(empty_db))
    assert proc.returncode == 1 and "ehdmm 9.9.0" in proc.stderr and "Traceback" not in proc.stderr


def header_checksum(block: bytes) -> int:
    """DuckDB's checksum of a header block (a xor of each 8-byte word times a constant)."""
    import struct

    total = 5381
    for (word,) in struct.iter_unpack("<Q", block):
        total ^= (word * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    return total


def test_a_file_in_another_duckdb_storage_version_says_to_restore_a_backup(empty_db, run_cli):
    """The main header's storage version set beyond what this DuckDB reads (checksum made
    good): the message says to restore from a backup with `restore`, not a traceback."""
    import struct

    data = bytearray(empty_db.read_bytes())
    assert data[8:12] == b"DUCK"
    data[12:20] = struct.pack("<Q", 1000)
    data[0:8] = struct.pack("<Q", header_checksum(bytes(data[8:4096])))
    empty_db.write_bytes(bytes(data))
    with pytest.raises(db.StoreError) as caught, db.connect(empty_db):
        pass
    message = str(caught.value)
    for words in (
        "storage format",
        duckdb.__version__,
        "python -m ehdmm restore BACKUP",
        "--replace",
    ):
        assert words in message, message
    proc = run_cli("levels", "--db", str(empty_db))
    assert proc.returncode == 1 and "python -m ehdmm restore" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert empty_db.read_bytes() == bytes(data)


# --- a read-only file, a full disk ------------------------------------------------------------

APP_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60)
at.run()
print(json.dumps({"exceptions": [e.message for e in at.exception],
                  "errors": [e.value for e in at.error],
                  "rows": len(at.dataframe[0].value) if at.dataframe else 0}))
"""


def test_a_read_only_database_can_be_read_and_a_write_says_it_is_read_only(
    demo_db, tmp_path, run_read_only
):
    """On a read-only mount `check`, `levels`, `report`, `pack`, `backup` and the dashboard
    work; a write says the database is read-only (not damaged) and the file is unchanged."""
    folder = demo_db.parent / "ro"
    folder.mkdir()
    path = folder / "ehdmm.duckdb"
    demo_db.rename(path)
    before = path.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "EHDMM_DB"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return run_read_only(
            [sys.executable, "-m", "ehdmm", *args, "--db", str(path)],
            [folder],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
        )

    check = cli("check")
    assert check.returncode == 0 and ": ok (" in check.stdout, check.stderr
    levels = cli("levels", "--round", "2026-03")
    assert levels.returncode == 0 and levels.stdout.count("\n") > 100, levels.stderr
    report = cli("report", "--authority", "Bristol", "--format", "html", "--out", str(out))
    assert report.returncode == 0, report.stderr
    pack = cli("pack", "--round", "2026-03", "--out", str(out / "pack.xlsx"))
    assert pack.returncode == 0 and (out / "pack.xlsx").stat().st_size > 0, pack.stderr
    assert any(p.suffix == ".html" for p in out.iterdir())
    saved = cli("backup", "--out", str(out / "backups"))
    assert saved.returncode == 0 and "Backup written to" in saved.stdout, saved.stderr

    write = cli("users", "add", "someone@example.gov.uk", "--role", "national")
    assert write.returncode == 1
    assert "is read-only" in write.stderr and "Nothing was written" in write.stderr
    assert "damaged" not in write.stderr and "Traceback" not in write.stderr

    app = run_read_only(
        [sys.executable, "-c", APP_PROBE, str(ROOT / "app.py")],
        [folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env, "EHDMM_DB": str(path)},
        timeout=180,
    )
    assert app.returncode == 0, app.stderr
    shown = json.loads(app.stdout.strip().splitlines()[-1])
    assert shown["exceptions"] == [] and shown["errors"] == [], shown
    assert shown["rows"] > 100
    assert path.read_bytes() == before


def test_a_full_disk_is_reported_as_full_not_busy_and_nothing_is_written(demo_db, run_cli):
    """A real 'No space left on device' (the write-ahead log is /dev/full): the write fails at
    once with a message saying the disk is full, not retried as a conflict."""
    from ehdmm import database

    wal = Path(f"{demo_db}.wal")
    with db.connect(demo_db) as conn:
        before = db.fetch_one(conn, "SELECT count(*), max(id) FROM submissions")
    wal.symlink_to("/dev/full")
    ratings = dict.fromkeys(load_dimension_ids(), 2)
    with pytest.raises(db.StoreError) as caught:
        database.record_submission(demo_db, "E06000023", "2026-03", ratings)
    message = str(caught.value)
    assert "the disk is full" in message and "no space left on device" in message
    assert "busy" not in message and "Nothing was written" in message
    proc = run_cli("users", "add", "x@example.gov.uk", "--role", "national", "--db", str(demo_db))
    assert proc.returncode == 1 and "the disk is full" in proc.stderr, proc.stderr
    wal.unlink()
    with db.connect(demo_db) as conn:
        assert db.fetch_one(conn, "SELECT count(*), max(id) FROM submissions") == before
        assert db.fetch_one(conn, "SELECT count(*) FROM users")[0] == 0


def load_dimension_ids() -> tuple[str, ...]:
    from ehdmm.model import load_model

    return load_model().dimension_ids


def test_a_file_size_limit_met_while_writing_the_database_is_reported_as_a_full_disk(
    empty_db, run_cli
):
    """`demo` into an existing empty database in a process that may write no file past its
    first 12 KB (the kernel's EFBIG, as a full disk gives ENOSPC): a clear message, exit 1, and
    the database as it was."""
    import resource

    limit = 3 * 4096

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = run_cli("demo", "--db", str(empty_db), preexec_fn=small_files)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "the disk is full" in proc.stderr and "busy" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    with db.connect(empty_db) as conn:
        assert db.fetch_one(conn, "SELECT count(*) FROM submissions")[0] == 0


def test_a_new_database_in_a_read_only_folder_is_refused_clearly(tmp_path, run_read_only):
    folder = tmp_path / "ro"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "EHDMM_DB"}
    proc = run_read_only(
        [sys.executable, "-m", "ehdmm", "init", "--db", str(folder / "new.duckdb")],
        [folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"Cannot create the database {folder / 'new.duckdb'}" in proc.stderr
    assert "Read-only file system" in proc.stderr and "damaged" not in proc.stderr
    assert list(folder.iterdir()) == []
