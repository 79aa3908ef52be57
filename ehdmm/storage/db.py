"""Opening the DuckDB file: path resolution, lock retry, migrations, transactions.

DuckDB lets one process write a database file at a time. Connections here are short-lived (open,
work, close) so that the app never holds the file between page runs, and an open that meets
another process's lock is retried for a few seconds before failing with `DatabaseBusy`.
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

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "ehdmm.duckdb"
ENV_DB = "EHDMM_DB"
BUSY_TIMEOUT_SECONDS = 5.0

_LOCK_MARKERS = ("could not set lock", "conflicting lock", "resource temporarily unavailable")
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


def _is_lock_error(exc: BaseException) -> bool:
    return any(marker in str(exc).lower() for marker in _LOCK_MARKERS)


def _is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.TransactionException)


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


def _unreadable(path: Path, exc: BaseException) -> StoreError:
    """The message for a database file that cannot be read, with what to do about it."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip("!. ")
    return StoreError(
        f"Cannot open the database {path}: it is damaged or is not a DuckDB database file "
        f"({detail}). To start again, move it aside (keep the copy: it may be recoverable) and "
        f"run `python -m ehdmm init --db {path}` for an empty database or `python -m ehdmm demo "
        f"--db {path}` for demo data, or restore it from a backup; or point EHDMM_DB (or --db) "
        "at another database file."
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


def _open(path: Path, timeout: float) -> duckdb.DuckDBPyConnection:
    if path.is_dir():
        raise StoreError(
            f"Cannot open the database {path}: it is a folder, not a database file. Point "
            "EHDMM_DB (or --db) at a database file, e.g. data/ehdmm.duckdb."
        )
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.Error as exc:
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


def apply_migrations(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded in `schema_migrations`; return the names applied."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, sql in migrations():
        if name in done:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


@contextmanager
def connect(
    path: str | os.PathLike[str] | None = None, *, timeout: float = BUSY_TIMEOUT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection with the schema up to date; closed on exit."""
    db_path = resolve_db_path(path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the database {db_path}: {describe_os_error(exc)}. Point EHDMM_DB "
            "(or --db) at a file in a folder that can be written to."
        ) from exc
    conn = _open(db_path, timeout)
    try:
        key = str(db_path.resolve())
        if key not in _migrated:
            with _migrate_lock:
                apply_migrations(conn)
                _migrated.add(key)
        yield conn
    except duckdb.Error as exc:
        # a damaged file may open and fail only when a page is read: say so, not a traceback
        if _is_damage(exc):
            raise _unreadable(db_path, exc) from exc
        raise
    finally:
        conn.close()


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
    while True:
        try:
            remaining = max(0.0, deadline - time.monotonic())
            with connect(path, timeout=remaining) as conn, transaction(conn):
                return work(conn)
        except duckdb.Error as exc:
            if not (_is_conflict(exc) or _is_lock_error(exc)):
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


def last_write_token(path: str | os.PathLike[str] | None = None) -> tuple[float, int]:
    """A cheap token that changes when the database file changes (for cache keys)."""
    db_path = resolve_db_path(path)
    stats = [p.stat() for p in (db_path, Path(f"{db_path}.wal")) if p.exists()]
    return (max((s.st_mtime for s in stats), default=0.0), sum(s.st_size for s in stats))
