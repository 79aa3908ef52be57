"""`python -m ehdmm rounds list|create|close|reopen|publish` and `import --closed-ok`: exit 0
done, 1 refused with nothing written, 2 usage; `--db` as everywhere; publishing's audit log."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ehdmm import access, cli
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import publications as pubs
from ehdmm.viewer import Viewer


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


# -- rounds publish ---------------------------------------------------------------------------

NATIONAL = Viewer(role="national", email="tests")
LATE = ["E06000022", "E06000031", "E06000041", "E06000045", "E08000013"]  # none in 2026-03


def publications(db) -> list[tuple[str, int]]:
    with connect(db) as conn:
        frame = pubs.latest_publications(conn)
    return list(zip(frame["round_id"], frame["id"], strict=True))


def test_the_demo_rounds_are_published_and_nothing_changed_is_a_no_op(
    demo_db, import_levels, capsys
):
    before = publications(demo_db)
    assert [r for r, _ in before] == ["2023-03", "2024-03", "2025-03", "2026-03"]
    assert cli.main(["rounds", "publish", "2026-03", "--db", str(demo_db)]) == 0
    assert "nothing was written" in capsys.readouterr().out
    assert publications(demo_db) == before


def test_fewer_than_five_changed_returns_are_refused_with_nothing_written(
    demo_db, import_levels, capsys
):
    import_levels(demo_db, LATE[:2])
    before = publications(demo_db)
    assert cli.main(["rounds", "publish", "2026-03", "--db", str(demo_db)]) == 1
    err = capsys.readouterr().err
    assert "2 authorities' current returns differ" in err and "at least 5" in err
    assert "Nothing was written" in err
    assert publications(demo_db) == before
    assert "round.publish" not in set(access.audit_log(demo_db, NATIONAL)["action"])


def test_hold_back_publishes_the_changed_authorities_at_their_last_publication(
    demo_db, import_levels, capsys
):
    import_levels(demo_db, LATE[:2])
    with connect(demo_db) as conn:
        previous = pubs.publication_members(conn, dict(publications(demo_db))["2026-03"])
    args = ["rounds", "publish", "2026-03", "--hold-back", "--actor", "lead", "--db"]
    assert cli.main([*args, str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "Held back at their previously published return (2)" in out
    assert "Bath and North East Somerset (E06000022)" in out  # named for the national team
    new_id = dict(publications(demo_db))["2026-03"]
    with connect(demo_db) as conn:
        assert pubs.publication_members(conn, new_id) == previous
    log = access.audit_log(demo_db, NATIONAL)
    entry = log[log["action"] == "round.publish"].iloc[0]
    assert entry["actor"] == "lead" and "held back: E06000022, E06000031" in entry["detail"]


def test_five_changed_returns_are_published(demo_db, import_levels, capsys):
    import_levels(demo_db, LATE)
    assert cli.main(["rounds", "publish", "2026-03", "--db", str(demo_db)]) == 0
    assert "Round 2026-03 published" in capsys.readouterr().out
    new_id = dict(publications(demo_db))["2026-03"]
    with connect(demo_db) as conn:
        members = pubs.publication_members(conn, new_id)
    assert set(LATE) <= set(members)
    log = access.audit_log(demo_db, NATIONAL)
    assert "5 changed since the last" in log[log["action"] == "round.publish"].iloc[0]["detail"]


def test_an_unknown_round_is_a_usage_error(demo_db, import_levels, run_cli):
    done = run_cli("rounds", "publish", "2019-03", "--db", str(demo_db))
    assert done.returncode == 2 and "unknown round '2019-03'" in done.stderr
    done = run_cli("rounds", "publish", "--db", str(demo_db))
    assert done.returncode == 2
