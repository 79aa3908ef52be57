"""Opening the DuckDB file: path resolution, lock retry, migrations, transactions.

DuckDB lets one process write a database file at a time. Connections here are short-lived (open,
work, close) so that the app never holds the file between page runs, and an open that meets
another process's lock is retried for a few seconds before failing with `DatabaseBusy`.

The first connection of a process to a file checks its schema through a read-only connection: a
file upgraded by a newer ehdmm (a migration this version does not know) is refused before
anything opens it for writing, and the migrations it lacks are applied together in one
transaction (all or none). A file that cannot be written (a read-only file or mount) is opened
read-only: reading works, a write is refused with a message saying why. Each kind of trouble
(damage, another DuckDB storage version, a full disk, a read-only file) gets its own message
saying what to do.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TypeVar

import duckdb

from ehdmm import __version__

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "ehdmm.duckdb"
ENV_DB = "EHDMM_DB"
BUSY_TIMEOUT_SECONDS = 5.0

_LOCK_MARKERS = ("could not set lock", "conflicting lock", "resource temporarily unavailable")
# What DuckDB says when the disk (or a file size limit) leaves no room for a write.
_NO_ROOM_MARKERS = ("no space left on device", "file too large", "disk quota exceeded")
# What DuckDB says when a file or folder cannot be written to, or a read-only connection is
# asked to write.
_READ_ONLY_MARKERS = ("read-only file system", "permission denied", "attached in read-only mode")
# What DuckDB says about a file written in another storage format.
_STORAGE_MARKERS = ("storage version",)
META_SCHEMA_VERSION = "schema_written_by"
"""`meta` key: the ehdmm version that last applied migrations to the file."""
T = TypeVar("T")
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


class StoreError(RuntimeError):
    """A problem with the database file, in words a user can act on."""


class DatabaseBusy(StoreError):
    """Another process held the database's write lock for longer than the timeout."""


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """`--db` wins over `EHDMM_DB`, which wins over `data/ehdmm.duckdb`."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get(ENV_DB, "").strip()
    if env:
        return Path(env)
    return DEFAULT_DB_PATH


def _mentions(exc: BaseException, markers: tuple[str, ...]) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in markers)


def _is_lock_error(exc: BaseException) -> bool:
    return _mentions(exc, _LOCK_MARKERS)


def is_no_room(exc: BaseException) -> bool:
    """True for an error that says the disk (or a file size limit) left no room to write."""
    return _mentions(exc, _NO_ROOM_MARKERS)


DUPLICATE_RETRIES = 3


def _is_duplicate_key(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.ConstraintException) and "Duplicate key" in str(exc)


def _is_conflict(exc: BaseException) -> bool:
    # a commit that fails for want of room is a TransactionException too: not a conflict
    return isinstance(exc, duckdb.TransactionException) and not is_no_room(exc)


# What DuckDB raises when a file's pages cannot be read or make no sense: a truncated file, a
# scribbled block (checksum mismatch), a disk error.
_DAMAGE_TYPES = (
    duckdb.IOException,
    duckdb.SerializationException,
    duckdb.FatalException,
    duckdb.InternalException,
)


def _is_damage(exc: BaseException) -> bool:
    if _is_lock_error(exc):
        return False
    return isinstance(exc, _DAMAGE_TYPES) or "corrupt" in str(exc).lower()


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (DuckDB's carry advice on later lines)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip("!. ")


def restore_hint(path: Path) -> str:
    """How to put a backup in place of the database at `path`."""
    return f"`python -m ehdmm restore BACKUP --db {path} --replace`"


def _unreadable(path: Path, exc: BaseException) -> StoreError:
    """The message for a database file that cannot be read, with what to do about it."""
    if _mentions(exc, _STORAGE_MARKERS):
        return StoreError(
            f"Cannot open the database {path}: it was written by a version of DuckDB whose "
            f"storage format this DuckDB ({duckdb.__version__}) cannot read ({first_line(exc)}). "
            f"Nothing was changed. Restore it from a backup with {restore_hint(path)} (backups "
            "do not depend on the DuckDB version), or open it with the ehdmm that wrote it and "
            "make a backup there with `python -m ehdmm backup --out DIR`."
        )
    if _mentions(exc, ("permission denied",)):
        return StoreError(
            f"Cannot read the database {path}: permission denied. Give the account that runs "
            "ehdmm read access to it (and write access to change it), or point EHDMM_DB (or "
            "--db) at another database file."
        )
    return StoreError(
        f"Cannot open the database {path}: it is damaged or is not a DuckDB database file "
        f"({first_line(exc)}). To start again, move it aside (keep the copy: it may be "
        f"recoverable) and run `python -m ehdmm init --db {path}` for an empty database or "
        f"`python -m ehdmm demo --db {path}` for demo data, or restore it from a backup with "
        f"{restore_hint(path)}; or point EHDMM_DB (or --db) at another database file."
    )


def no_room_error(path: Path, exc: BaseException) -> StoreError:
    """The message for a write that found the disk full."""
    reason = next((m for m in _NO_ROOM_MARKERS if m in str(exc).lower()), "no room")
    return StoreError(
        f"Cannot write to {path}: the disk is full ({reason}). Nothing was written. Free some "
        "space on that disk, or move the database to a disk with room, then try again."
    )


def read_only_error(path: Path) -> StoreError:
    """The message for a write to a database that can only be read."""
    return StoreError(
        f"The database {path} is read-only (the file, its folder or the disk it is on cannot "
        "be written to). Nothing was written. Reading works (`check`, `levels`, `report`, `pack` "
        "and the dashboard); to change it, make it writable, or copy it to a folder that can be "
        "written to and point EHDMM_DB (or --db) at the copy."
    )


def describe_os_error(exc: OSError) -> str:
    """An OSError about a path in words: 'data/x is a file, not a folder', 'Permission denied
    (data/)'."""
    name = exc.filename
    if name is not None and isinstance(exc, (FileExistsError, NotADirectoryError)):
        blocker = next(
            (p for p in (Path(name), *Path(name).parents) if p.exists() and not p.is_dir()), None
        )
        if blocker is not None:
            return f"{blocker} is a file, not a folder"
    reason = exc.strerror or str(exc)
    return f"{reason} ({name})" if name is not None else reason


