"""`python -m ehdmm import` (ehdmm/cli/returns.py): the choices for partial returns and old files
(--merge, --allow-incomplete, --reimport), the dry run's per-authority preview, and the round
option's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehdmm import cli
from ehdmm.model import load_model
from ehdmm.storage import connect

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
ROUND = "2026-03"
SEFTON = "E08000014"


@pytest.fixture
def db(round_db: Path) -> Path:
    return round_db


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def full(level: int = 3, code: str = SEFTON) -> str:
    rows = "".join(f"{code},{ROUND},{d},{level}\n" for d in DIMS)
    return "authority,round,dimension,level\n" + rows


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["import", *args])
    except SystemExit as exc:  # a usage error
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def current_levels(db: Path) -> dict[str, int]:
    with connect(db) as conn:
        rows = conn.execute(
            "SELECT r.dimension_id, r.level FROM ratings r JOIN submissions s "
            "ON s.id = r.submission_id WHERE s.status = 'submitted' AND s.authority_code = ?",
            [SEFTON],
        ).fetchall()
    return dict(rows)


def test_a_partial_return_exits_1_until_merge_or_allow_incomplete(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run(capsys, write(tmp_path / "full.csv", full()), "--db", str(db))[0] == 0
    one = write(tmp_path / "one.csv", "authority;round;dimension;level\nSefton;2026-03;cba;2\n")
    code, out, err = run(capsys, one, "--db", str(db))
    assert code == 1 and "imported" not in out
    assert "Sefton (E08000014) has a complete return for 2026-03" in err
    assert "--merge" in err and "--allow-incomplete" in err
    assert current_levels(db) == dict.fromkeys(DIMS, 3)

    code, out, _ = run(capsys, one, "--db", str(db), "--merge")
    assert code == 0 and "Sefton (E08000014) 2026-03 merge" in out
    assert current_levels(db) == {**dict.fromkeys(DIMS, 3), "cba": 2}

    two = write(tmp_path / "two.csv", f"authority,round,dimension,level\n{SEFTON},{ROUND},cba,4\n")
    code, out, _ = run(capsys, two, "--db", str(db), "--allow-incomplete")
    assert code == 0 and "replacement" in out
    assert current_levels(db) == {"cba": 4}


def test_merge_and_allow_incomplete_together_are_a_usage_error(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = write(tmp_path / "f.csv", full())
    code, _, err = run(capsys, path, "--db", str(db), "--merge", "--allow-incomplete")
    assert code == 2 and "--merge" in err and "--allow-incomplete" in err


def test_an_old_file_is_a_noop_until_reimport(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    a = write(tmp_path / "a.csv", full(1))
    b = write(tmp_path / "b.csv", full(4))
    run(capsys, a, "--db", str(db), "--actor", "alice")
    run(capsys, b, "--db", str(db))
    code, out, _ = run(capsys, a, "--db", str(db))
    assert code == 0
    assert "already imported on" in out and "by alice" in out
    assert "would revert those of Sefton (E08000014) for 2026-03" in out
    assert current_levels(db) == dict.fromkeys(DIMS, 4)
    code, out, _ = run(capsys, a, "--db", str(db), "--reimport")
    assert code == 0 and "imported" in out and "replacement" in out
    assert current_levels(db) == dict.fromkeys(DIMS, 1)


def test_the_dry_run_prints_each_authority_before_and_after(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    run(capsys, write(tmp_path / "old.csv", full(3)), "--db", str(db))
    new = full(2) + "".join(f"E06000023,{ROUND},{d},4\n" for d in DIMS)
    code, out, _ = run(capsys, write(tmp_path / "new.csv", new), "--db", str(db), "--dry-run")
    assert code == 0 and "nothing written (dry run)" in out
    lines = out.splitlines()
    sefton = next(line for line in lines if line.startswith("  Sefton (E08000014), 2026-03"))
    assert sefton.startswith("  Sefton (E08000014), 2026-03: replacement; ")
    assert "Information governance and data sharing: Maturing → Developing" in sefton
    bristol = next(line for line in lines if line.startswith("  Bristol, City of (E06000023)"))
    assert ": new; " in bristol and "none → Mature" in bristol
    assert current_levels(db) == dict.fromkeys(DIMS, 3)


def test_a_dry_run_of_a_refused_partial_return_exits_1(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    run(capsys, write(tmp_path / "full.csv", full()), "--db", str(db))
    one = write(tmp_path / "one.csv", f"authority,round,dimension,level\n{SEFTON},{ROUND},cba,2\n")
    code, _, err = run(capsys, one, "--db", str(db), "--dry-run")
    assert code == 1 and "would lose the levels of 7" in err
    code, out, _ = run(capsys, one, "--db", str(db), "--dry-run", "--merge")
    assert code == 0 and "Sefton (E08000014), 2026-03: merge; " in out


def test_a_file_name_cannot_forge_lines_of_output(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    name = tmp_path / "x\nE06000023: imported 999 submission(s)\x1b[2K.csv"
    name.write_text("authority,round,dimension,level\nNowhere,2026-03,cba,9\n", encoding="utf-8")
    code, out, err = run(capsys, str(name), "--db", str(db))
    assert code == 1
    assert "\x1b" not in err and "\x1b" not in out
    lines = err.splitlines()
    assert all(line.startswith(repr(str(name))) for line in lines), lines


def test_an_actor_with_a_control_character_is_no_formula_in_the_audit_download(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    import io

    import openpyxl

    from ehdmm import access
    from ehdmm.export import tables
    from ehdmm.viewer import LOCAL_VIEWER

    run(capsys, write(tmp_path / "f.csv", full()), "--db", str(db), "--actor", "\x01=1+1")
    log = access.audit_log(db, LOCAL_VIEWER)
    assert "\x01=1+1" in set(log["actor"])
    book = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes({"audit": log})))
    cells = [c for row in book["audit"].iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'=1+1" in {c.value for c in cells}


def test_an_unusable_size_limit_is_a_configuration_error_and_nothing_is_written(
    db, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("EHDMM_MAX_IMPORT_MB", "inf")
    path = write(tmp_path / "full.csv", full())
    code, _, err = run(capsys, path, "--db", str(db))
    assert code == 2
    assert "configuration error: EHDMM_MAX_IMPORT_MB is set to 'inf'" in err
    assert "Traceback" not in err
    assert current_levels(db) == {}
