"""`python -m ehdmm users add|list|remove`: who may sign in, with which role; exit codes 0 done,
1 failed, 2 usage error; every change in the audit log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ehdmm import access, cli
from ehdmm.viewer import LOCAL_VIEWER, Viewer

ROOT = Path(__file__).resolve().parents[1]


def users(db: Path, *args: str) -> int:
    return cli.main(["users", *args, "--db", str(db), "--actor", "cli:tester"])


def test_add_list_and_remove(empty_db, capsys):
    assert (
        users(
            empty_db, "add", "Lead@Bristol.gov.uk", "--role", "authority", "--authority", "Bristol"
        )
        == 0
    )
    assert capsys.readouterr().out == "lead@bristol.gov.uk: authority for E06000023.\n"
    assert users(empty_db, "add", "team@communities.gov.uk", "--role", "national") == 0
    capsys.readouterr()
    assert users(empty_db, "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:3] for line in lines] == [
        ["lead@bristol.gov.uk", "authority", "E06000023"],
        ["team@communities.gov.uk", "national", ""],
    ]
    assert all(line.split("\t")[4] == "cli:tester" for line in lines)
    assert access.viewer_for(empty_db, "LEAD@bristol.gov.uk") == Viewer(
        role="authority", authority_code="E06000023", email="lead@bristol.gov.uk"
    )
    assert users(empty_db, "remove", "lead@bristol.gov.uk") == 0
    assert access.viewer_for(empty_db, "lead@bristol.gov.uk") is None
    log = access.audit_log(empty_db, LOCAL_VIEWER)
    assert list(log["action"])[::-1] == ["user.add", "user.add", "user.remove"]
    assert set(log["actor"]) == {"cli:tester"}
    assert "lead@bristol.gov.uk role=authority authority=E06000023" in set(log["detail"])


def test_add_again_changes_the_role(empty_db, capsys):
    assert (
        users(empty_db, "add", "x@council.gov.uk", "--role", "authority", "--authority", "801") == 0
    )
    assert users(empty_db, "add", "x@council.gov.uk", "--role", "national") == 0
    assert access.viewer_for(empty_db, "x@council.gov.uk").sees_all
    assert len(access.list_users(empty_db)) == 1


def test_an_empty_list_says_so(empty_db, capsys):
    assert users(empty_db, "list") == 0
    assert capsys.readouterr().out.startswith("No users")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "not-an-email", "--role", "national"], "is not an email address"),
        (["add", "a@b.gov.uk", "--role", "authority"], "needs --authority"),
        (
            ["add", "a@b.gov.uk", "--role", "authority", "--authority", "Atlantis"],
            "unknown authority",
        ),
        (
            ["add", "a@b.gov.uk", "--role", "national", "--authority", "E06000023"],
            "a national user has no --authority",
        ),
        (["add", "a@b.gov.uk"], "needs --role"),
        (["add"], "needs EMAIL"),
        (["remove"], "needs EMAIL"),
        (["remove", "a@b.gov.uk", "--role", "national"], "takes no --role"),
        (["list", "a@b.gov.uk"], "takes no EMAIL"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(empty_db, capsys, args, message):
    with pytest.raises(SystemExit) as stopped:
        users(empty_db, *args)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert access.list_users(empty_db).empty
    assert access.audit_log(empty_db, LOCAL_VIEWER).empty


@pytest.mark.parametrize("args", [["add", "a@b.gov.uk", "--role", "boss"], ["promote", "x"]])
def test_argparse_errors_exit_2(empty_db, args):
    with pytest.raises(SystemExit) as stopped:
        users(empty_db, *args)
    assert stopped.value.code == 2


def test_removing_an_unknown_user_fails_with_1(empty_db, capsys):
    assert users(empty_db, "remove", "nobody@b.gov.uk") == 1
    assert "No user nobody@b.gov.uk" in capsys.readouterr().err
    assert access.audit_log(empty_db, LOCAL_VIEWER).empty


def test_a_missing_database_fails_with_1(tmp_path, capsys):
    assert users(tmp_path / "none.duckdb", "list") == 1
    assert "No database at" in capsys.readouterr().err


def test_in_a_real_process(empty_db):
    env = {**os.environ, "EHDMM_DB": str(empty_db)}
    run = subprocess.run(
        [sys.executable, "-m", "ehdmm", "users", "add", "p@q.gov.uk", "--role", "national"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "ehdmm", "users", "list", "--db", str(empty_db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0 and listed.stdout.startswith("p@q.gov.uk\tnational\t")
    assert (
        "users"
        in subprocess.run(
            [sys.executable, "-m", "ehdmm", "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )


def test_add_a_lead(empty_db, capsys):
    from ehdmm import responses

    args = ["add", "Lead@Leeds.gov.uk", "--role", "authority", "--authority", "Leeds", "--lead"]
    assert users(empty_db, *args) == 0
    assert capsys.readouterr().out == "lead@leeds.gov.uk: authority for E08000035 (lead).\n"
    assert users(empty_db, "list") == 0
    assert capsys.readouterr().out.rstrip("\n").split("\t")[-1] == "lead"
    viewer = access.viewer_for(empty_db, "lead@leeds.gov.uk")
    assert responses.is_lead(empty_db, viewer, "E08000035")
    assert not responses.is_lead(empty_db, viewer, "E06000023")
    log = access.audit_log(empty_db, LOCAL_VIEWER)
    assert log["detail"].iloc[0].endswith(" lead")


def test_a_national_user_cannot_be_a_lead(empty_db, capsys):
    with pytest.raises(SystemExit) as exc:
        users(empty_db, "add", "n@communities.gov.uk", "--role", "national", "--lead")
    assert exc.value.code == 2
    assert "only an authority user can be a lead" in capsys.readouterr().err
    assert access.list_users(empty_db).empty