def _open(
    path: Path, timeout: float, *, read_only: bool = False
) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """A connection and whether it is read-only. A file that exists but cannot be opened for
    writing (a read-only file or mount) is opened read-only."""
    if path.is_dir():
        raise StoreError(
            f"Cannot open the database {path}: it is a folder, not a database file. Point "
            "EHDMM_DB (or --db) at a database file, e.g. data/ehdmm.duckdb."
        )
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only), read_only
        except duckdb.Error as exc:
            if not read_only and _mentions(exc, _READ_ONLY_MARKERS):
                if not path.is_file():
                    raise StoreError(
                        f"Cannot create the database {path}: {first_line(exc)}. Point EHDMM_DB "
                        "(or --db) at a file in a folder that can be written to."
                    ) from exc
                read_only = True
                continue
            if not _is_lock_error(exc):
                raise _unreadable(path, exc) from exc
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"The database {path} is busy: another process is writing to it. "
                    "Nothing was written. Try again in a moment."
                ) from exc
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.25)


def migrations() -> list[tuple[str, str]]:
    """The packaged migrations, (name, sql), in name order."""
    folder = resources.files("ehdmm.storage") / "migrations"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")), key=lambda e: e.name
    )
    return [(entry.name, entry.read_text(encoding="utf-8")) for entry in files]


