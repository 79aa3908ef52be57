"""ehdmm.cli: `python -m ehdmm` subcommands, their output contracts and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ehdmm import cli, scoring
from ehdmm.database import record_submission
from ehdmm.model import load_model
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER

ROOT = Path(__file__).resolve().parents[1]
MODEL = load_model()
LEVELS_HEADER = (
    "authority_code,authority_name,round,governance,systems,casework,cba,design,overall,index"
)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ehdmm", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_model_json_contract(capsys):
    assert cli.main(["model"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {
        "id",
        "version",
        "title",
        "licence",
        "levels",
        "strands",
        "checklist",
        "case_studies",
    } <= set(data)
    assert data["version"] == "2017-12"
    assert [lv["name"] for lv in data["levels"]] == ["Early", "Developing", "Maturing", "Mature"]
    assert [lv["number"] for lv in data["levels"]] == [1, 2, 3, 4]
    assert all(set(lv["overview"]) for lv in data["levels"])
    assert [s["id"] for s in data["strands"]] == [
        "governance",
        "systems",
        "casework",
        "cba",
        "design",
    ]
    dims = [d for s in data["strands"] for d in s["dimensions"]]
    assert [d["id"] for d in dims] == [
        "information_governance",
        "data_sharing",
        "data_systems",
        "training",
        "casework",
        "cba",
        "commissioning",
        "research",
    ]
    for dim in dims:
        assert set(dim["descriptors"]) == {"1", "2", "3", "4"} == set(dim["statements"])
        assert " ".join(dim["statements"]["2"]) == dim["descriptors"]["2"]
    assert [s["measures_incomplete"] for s in data["strands"]] == [False, False, False, True, False]
    assert len(data["checklist"]) == 6 and all(isinstance(t, str) for t in data["checklist"])
    assert len(data["case_studies"]) == 5
    assert set(data["case_studies"][0]) == {"authority", "text"}
    assert "Open Government Licence v3.0" in data["licence"]


def test_demo_then_levels_in_real_processes(tmp_path):
    db = tmp_path / "cli.duckdb"
    env = {"EHDMM_DB": str(db)}
    made = run_cli("demo", env=env)
    assert made.returncode == 0, made.stderr
    assert "synthetic" in made.stdout
    out = run_cli("levels", env=env)
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert ",".join(rows[0]) == LEVELS_HEADER
    with connect(db) as conn:
        expected = scoring.authority_levels(conn, LOCAL_VIEWER, "2026-03", "gated")
    assert [r[0] for r in rows[1:]] == sorted(expected["authority_code"])
    assert {r[2] for r in rows[1:]} == {"2026-03"}
    again = run_cli("demo", env=env)
    assert again.returncode == 0 and "already holds the demo data" in again.stdout


def levels_rows(db: Path, *extra: str) -> list[list[str]]:
    out = io.StringIO()
    from contextlib import redirect_stdout

    with redirect_stdout(out):
        assert cli.main(["levels", "--db", str(db), *extra]) == 0
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_levels_csv_contract(empty_db):
    write_with_retry(empty_db, lambda c: [ref.add_round(c, r) for r in ("2025-03", "2026-03")])
    dims = list(MODEL.dimension_ids)
    # index 21/8 = 2.625 -> 2.63 (half away from zero)
    record_submission(
        empty_db, "E10000003", "2026-03", dict.fromkeys(dims, 3) | {"casework": 1, "cba": 2}
    )
    record_submission(
        empty_db, "E06000023", "2026-03", {d: 2 for d in dims if d != "research"}
    )  # incomplete
    record_submission(empty_db, "E09000002", "2025-03", dict.fromkeys(dims, 4))
    rows = levels_rows(empty_db)
    assert ",".join(rows[0]) == LEVELS_HEADER
    assert [r[0] for r in rows[1:]] == ["E06000023", "E10000003"]  # by code; latest round
    assert rows[1] == ["E06000023", "Bristol, City of", "2026-03", "2", "2", "2", "2", "", "", ""]
    assert rows[2] == [
        "E10000003",
        "Cambridgeshire",
        "2026-03",
        "3",
        "3",
        "1",
        "2",
        "3",
        "1",
        "2.63",
    ]
    best = levels_rows(empty_db, "--rule", "best-fit")
    assert best[2][3:] == ["3", "3", "1", "2", "3", "2", "2.63"]
    older = levels_rows(empty_db, "--round", "2025-03")
    assert [r[0] for r in older[1:]] == ["E09000002"]


def test_levels_to_a_file_and_unknown_round(empty_db, tmp_path, capsys):
    target = tmp_path / "levels.csv"
    assert cli.main(["levels", "--db", str(empty_db), "--out", str(target)]) == 0
    assert target.read_text().strip() == LEVELS_HEADER
    with pytest.raises(SystemExit) as exc:
        cli.main(["levels", "--db", str(empty_db), "--round", "2031-03"])
    assert exc.value.code == 2
    assert "no round '2031-03'" in capsys.readouterr().err


def test_db_option_wins_over_the_environment(empty_db, demo_db, monkeypatch, capsys):
    monkeypatch.setenv("EHDMM_DB", str(demo_db))
    assert cli.main(["check", "--db", str(empty_db)]) == 0
    out = capsys.readouterr().out
    assert str(empty_db) in out and "0 submissions" in out
    assert cli.main(["check"]) == 0
    assert str(demo_db) in capsys.readouterr().out


def test_a_missing_explicit_database_is_an_error(tmp_path, capsys):
    assert cli.main(["levels", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "No database at" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_init_is_idempotent(tmp_path, capsys):
    db = tmp_path / "i.duckdb"
    assert cli.main(["init", "--db", str(db)]) == 0
    assert cli.main(["init", "--db", str(db)]) == 0
    assert "153 authorities, 1530 statistical neighbour links" in capsys.readouterr().out


def test_check_reports_integrity_problems(demo_db, capsys):
    write_with_retry(
        demo_db,
        lambda c: c.execute(
            "UPDATE submissions SET status = 'submitted' WHERE status = 'superseded'"
        ),
    )
    assert cli.main(["check", "--db", str(demo_db)]) == 1
    err = capsys.readouterr().err
    assert "more than one current submission" in err


def test_template_writes_four_files(tmp_path, capsys):
    assert cli.main(["template", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "ehdmm-return-long.csv",
        "ehdmm-return-long.xlsx",
        "ehdmm-return-wide.csv",
        "ehdmm-return-wide.xlsx",
    ]


def test_groups_import_and_list(empty_db, tmp_path, capsys):
    source = tmp_path / "g.csv"
    source.write_text("authority\nBristol\nBath and North East Somerset\n")
    assert cli.main(["groups", "import", "west", str(source), "--db", str(empty_db)]) == 0
    assert cli.main(["groups", "list", "--db", str(empty_db)]) == 0
    assert "west\t2 members" in capsys.readouterr().out
    source.write_text("authority\nAtlantis\n")
    assert cli.main(["groups", "import", "bad", str(source), "--db", str(empty_db)]) == 1
    assert "row 2, column 'authority'" in capsys.readouterr().err
    with connect(empty_db) as conn:
        assert list(ref.custom_groups(conn)["name"]) == ["west"]


@pytest.mark.parametrize(
    "command", ["init", "demo", "model", "import", "template", "levels", "check", "groups"]
)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--help"])
    assert exc.value.code == 0
    assert "--db" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["levels", "--rule", "median"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        cli.main([])
    assert exc.value.code == 2


def test_busy_database_fails_cleanly(empty_db):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('x', flush=True); time.sleep(8)",
            str(empty_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        holder.stdout.readline()
        out = run_cli("check", "--db", str(empty_db))
    finally:
        holder.kill()
        holder.wait()
    assert out.returncode == 1
    assert "busy" in out.stderr and "Traceback" not in out.stderr
    with connect(empty_db) as conn:
        assert store.table_counts(conn)["submissions"] == 0


def audit_entries(db: Path) -> list[tuple[str, str, str]]:
    from ehdmm import access

    log = access.audit_log(db, LOCAL_VIEWER)
    return [(r.actor, r.action, r.detail) for r in log.iloc[::-1].itertuples(index=False)]


def test_imports_from_the_command_line_are_audited_on_success_only(empty_db, tmp_path, capsys):
    good = tmp_path / "bristol.csv"
    good.write_text(
        "authority,round,dimension,level\n"
        + "".join(f"E06000023,2026-03,{d},3\n" for d in MODEL.dimension_ids)
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("authority,round,dimension,level\nAtlantis,2026-03,casework,9\n")
    base = ["import", "--db", str(empty_db), "--create-round", "--actor", "cli:tester"]
    assert cli.main([*base, "--dry-run", str(good)]) == 0  # writes nothing: not logged
    assert cli.main([*base, str(bad)]) == 1  # rejected: not logged
    assert audit_entries(empty_db) == []
    assert cli.main([*base, str(good)]) == 0
    assert cli.main([*base, str(good)]) == 0  # the same content again: a logged no-op
    capsys.readouterr()
    assert audit_entries(empty_db) == [
        (
            "cli:tester",
            "import",
            "bristol.csv: imported, 1 submission(s) written, 8 rating(s), round(s) 2026-03 "
            "(command line)",
        ),
        (
            "cli:tester",
            "import",
            "bristol.csv: no-op, 0 submission(s) written, 8 rating(s), round(s) 2026-03 "
            "(command line)",
        ),
    ]


def test_a_group_import_from_the_command_line_is_audited(empty_db, tmp_path, capsys):
    source = tmp_path / "west.csv"
    source.write_text("authority\nBristol\nBath and North East Somerset\nAtlantis\n")
    argv = ["groups", "import", "west", str(source), "--db", str(empty_db), "--actor", "cli:me"]
    assert cli.main(argv) == 1  # rejected: nothing written, nothing logged
    assert audit_entries(empty_db) == []
    source.write_text("authority\nBristol\nBath and North East Somerset\n")
    assert cli.main(argv) == 0
    assert audit_entries(empty_db) == [
        ("cli:me", "group.import", "west: 2 members from west.csv (command line)")
    ]
    assert cli.main(["groups", "list", "--db", str(empty_db)]) == 0
    assert len(audit_entries(empty_db)) == 1  # listing is not a change
    capsys.readouterr()


def test_the_default_actor_of_an_import_is_the_cli_user(empty_db, tmp_path, capsys):
    source = tmp_path / "g.csv"
    source.write_text("authority\nBristol\n")
    assert cli.main(["groups", "import", "solo", str(source), "--db", str(empty_db)]) == 0
    [(actor, action, _)] = audit_entries(empty_db)
    assert actor == cli.default_actor() and actor.startswith("cli") and action == "group.import"
    capsys.readouterr()


def test_groups_publish_and_unpublish_exit_codes(empty_db, tmp_path, capsys):
    source = tmp_path / "g.csv"
    source.write_text("authority\nBristol\nBath and North East Somerset\nWigan\nLeeds\nKent\n")
    db = str(empty_db)
    assert cli.main(["groups", "import", "west", str(source), "--db", db]) == 0
    assert cli.main(["groups", "publish", "west", "--db", db]) == 0
    assert "Custom group 'west' published." in capsys.readouterr().out
    source.write_text("authority\nBristol\nBath and North East Somerset\nWigan\nLeeds\n")
    assert cli.main(["groups", "import", "west4", str(source), "--db", db]) == 0
    capsys.readouterr()
    assert cli.main(["groups", "publish", "west4", "--db", db]) == 1
    assert "differs from the published custom group 'west' by 1" in capsys.readouterr().err
    assert cli.main(["groups", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "west\t5 members\tpublished" in listed and "west4\t4 members\tnot published" in listed
    assert cli.main(["groups", "unpublish", "west", "--db", db]) == 0
    assert "unpublished" in capsys.readouterr().out
    assert cli.main(["groups", "publish", "nobody", "--db", db]) == 1
    with pytest.raises(SystemExit) as usage:
        cli.main(["groups", "publish", "--db", db])
    assert usage.value.code == 2
