"""Creating and preparing a database: schema, reference data, the model, demo data."""

from __future__ import annotations

import os
from pathlib import Path

from ehdmm.model import Model, load_model
from ehdmm.storage import connect, resolve_db_path, write_with_retry
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