class MigrationError(StoreError):
    """A migration failed (`name`); everything of that start was rolled back."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"migration {name} failed: {detail}")
        self.name, self.detail = name, detail


class NewerDatabase(StoreError):
    """The file holds migrations this version does not know: a newer ehdmm upgraded it."""

    def __init__(self, unknown: list[str], written_by: str | None) -> None:
        super().__init__(f"unknown migrations {', '.join(unknown)}")
        self.unknown, self.written_by = unknown, written_by


def _tables(conn: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def schema_state(conn: duckdb.DuckDBPyConnection) -> tuple[list[str], str | None]:
    """The migrations recorded in the file and the ehdmm version that last applied any (None
    when unknown); ([], None) for a file without the schema."""
    tables = _tables(conn)
    applied = (
        [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY 1").fetchall()]
        if "schema_migrations" in tables
        else []
    )
    written_by = None
    if "meta" in tables:
        row = fetch_one(conn, "SELECT value FROM meta WHERE key = ?", [META_SCHEMA_VERSION])
        written_by = row[0] if row else None
    return applied, written_by


def _check_known(applied: list[str], written_by: str | None, known: list[str]) -> None:
    unknown = sorted(set(applied) - set(known))
    if unknown:
        raise NewerDatabase(unknown, written_by)


def apply_migrations(
    conn: duckdb.DuckDBPyConnection, available: list[tuple[str, str]] | None = None
) -> list[str]:
    """Apply every migration not yet recorded in `schema_migrations`, all in one transaction
    (all or none); return the names applied. Raises `NewerDatabase` (before writing anything)
    when the file records a migration that is not `available`, `MigrationError` when one fails.
    """
    available = migrations() if available is None else available
    applied, written_by = schema_state(conn)
    _check_known(applied, written_by, [name for name, _ in available])
    pending = [(name, sql) for name, sql in available if name not in set(applied)]
    if not pending and applied:
        return []
    conn.execute("BEGIN TRANSACTION")
    name = "schema_migrations"
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        for name, sql in pending:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
        if pending and "meta" in _tables(conn):
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                "value = excluded.value",
                [META_SCHEMA_VERSION, __version__],
            )
        conn.execute("COMMIT")
    except duckdb.Error as exc:
        conn.execute("ROLLBACK")
        if _is_lock_error(exc) or _is_conflict(exc) or is_no_room(exc):
            raise
        raise MigrationError(name, first_line(exc)) from exc
    return [name for name, _ in pending]


def _newer_error(path: Path, exc: NewerDatabase) -> StoreError:
    by = f"ehdmm {exc.written_by}" if exc.written_by else "a newer ehdmm"
    latest = migrations()[-1][0]
    return StoreError(
        f"The database {path} was upgraded by {by}, newer than this ehdmm {__version__}: it has "
        f"migration(s) {', '.join(exc.unknown)}, which this version does not know (it knows up "
        f"to {latest}). It was not opened for writing and nothing was changed. Use "
        f"{by if exc.written_by else 'the newer ehdmm'} (or later) with it, or restore a backup "
        f"made by this version with {restore_hint(path)}."
    )


def _migration_error(path: Path, exc: MigrationError) -> StoreError:
    return StoreError(
        f"Upgrading the database {path} to ehdmm {__version__} failed at migration {exc.name} "
        f"({exc.detail}). Nothing was changed: the file is as it was. Keep using the ehdmm "
        "version that made it, or restore a backup made before the upgrade with "
        f"{restore_hint(path)}, and report the problem."
    )


def _prepare(path: Path, timeout: float) -> None:
    """Check the file's schema through a read-only connection (refusing a file upgraded by a
    newer ehdmm before anything opens it for writing); apply the migrations it lacks."""
    known = [name for name, _ in migrations()]
    if path.is_file():
        probe, _ = _open(path, timeout, read_only=True)
        try:
            applied, written_by = schema_state(probe)
        except duckdb.Error as exc:
            raise _unreadable(path, exc) from exc
        finally:
            probe.close()
        try:
            _check_known(applied, written_by, known)
        except NewerDatabase as exc:
            raise _newer_error(path, exc) from exc
        if not set(known) - set(applied):
            return
    conn, read_only = _open(path, timeout)
    try:
        if read_only:
            pending = sorted(set(known) - set(schema_state(conn)[0]))
            raise StoreError(
                f"The database {path} is read-only and was made by an older ehdmm: it needs the "
                f"migration(s) {', '.join(pending)}, which cannot be written to a read-only file. "
                "Nothing was changed. Make it writable once so that ehdmm can upgrade it, or copy "
                "it to a folder that can be written to and point EHDMM_DB (or --db) at the copy."
            )
        apply_migrations(conn)
    except NewerDatabase as exc:
        raise _newer_error(path, exc) from exc
    except MigrationError as exc:
        raise _migration_error(path, exc) from exc
    except duckdb.Error as exc:
        raise _translated(path, exc, read_only) from exc
    finally:
        conn.close()


def _translated(path: Path, exc: duckdb.Error, read_only: bool) -> Exception:
    """A DuckDB error met while using a connection, in words where it has a known cause."""
    if is_no_room(exc):
        return no_room_error(path, exc)
    if _mentions(exc, _READ_ONLY_MARKERS) and (read_only or isinstance(exc, duckdb.IOException)):
        return read_only_error(path)
    # a damaged file may open and fail only when a page is read: say so, not a traceback
    if _is_damage(exc):
        return _unreadable(path, exc)
    return exc


@contextmanager
def connect(
    path: str | os.PathLike[str] | None = None, *, timeout: float = BUSY_TIMEOUT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection with the schema up to date; closed on exit. A file that cannot
    be written is opened read-only (a write then raises `StoreError` saying so)."""
    db_path = resolve_db_path(path)
    try:
        if not db_path.parent.is_dir():
            db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the database {db_path}: {describe_os_error(exc)}. Point EHDMM_DB "
            "(or --db) at a file in a folder that can be written to."
        ) from exc
    key = str(db_path.resolve())
    if key not in _migrated:
        with _migrate_lock:
            if key not in _migrated:
                _prepare(db_path, timeout)
                _migrated.add(key)
    conn, read_only = _open(db_path, timeout)
    with _closing(conn, db_path, read_only):
        yield conn


