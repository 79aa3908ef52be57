"""`plan export`, `plan import [--dry-run]` and `targets --round`: exit 0 done, 1 rejected
with nothing written, 2 usage."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from ehdmm import cli, plans
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER
from tests.test_plan_workbook import a_target, counts, statement, workbook

MODEL = load_model()
LEEDS = "E08000035"


def run(db, *args: str) -> int:
    return cli.main([*args, "--db", str(db)])


def test_export_then_import_round_trip(demo_db, tmp_path, capsys):
    target = a_target(demo_db)
    plans.set_target(demo_db, LOCAL_VIEWER, "me", LEEDS, target[1], target[2], target[3])
    action = plans.Action.checked(MODEL, "cba", "Cost one service", [statement("cba", 2)])
    plans.save_action(demo_db, LOCAL_VIEWER, "me", LEEDS, action)
    out = tmp_path / "leeds.xlsx"
    assert run(demo_db, "plan", "export", "--authority", "Leeds", "--out", str(out)) == 0
    assert "Plan of Leeds (E08000035)" in capsys.readouterr().out
    book = load_workbook(out)
    assert [c.value for c in book["Targets"][1]] == [
        "authority_code",
        "dimension",
        "target_level",
        "target_round",
    ]
    leeds_targets = [r for r in book["Targets"].iter_rows(min_row=2, values_only=True)]
    assert tuple(target) in leeds_targets
    assert [c.value for c in book["Actions"][1]] == [
        "authority_code",
        "dimension",
        "title",
        "statement",
        "owner",
        "due",
        "status",
        "note",
    ]
    before = counts(demo_db)
    assert run(demo_db, "plan", "import", str(out)) == 0
    assert "nothing to change" in capsys.readouterr().out
    assert counts(demo_db) == before


def test_import_dry_run_then_for_real(demo_db, tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook([a_target(demo_db)], []))
    before = counts(demo_db)
    assert run(demo_db, "plan", "import", str(path), "--dry-run") == 0
    assert "would write 1 target(s) set" in capsys.readouterr().out
    assert counts(demo_db) == before
    assert cli.main(["plan", "import", str(path), "--db", str(demo_db), "--actor", "cli:t"]) == 0
    assert counts(demo_db)[0] == before[0] + 1
    with connect(demo_db) as conn:
        actor, action = conn.execute(
            "SELECT actor, action FROM audit_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert (actor, action) == ("cli:t", "plan.import")


def test_rejected_file_exits_1_and_writes_nothing(demo_db, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook([a_target(demo_db), [LEEDS, "casework", 9, "2027-03"]], None))
    before = counts(demo_db)
    assert run(demo_db, "plan", "import", str(path)) == 1
    err = capsys.readouterr().err
    assert "bad.xlsx, row 3, column 'target_level': error:" in err and "nothing was written" in err
    assert counts(demo_db) == before


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "import", "missing.xlsx"),
        ("plan", "export", "--authority", "Atlantis", "--out", "x.xlsx"),
        ("targets", "--round", "2031-03"),
        ("targets",),
        ("plan",),
    ],
)
def test_usage_errors_exit_2(demo_db, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    before = counts(demo_db)
    with pytest.raises(SystemExit) as exit_:
        run(demo_db, *args)
    assert exit_.value.code == 2
    assert counts(demo_db) == before and not (tmp_path / "x.xlsx").exists()


def test_targets_csv(demo_db, capsys):
    target = a_target(demo_db)
    plans.set_target(demo_db, LOCAL_VIEWER, "me", LEEDS, target[1], target[2], target[3])
    assert run(demo_db, "targets", "--round", "2026-03") == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == (
        "authority_code,dimension,current_level,target_level,target_round,status"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    mine = next(r for r in rows if r["authority_code"] == LEEDS and r["dimension"] == target[1])
    assert mine["current_level"] == str(target[2] - 1)
    assert mine["target_level"] == str(target[2]) and mine["status"] == "on track"
    assert {r["status"] for r in rows} <= {"met", "on track", "not met", "passed", "open"}
