"""`python -m ehdmm backup`, `restore` and `--version`: what they print, their exit codes, and
a backup folder given to `import`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ehdmm import __version__
from ehdmm.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ehdmm {__version__} (DuckDB {duckdb.__version__}, Python ")


def test_backup_then_restore_in_real_processes(demo_db, tmp_path, run_cli):
    cli = run_cli
    made = cli("backup", "--db", str(demo_db), "--out", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    [folder] = (tmp_path / "backups").iterdir()
    assert made.stdout.startswith(f"Backup written to {folder} (")
    assert (
        "153 authorities, 4 rounds, 583 returns, 0 drafts, 0 users, 0 audit entries." in made.stdout
    )

    target = tmp_path / "restored.duckdb"
    done = cli("restore", str(folder), "--db", str(target))
    assert done.returncode == 0, done.stderr
    assert f"to {target}: 153 authorities" in done.stdout and "Integrity check: ok." in done.stdout
    again = cli("restore", str(folder), "--db", str(target))
    assert again.returncode == 1 and "already exists: nothing was written" in again.stderr
    replaced = cli("restore", str(folder), "--db", str(target), "--replace")
    assert replaced.returncode == 0 and "is kept as" in replaced.stdout
    assert cli("levels", "--db", str(target)).stdout == cli("levels", "--db", str(demo_db)).stdout

    wrong = cli("restore", str(demo_db), "--db", str(tmp_path / "other.duckdb"))
    assert wrong.returncode == 1 and "is a database file, not a backup folder" in wrong.stderr
    assert not (tmp_path / "other.duckdb").exists()

    imported = cli("import", str(folder), "--db", str(demo_db))
    assert imported.returncode == 2
    assert "is an ehdmm backup folder, not a return file" in imported.stderr
    assert "python -m ehdmm restore" in imported.stderr and "Traceback" not in imported.stderr


def test_keep_must_be_positive_and_a_missing_database_is_not_created(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["backup", "--db", str(tmp_path / "x.duckdb"), "--out", str(tmp_path), "--keep", "0"])
    assert stop.value.code == 2
    assert main(["backup", "--db", str(tmp_path / "x.duckdb"), "--out", str(tmp_path / "b")]) == 1
    assert f"No database at {tmp_path / 'x.duckdb'}" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists() and not (tmp_path / "b").exists()
