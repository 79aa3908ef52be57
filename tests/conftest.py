"""Shared fixtures: real DuckDB files in temporary folders (never a mock)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ehdmm.database import init_db  # noqa: E402
from ehdmm.demo import install_demo  # noqa: E402


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    init_db(path)
    return path


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    install_demo(path)
    return path


@pytest.fixture
def empty_db(_empty_template: Path, tmp_path: Path) -> Path:
    """A fresh database with the reference data and no submissions."""
    path = tmp_path / "empty.duckdb"
    shutil.copy(_empty_template, path)
    return path


@pytest.fixture
def demo_db(_demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo database (153 authorities, 4 rounds)."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(_demo_template, path)
    return path


@pytest.fixture(scope="session")
def _round_template(_empty_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ehdmm.storage import reference, write_with_retry

    path = tmp_path_factory.mktemp("template") / "round.duckdb"
    shutil.copy(_empty_template, path)
    write_with_retry(path, lambda conn: reference.add_round(conn, "2026-03"))
    return path


@pytest.fixture
def round_db(_round_template: Path, tmp_path: Path) -> Path:
    """A fresh database with the reference data, the round 2026-03 and no submissions."""
    path = tmp_path / "round.duckdb"
    shutil.copy(_round_template, path)
    return path
