"""Backups and restores of the database.

A backup is a folder of Parquet files, one per table, made by DuckDB's `EXPORT DATABASE` through
a read-only connection: while it is open no other process can write, so the backup holds every
return whole or not at all (writers wait and retry, as they do for each other). Its
`manifest.json`, written last, records the ehdmm and DuckDB versions, the migrations applied,
the rows of every table, each sequence's next value, a summary (authorities, rounds, returns,
users, audit entries) and a sha256 and size per file. The folder is written under a temporary
name (`.ehdmm-backup-<time>.partial-<pid>`) and renamed when complete, so a backup stopped midway
is never taken for a complete one.

A restore verifies the manifest and every file before it writes anything, builds the database
in a temporary file beside the target (schema from this version's own migrations, then every
table loaded from its Parquet file and every sequence set, then any newer migrations), checks
the row counts, and only then puts it in place; a file it replaces is kept beside it as
`NAME.before-restore-<time>`. Nothing in the folder is run as SQL, so the format does not depend
on the DuckDB version and a hostile folder can only be refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ehdmm import __version__
from ehdmm.database import missing_database_error
from ehdmm.storage import StoreError, connect, resolve_db_path
from ehdmm.storage import backup as sql
from ehdmm.storage import db as store_db
from ehdmm.storage.submissions import integrity_problems

FORMAT = "ehdmm-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PREFIX = "ehdmm-backup-"
PARTIAL = ".partial-"
MAX_MANIFEST_BYTES = 4_000_000
BACKUP_TIMEOUT_SECONDS = 30.0
"""How long a backup waits for writers to let go of the file (writes wait for it in turn)."""
_SAFE_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}$")
_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")
_SAFE_MIGRATION = re.compile(r"^[0-9]{4}_[A-Za-z0-9_]{1,200}\.sql$")
_STAMP = "%Y%m%dT%H%M%S"


class BackupError(StoreError):
    """A backup or restore refused or failed, in words naming the file at fault."""


@dataclass(frozen=True)
class Manifest:
    """A verified backup's manifest."""

    folder: Path
    created: str
    ehdmm_version: str
    duckdb_version: str
    migrations: tuple[str, ...]
    tables: dict[str, dict]
    sequences: dict[str, int]
    summary: dict[str, int]
    files: dict[str, dict]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    summary: dict[str, int]
    size: int
    removed: tuple[Path, ...]


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    manifest: Manifest
    kept: Path | None
    problems: tuple[str, ...]


SUMMARY = ("authorities", "rounds", "returns", "drafts", "users", "audit entries")


def describe_counts(summary: dict[str, int]) -> str:
    """'153 authorities, 4 rounds, 583 returns, ...' in that order."""
    labels = [*SUMMARY, *sorted(set(summary) - set(SUMMARY))]
    return ", ".join(f"{summary[label]:,} {label}" for label in labels if label in summary)


# --- writing a backup ---------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    """Why a file could not be written, in words ('the disk is full (...)' for no room)."""
    if isinstance(exc, OSError):
        reason = store_db.describe_os_error(exc)
    else:
        reason = store_db.first_line(exc)
    return f"the disk is full ({reason})" if store_db.is_no_room(exc) else reason


def _write_failed(out: Path, exc: BaseException) -> BackupError:
    advice = (
        "Free some space there, or choose a folder on a disk with room."
        if store_db.is_no_room(exc)
        else "Choose a folder that can be written to."
    )
    return BackupError(
        f"Cannot write the backup to {out}: {_reason(exc)}. Nothing was left behind. {advice}"
    )


def _snapshot(db_path: Path, folder: Path, timeout: float) -> dict:
    """Export every table to `folder` and read what the manifest records, all while holding a
    read-only connection (no process can write meanwhile)."""
    with store_db.read_only_connection(db_path, timeout=timeout) as conn:
        tables = sql.table_names(conn)
        applied, written_by = store_db.schema_state(conn)
        state = {
            "migrations": applied,
            "schema_written_by": written_by,
            "rows": sql.row_counts(conn, tables),
            "sequences": sql.sequence_next_values(conn),
            "summary": sql.summary_counts(conn),
        }
        try:
            sql.export_database(conn, folder)
        except duckdb.Error as exc:
            raise _write_failed(folder.parent, exc) from exc
    return state


