"""`python -m ehdmm responses --round ID [--authority CODE]`: respondents' levels as CSV."""

from __future__ import annotations

import csv
import io

from ehdmm import cli, responses
from ehdmm.assessment import Answer, Draft
from ehdmm.viewer import LOCAL_VIEWER

HEADER = (
    "authority_code,respondent,role_label,status,information_governance,data_sharing,"
    "data_systems,training,casework,cba,commissioning,research"
)


def run(db, *args: str) -> int:
    return cli.main(["responses", *args, "--db", str(db)])


def test_prints_drafts_and_submitted_with_empty_unrated(round_db, capsys):
    ann = responses.invite(
        round_db, LOCAL_VIEWER, "E06000023", "2026-03", name="Ann", role_label="Police"
    )
    bob = responses.invite(
        round_db, LOCAL_VIEWER, "E08000035", "2026-03", name="Bob", role_label="Health, schools"
    )
    responses.invite(round_db, LOCAL_VIEWER, "E08000035", "2026-03", name="Cy", role_label="X")
    full = {k: Answer(level=3) for k in HEADER.split(",")[4:]}
    draft = responses.load_response(round_db, LOCAL_VIEWER, ann.id)
    draft = Draft("E06000023", "2026-03", answers=full, revision=draft.revision)
    draft = responses.save_response(round_db, LOCAL_VIEWER, ann.id, draft, actor="t")
    responses.submit_response(round_db, LOCAL_VIEWER, ann.id, draft, actor="t")
    partial = Draft("E08000035", "2026-03", answers={"cba": Answer(level=1)})
    responses.save_response(round_db, LOCAL_VIEWER, bob.id, partial, actor="t")
    assert run(round_db, "--round", "2026-03") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == HEADER
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert rows == [
        ["E06000023", "Ann", "Police", "submitted"] + ["3"] * 8,
        ["E08000035", "Bob", "Health, schools", "draft", "", "", "", "", "", "1", "", ""],
    ]
    assert run(round_db, "--round", "2026-03", "--authority", "Leeds") == 0
    assert [r[1] for r in list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]] == ["Bob"]


def test_unknown_round_fails_and_unknown_authority_is_a_usage_error(round_db, capsys):
    assert run(round_db, "--round", "2020-01") == 1
    assert "there is no round '2020-01'" in capsys.readouterr().err
    try:
        run(round_db, "--round", "2026-03", "--authority", "Atlantis")
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("an unknown authority is a usage error")
