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

    def work(conn):  # noqa: ANN001, ANN202
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
