"""`python -m ehdmm rounds list|create|close|reopen` and `import --closed-ok`: exit 0 done,
1 refused with nothing written, 2 usage; `--db` as everywhere."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ehdmm import cli
from ehdmm.model import load_model


def rounds(db: Path, *args: str) -> int:
    return cli.main(["rounds", *args, "--db", str(db), "--actor", "cli:tester"])


def _audit(db: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT action, detail FROM audit_log ORDER BY id").fetchall()


def _listed(capsys) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_list_is_csv_with_states(demo_db, capsys):
    assert rounds(demo_db, "list") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "round_id,title,opens,closes,state"
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["round_id"], r["state"]) for r in rows] == [
        ("2023-03", "closed"),
        ("2024-03", "closed"),
        ("2025-03", "closed"),
        ("2026-03", "open"),
    ]


NEXT = date.today().year + 1


def test_create_close_and_list(empty_db, capsys):
    args = ("create", f"{NEXT}-03", "--title", "Spring", "--opens", f"{NEXT}-03-01")
    assert rounds(empty_db, *args, "--closes", f"{NEXT}-04-30") == 0
    capsys.readouterr()
    assert rounds(empty_db, "list") == 0
    assert _listed(capsys) == [
        {
            "round_id": f"{NEXT}-03",
            "title": "Spring",
            "opens": f"{NEXT}-03-01",
            "closes": f"{NEXT}-04-30",
            "state": "planned",
        }
    ]
    assert rounds(empty_db, "close", f"{NEXT}-03") == 0
    capsys.readouterr()
    assert rounds(empty_db, "list") == 0
    assert _listed(capsys)[0]["state"] == "closed"
    assert [a for a, _ in _audit(empty_db)] == ["round.create", "round.close"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("create", "2026-3", "--opens", "2026-03-01", "--closes", "2026-04-01"), 2),
        (("create", "2026-03", "--opens", "1 March", "--closes", "2026-04-01"), 2),
        (("create", "2026-03", "--closes", "2026-04-01"), 2),
        (("create", "2026-03", "--opens", "2026-04-01", "--closes", "2026-03-01"), 1),
        (("create", "2026-03", "--opens", "2026-03-01", "--closes", "2026-04-01"), 1),
        (("close", "2019-03"), 1),
        (("close",), 2),
        (("reopen", "2026-03", "--authority", "Bristol", "--reason", "late"), 1),
        (("reopen", "2026-03", "--authority", "Nowhere", "--reason", "late"), 2),
        (("reopen", "2026-03", "--authority", "Bristol"), 2),
    ],
)
def test_refusals_write_nothing(round_db, capsys, args, code):
    with duckdb.connect(str(round_db), read_only=True) as conn:
        before = conn.execute("SELECT * FROM rounds").fetchall()
    if code == 2:
        with pytest.raises(SystemExit) as exit_:
            rounds(round_db, *args)
        assert exit_.value.code == 2
    else:
        assert rounds(round_db, *args) == 1
        assert "nothing was written" in capsys.readouterr().err
    with duckdb.connect(str(round_db), read_only=True) as conn:
        assert conn.execute("SELECT * FROM rounds").fetchall() == before
    assert _audit(round_db) == []


def test_reopen_names_the_authority_in_the_audit_log(demo_db, capsys):
    assert rounds(demo_db, "reopen", "2025-03", "--authority", "801", "--reason", "late") == 0
    assert "E06000023 (Bristol, City of)" in capsys.readouterr().out
    [(action, detail)] = _audit(demo_db)
    assert action == "round.reopen"
    assert detail == "round 2025-03 reopened for E06000023 (Bristol, City of); reason: late"


def test_import_into_a_closed_round_needs_closed_ok(demo_db, tmp_path, capsys):
    dims = [d.id for d in load_model().dimensions]
    path = tmp_path / "late.csv"
    path.write_text(
        "authority,round,dimension,level\n" + "".join(f"E06000023,2024-03,{d},1\n" for d in dims)
    )
    argv = ["import", str(path), "--db", str(demo_db), "--actor", "cli:tester"]
    assert cli.main(argv) == 1
    assert "Round 2024-03 is closed" in capsys.readouterr().err
    assert _audit(demo_db) == []
    assert cli.main([*argv, "--closed-ok"]) == 0
    [(action, detail)] = _audit(demo_db)
    assert action == "import" and "into closed round(s) 2024-03 with --closed-ok" in detail