def _manifest(db_path: Path, folder: Path, state: dict) -> dict:
    files = {}
    for entry in sorted(folder.iterdir()):
        _fsync(entry)
        files[entry.name] = {"sha256": _sha256(entry), "bytes": entry.stat().st_size}
    tables = {}
    with duckdb.connect() as conn:
        for table, rows in state["rows"].items():
            file = f"{table}.parquet"
            if file not in files or sql.parquet_rows(conn, folder / file) != rows:
                raise BackupError(
                    f"The export of table {table} is missing or incomplete in {folder}: the "
                    "backup was not made."
                )
            tables[table] = {"file": file, "rows": rows}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": datetime.now().astimezone().isoformat(),
        "ehdmm_version": __version__,
        "duckdb_version": duckdb.__version__,
        "source": str(db_path.resolve()),
        "migrations": state["migrations"],
        "schema_written_by": state["schema_written_by"],
        "tables": tables,
        "sequences": state["sequences"],
        "summary": state["summary"],
        "files": files,
    }


def _final_name(out: Path, stamp: str) -> Path:
    target = out / f"{PREFIX}{stamp}"
    n = 2
    while target.exists():
        target = out / f"{PREFIX}{stamp}-{n}"
        n += 1
    return target


def take_backup(
    db: str | os.PathLike[str] | None,
    out_dir: str | os.PathLike[str],
    *,
    keep: int | None = None,
    timeout: float = BACKUP_TIMEOUT_SECONDS,
) -> BackupResult:
    """Write a consistent backup of the database into a new folder in `out_dir`; with `keep`,
    then remove all but the newest `keep` complete backups there."""
    db_path = resolve_db_path(db)
    if not db_path.is_file():
        if db_path.exists():
            raise BackupError(f"Cannot back up {db_path}: it is a folder, not a database file.")
        raise missing_database_error(db_path)
    out = Path(out_dir)
    stamp = datetime.now().strftime(_STAMP)
    partial = out / f".{PREFIX}{stamp}{PARTIAL}{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        partial.mkdir()
    except OSError as exc:
        raise _write_failed(out, exc) from exc
    try:
        state = _snapshot(db_path, partial, timeout)
        manifest = _manifest(db_path, partial, state)
        written = partial / f"{MANIFEST}.tmp"
        with written.open("w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        written.rename(partial / MANIFEST)
        _fsync(partial)
        final = _final_name(out, stamp)
        partial.rename(final)
        _fsync(out)
    except BaseException as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _write_failed(out, exc) from exc
        raise
    size = sum(f["bytes"] for f in manifest["files"].values())
    size += (final / MANIFEST).stat().st_size
    removed = prune(out, keep) if keep else ()
    _remove_abandoned(out)
    return BackupResult(final, manifest["summary"], size, removed)


def complete_backups(out_dir: str | os.PathLike[str]) -> list[Path]:
    """The complete backups in a folder (named as `backup` names them, with a manifest that
    reads), oldest first."""
    found = []
    for entry in Path(out_dir).iterdir():
        if not entry.name.startswith(PREFIX) or not entry.is_dir() or entry.is_symlink():
            continue
        try:
            manifest = _read_manifest(entry)
        except BackupError:
            continue
        found.append((str(manifest.get("created", "")), entry.name, entry))
    return [entry for *_, entry in sorted(found)]


def prune(out_dir: Path, keep: int) -> tuple[Path, ...]:
    """Remove all but the newest `keep` complete backups; return what was removed."""
    old = complete_backups(out_dir)[:-keep] if keep > 0 else []
    for folder in old:
        shutil.rmtree(folder)
    return tuple(old)


def _remove_abandoned(out: Path) -> None:
    """Remove unfinished backup folders whose process has gone (killed midway)."""
    for entry in out.glob(f".{PREFIX}*{PARTIAL}*"):
        pid = entry.name.rsplit(PARTIAL, 1)[-1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


# --- verifying a backup -------------------------------------------------------------------


def _looks_like_database(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file() or path.is_symlink():
        raise BackupError(
            f"{folder} is not a complete ehdmm backup: it has no {MANIFEST} (a backup writes "
            "it last, so a backup stopped midway has none). Nothing was written."
        )
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise BackupError(f"{path} is too large to be an ehdmm backup manifest.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is not an ehdmm backup manifest ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not an ehdmm backup manifest (no `format: {FORMAT}`).")
    return manifest


def _require(ok: bool, path: Path, what: str) -> None:
    if not ok:
        raise BackupError(f"{path} is not a valid ehdmm backup manifest: {what}.")


def _check_shape(path: Path, m: dict) -> None:
    """Every field of the manifest of the expected type and every name a plain one (no paths,
    no quotes: nothing in a foreign folder can point outside it)."""
    version = m.get("format_version")
    _require(isinstance(version, int), path, "no format_version")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"{path.parent} was made by ehdmm {m.get('ehdmm_version')}, in a backup format newer "
            f"than this ehdmm {__version__} reads. Restore it with that version or later."
        )
    for key in ("created", "ehdmm_version", "duckdb_version"):
        _require(isinstance(m.get(key), str), path, f"no {key}")
    files, tables = m.get("files"), m.get("tables")
    _require(isinstance(files, dict) and bool(files), path, "no files")
    _require(isinstance(tables, dict) and bool(tables), path, "no tables")
    for name, entry in files.items():
        _require(_SAFE_FILE.match(name) is not None and name != MANIFEST, path, f"file {name!r}")
        _require(
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("bytes"), int),
            path,
            f"no sha256 or size for {name}",
        )
    for name, entry in tables.items():
        _require(_SAFE_NAME.match(name) is not None, path, f"table {name!r}")
        _require(
            isinstance(entry, dict)
            and entry.get("file") in files
            and isinstance(entry.get("rows"), int),
            path,
            f"no file or row count for table {name}",
        )
    sequences = m.get("sequences")
    _require(isinstance(sequences, dict), path, "no sequences")
    for name, value in sequences.items():
        ok = _SAFE_NAME.match(name) is not None and isinstance(value, int)
        _require(ok, path, f"sequence {name!r}")
    applied = m.get("migrations")
    _require(isinstance(applied, list), path, "no migrations")
    for name in applied:
        ok = isinstance(name, str) and _SAFE_MIGRATION.match(name) is not None
        _require(ok, path, f"migration {name!r}")
    _require(isinstance(m.get("summary"), dict), path, "no summary")


def _check_files(folder: Path, files: dict[str, dict]) -> None:
    for entry in sorted(folder.iterdir()):
        if entry.name not in files and entry.name != MANIFEST:
            raise BackupError(
                f"{entry} is not listed in the backup's manifest: the folder was changed after "
                "the backup was made. Nothing was written."
            )
    for name, expected in sorted(files.items()):
        path = folder / name
        if not path.is_file() or path.is_symlink():
            raise BackupError(f"{path} is missing from the backup. Nothing was written.")
        if path.stat().st_size != expected["bytes"]:
            raise BackupError(
                f"{path} is {path.stat().st_size:,} bytes, not the {expected['bytes']:,} the "
                "manifest records: the file was cut short or changed. Nothing was written."
            )
        if _sha256(path) != expected["sha256"]:
            raise BackupError(
                f"{path} does not match its checksum in the manifest: the file was changed or "
                "is damaged. Nothing was written."
            )


def _check_rows(folder: Path, tables: dict[str, dict]) -> None:
    with duckdb.connect() as conn:
        for table, entry in sorted(tables.items()):
            file = folder / entry["file"]
            try:
                rows = sql.parquet_rows(conn, file)
            except duckdb.Error as exc:
                raise BackupError(
                    f"{file} cannot be read as Parquet ({store_db.first_line(exc)}). Nothing was "
                    "written."
                ) from exc
            if rows != entry["rows"]:
                raise BackupError(
                    f"{file} holds {rows:,} rows of table {table}, not the {entry['rows']:,} the "
                    "manifest records. Nothing was written."
                )


def verify_backup(folder: str | os.PathLike[str]) -> Manifest:
    """The backup's manifest once the folder is known complete and every file matches it;
    `BackupError` naming the file at fault otherwise."""
    path = Path(folder)
    if path.is_file():
        kind = "a database file" if _looks_like_database(path) else "a file"
        raise BackupError(
            f"{path} is {kind}, not a backup folder. A backup is a folder made by `python -m "
            "ehdmm backup --out DIR`; to use a database file, point EHDMM_DB (or --db) at it. "
            "Nothing was written."
        )
    if not path.is_dir():
        raise BackupError(f"There is no backup folder at {path}. Nothing was written.")
    if PARTIAL in path.name:
        raise BackupError(
            f"{path} is an unfinished backup (its backup was stopped before it completed): it "
            "cannot be restored. Nothing was written."
        )
    raw = _read_manifest(path)
    _check_shape(path / MANIFEST, raw)
    _check_files(path, raw["files"])
    _check_rows(path, raw["tables"])
    known = {name for name, _ in store_db.migrations()}
    unknown = [name for name in raw["migrations"] if name not in known]
    if unknown:
        raise BackupError(
            f"{path} was made by ehdmm {raw['ehdmm_version']}, whose database has migration(s) "
            f"{', '.join(unknown)} that this ehdmm {__version__} does not know. Restore it with "
            f"ehdmm {raw['ehdmm_version']} or later. Nothing was written."
        )
    return Manifest(
        folder=path,
        created=raw["created"],
        ehdmm_version=raw["ehdmm_version"],
        duckdb_version=raw["duckdb_version"],
        migrations=tuple(raw["migrations"]),
        tables=raw["tables"],
        sequences=raw["sequences"],
        summary=raw["summary"],
        files=raw["files"],
    )


def describe_backup_folder(path: str | os.PathLike[str]) -> str | None:
    """A sentence for a backup folder given where a return file was expected (None for
    anything else)."""
    folder = Path(path)
    if folder.is_dir() and (folder / MANIFEST).is_file():
        return (
            f"{folder} is an ehdmm backup folder, not a return file: restore it with `python -m "
            f"ehdmm restore {folder} --db PATH`."
        )
    return None


# --- restoring ----------------------------------------------------------------------------


def _build(temp: Path, manifest: Manifest) -> None:
    """The backup as a database file at `temp`: the schema of its migrations, its rows and
    sequences, then this version's newer migrations."""
    available = store_db.migrations()
    theirs = set(manifest.migrations)
    conn = duckdb.connect(str(temp))
    try:
        store_db.apply_migrations(conn, [m for m in available if m[0] in theirs])
        present = set(sql.table_names(conn))
        missing = sorted(present - set(manifest.tables))
        if missing:
            raise BackupError(
                f"{manifest.folder} holds no data for table(s) {', '.join(missing)}, which its "
                "migrations create: it is not a complete backup. Nothing was written."
            )
        conn.execute("BEGIN TRANSACTION")
        for table, entry in manifest.tables.items():
            rows = sql.load_table(
                conn, table, manifest.folder / entry["file"], exists=table in present
            )
            if rows != entry["rows"]:
                raise BackupError(
                    f"{manifest.folder / entry['file']} gave {rows:,} rows of table {table}, "
                    f"not the {entry['rows']:,} the manifest records. Nothing was written."
                )
        for name, next_value in manifest.sequences.items():
            sql.set_sequence(conn, name, next_value)
        conn.execute("COMMIT")
        store_db.apply_migrations(conn, available)
        conn.execute("CHECKPOINT")
    finally:
        conn.close()


@contextlib.contextmanager
def _locked(path: Path, timeout: float) -> Iterator[None]:
    """Hold the lock DuckDB takes on a database file, so that no process uses it meanwhile."""
    import fcntl  # POSIX only: imported here so that the rest works everywhere

    fd = os.open(path, os.O_RDWR)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if time.monotonic() >= deadline:
                    raise BackupError(
                        f"The database {path} is in use by another process: nothing was "
                        "written. Stop the app (or wait for the import), then restore again."
                    ) from exc
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _put_in_place(temp: Path, target: Path, timeout: float) -> Path | None:
    """Move the built file to `target`; a file there is kept as `NAME.before-restore-<time>`
    (with its write-ahead log, if any). Returns the kept file."""
    if not target.exists():
        os.link(temp, target)  # fails if a file appeared meanwhile: nothing is overwritten
        temp.unlink()
        return None
    name = f"{target.name}.before-restore-{datetime.now().strftime(_STAMP)}"
    kept, n = target.with_name(name), 2
    while kept.exists():
        kept, n = target.with_name(f"{name}-{n}"), n + 1
    with _locked(target, timeout):
        os.link(target, kept)
        wal = Path(f"{target}.wal")
        if wal.exists():
            wal.rename(f"{kept}.wal")
        os.replace(temp, target)
    return kept


def restore_backup(
    folder: str | os.PathLike[str],
    db: str | os.PathLike[str] | None,
    *,
    replace: bool = False,
    timeout: float = BACKUP_TIMEOUT_SECONDS,
) -> RestoreResult:
    """Verify the backup, build it into a new file and put it at the database's path (an
    existing file only with `replace`, and then kept beside it); run the integrity check."""
    manifest = verify_backup(folder)
    target = resolve_db_path(db)
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give a database file to restore into.")
    if target.exists() and not replace:
        raise BackupError(
            f"{target} already exists: nothing was written. Add --replace to replace it (the "
            "current file is then kept beside it as NAME.before-restore-<time>)."
        )
    temp = target.parent / f".{target.name}.restoring-{os.getpid()}"
    made_folder = not target.parent.exists()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (temp, Path(f"{temp}.wal")):
            leftover.unlink(missing_ok=True)
        _build(temp, manifest)
        kept = _put_in_place(temp, target, timeout)
    except BaseException as exc:
        for leftover in (temp, Path(f"{temp}.wal")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        if made_folder:
            with contextlib.suppress(OSError):
                target.parent.rmdir()
        if isinstance(exc, (OSError, duckdb.Error)):
            raise _restore_failed(target, exc) from exc
        raise
    store_db.forget(target)
    with connect(target) as conn:
        problems = tuple(integrity_problems(conn))
    return RestoreResult(target, manifest, kept, problems)


def _restore_failed(target: Path, exc: BaseException) -> BackupError:
    return BackupError(
        f"Cannot restore to {target}: {_reason(exc)}. Nothing was written: the database there "
        "(if any) is as it was."
    )
