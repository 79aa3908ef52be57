"""Creating and preparing a database: schema, reference data, the model, demo data."""

from __future__ import annotations

import os
from pathlib import Path

from ehdmm.model import Model, load_model
from ehdmm.storage import StoreError, connect, resolve_db_path, write_with_retry
from ehdmm.storage import db as storage_db
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store


def init_db(db: str | os.PathLike[str] | None = None, model: Model | None = None) -> Path:
    """Create (or bring up to date) a database with the reference data and the model.

    Idempotent: running it again changes nothing."""
    model = model or load_model()

    def work(conn):
        ref.load_reference(conn)
        ref.sync_model(conn, model)

    write_with_retry(db, work)
    return resolve_db_path(db)


def ensure_demo_db(db: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """Create the database with demo data when the file does not exist yet.

    Returns (path, created). An existing file is left as it is."""
    from ehdmm.demo import install_demo

    path = resolve_db_path(db)
    if path.exists():
        return path, False
    install_demo(path)
    return path, True


def missing_database_error(path: Path) -> StoreError:
    """The message for a database path where there is no file: how to make one."""
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    why = f": {blocker} is a file, not a folder" if blocker is not None else ""
    return StoreError(
        f"No database at {path}{why}. Point EHDMM_DB (or --db) at an existing database file, "
        f"or create one there with `python -m ehdmm init --db {path}` (empty) or `python -m "
        f"ehdmm demo --db {path}` (demo data), or restore a backup there with `python -m ehdmm "
        f"restore BACKUP --db {path}`."
    )


def app_database(db: str | os.PathLike[str] | None = None) -> Path:
    """The database the app reads: the file at the path, which must exist, except for the
    default path (`data/ehdmm.duckdb`), which is created with the demo data on first start."""
    path = resolve_db_path(db)
    if path.exists():
        return path
    if path == storage_db.DEFAULT_DB_PATH:
        return ensure_demo_db(path)[0]
    raise missing_database_error(path)


def is_demo(db: str | os.PathLike[str] | None = None) -> bool:
    """True when the database holds synthetic demo submissions."""
    with connect(db) as conn:
        return store.is_demo(conn)


def record_submission(
    db: str | os.PathLike[str] | None,
    authority_code: str,
    round_id: str,
    ratings: dict[str, int | tuple[int, str | None, str | None]],
    *,
    status: str = "submitted",
    source: str = "form",
    submitted_by: str | None = None,
    checklist: dict[str, tuple[bool, str | None]] | None = None,
    note: str | None = None,
    model: Model | None = None,
) -> int:
    """Store one submission (ratings as level or (level, evidence, confidence)) in one
    transaction; a submitted one supersedes the current one. Returns its id."""
    from datetime import datetime

    import pandas as pd

    model = model or load_model()
    unknown = sorted(set(ratings) - set(model.dimension_ids))
    if unknown:
        raise ValueError(f"unknown dimension(s): {', '.join(unknown)}")
    subs = pd.DataFrame(
        [
            {
                "key": 1,
                "authority_code": authority_code,
                "round_id": round_id,
                "model_version": model.version,
                "status": status,
                "source": source,
                "source_file": None,
                "content_hash": None,
                "submitted_at": datetime.now(),
                "submitted_by": submitted_by,
                "note": note,
                "import_id": None,
                "synthetic": False,
            }
        ],
        columns=store.SUBMISSION_COLUMNS,
    )
    rows = []
    for dim_id, value in ratings.items():
        level, evidence, confidence = value if isinstance(value, tuple) else (value, None, None)
        rows.append(
            {
                "key": 1,
                "dimension_id": dim_id,
                "level": int(level),
                "evidence": evidence,
                "confidence": confidence,
            }
        )
    frame = pd.DataFrame(rows, columns=store.RATING_COLUMNS).astype(
        {"evidence": object, "confidence": object}
    )
    answers = pd.DataFrame(
        [
            {"key": 1, "item_id": k, "in_place": v[0], "note": v[1]}
            for k, v in (checklist or {}).items()
        ],
        columns=store.CHECKLIST_COLUMNS,
    ).astype({"note": object})

    def work(conn):
        if not ref.authority_exists(conn, authority_code):
            raise ValueError(f"unknown authority '{authority_code}'")
        if not ref.round_exists(conn, round_id):
            raise ValueError(f"there is no round '{round_id}'")
        return store.write_submissions(conn, subs, frame, answers)[1]

    return write_with_retry(db, work)