@contextmanager
def _closing(
    conn: duckdb.DuckDBPyConnection, path: Path, read_only: bool
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Close the connection on exit; a DuckDB error with a known cause becomes a `StoreError`
    saying what to do."""
    try:
        yield conn
    except duckdb.Error as exc:
        translated = _translated(path, exc, read_only)
        if translated is exc:
            raise
        raise translated from exc
    finally:
        conn.close()


def forget(path: str | os.PathLike[str]) -> None:
    """Check the file's schema again on the next connection (it was replaced, e.g. restored)."""
    _migrated.discard(str(Path(path).resolve()))


@contextmanager
def read_only_connection(
    path: str | os.PathLike[str], *, timeout: float = BUSY_TIMEOUT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to an existing file, schema as it is (no migrations). While it is
    open no other process can write to the file (their writes wait and retry)."""
    db_path = Path(path)
    if not db_path.exists():
        raise StoreError(f"No database at {db_path}.")
    conn, _ = _open(db_path, timeout, read_only=True)
    with _closing(conn, db_path, True):
        yield conn


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK on any exception (then re-raised)."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def write_with_retry(
    path: str | os.PathLike[str] | None,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    *,
    timeout: float = BUSY_TIMEOUT_SECONDS,
) -> T:
    """Run `work(conn)` inside one transaction, retrying lock and write-conflict errors.

    Either all of `work` is committed or none of it; after `timeout` seconds of contention a
    `DatabaseBusy` is raised.
    """
    deadline = time.monotonic() + timeout
    delay = 0.02
    duplicates = 0
    while True:
        try:
            remaining = max(0.0, deadline - time.monotonic())
            with connect(path, timeout=remaining) as conn, transaction(conn):
                return work(conn)
        except duckdb.Error as exc:
            # Two transactions inserting the same new key (an upsert's first row, both before
            # either committed) end in a duplicate key for the later one: retried, as a
            # conflict, a few times; a duplicate that stays is the caller's error.
            if _is_duplicate_key(exc) and duplicates < DUPLICATE_RETRIES:
                duplicates += 1
            elif not (_is_conflict(exc) or _is_lock_error(exc)):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"The database {resolve_db_path(path)} is busy (a write conflicted with "
                    "another). Nothing was written. Try again in a moment."
                ) from exc
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.25)


def fetch_one(
    conn: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> tuple | None:
    """The first row of a query, or None; the result is read to the end (DuckDB 2 wants a
    finished result before `register` and other work on the connection)."""
    rows = conn.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def fetch_one_dict(
    conn: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> dict[str, object] | None:
    """The first row of a query as a dict by column name, or None (read to the end, as
    `fetch_one`)."""
    cursor = conn.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return dict(zip(names, rows[0], strict=True)) if rows else None


def last_write_token(path: str | os.PathLike[str] | None = None) -> tuple[float, int]:
    """A cheap token that changes when the database file changes (for cache keys)."""
    db_path = resolve_db_path(path)
    stats = [p.stat() for p in (db_path, Path(f"{db_path}.wal")) if p.exists()]
    return (max((s.st_mtime for s in stats), default=0.0), sum(s.st_size for s in stats))
