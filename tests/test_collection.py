"""Running a round: create, open, close, reopen for one authority; a submission or an import
for a round that is not open for the authority is refused, saying who can reopen it; every
action audited with names beside codes; only the national team acts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pytest

from ehdmm import assessment, collection
from ehdmm.access import AccessDenied
from ehdmm.importer import import_returns
from ehdmm.model import load_model
from ehdmm.viewer import LOCAL_VIEWER, Viewer

NATIONAL = LOCAL_VIEWER
BRISTOL = "E06000023"
TODAY = date.today()


def _table(db, name: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()


def _states(db) -> dict[str, str]:
    frame = collection.rounds_table(db)
    return dict(zip(frame["round_id"], frame["state"], strict=True))


def test_rounds_made_by_imports_are_closed_once_a_later_round_exists(demo_db):
    assert _states(demo_db) == {
        "2023-03": "closed",
        "2024-03": "closed",
        "2025-03": "closed",
        "2026-03": "open",
    }


def test_create_then_open_and_close(empty_db):
    opens, closes = TODAY + timedelta(days=10), TODAY + timedelta(days=40)
    done = collection.create_round(
        empty_db, NATIONAL, "2026-11", opens=opens, closes=closes, title="Autumn", actor="t"
    )
    assert "2026-11 created" in done.message
    assert _states(empty_db) == {"2026-11": "planned"}
    collection.open_round(empty_db, NATIONAL, "2026-11", actor="t")
    assert _states(empty_db) == {"2026-11": "open"}
    collection.close_round(empty_db, NATIONAL, "2026-11", actor="t")
    assert _states(empty_db) == {"2026-11": "closed"}
    actions = [row[3] for row in _table(empty_db, "audit_log")]
    assert actions == ["round.create", "round.open", "round.close"]


@pytest.mark.parametrize(
    ("round_id", "opens", "closes", "message"),
    [
        ("2026-13", date(2026, 1, 1), date(2026, 2, 1), "is not a round of the form YYYY-MM"),
        ("1999-03", date(2026, 1, 1), date(2026, 2, 1), "is not a plausible round"),
        ("2026-05", date(2026, 3, 1), date(2026, 2, 1), "is before the opening date"),
        ("2026-05", None, date(2026, 2, 1), "needs an opening and a closing date"),
        ("2026-03", date(2026, 1, 1), date(2026, 2, 1), "exists already"),
    ],
)
def test_bad_rounds_are_refused_with_nothing_written(round_db, round_id, opens, closes, message):
    before = (_table(round_db, "rounds"), _table(round_db, "audit_log"))
    with pytest.raises(collection.RoundRefused, match=message):
        collection.create_round(round_db, NATIONAL, round_id, opens=opens, closes=closes, actor="t")
    assert (_table(round_db, "rounds"), _table(round_db, "audit_log")) == before


def test_authority_users_manage_no_rounds(round_db):
    user = Viewer(role="authority", authority_code=BRISTOL)
    with pytest.raises(AccessDenied):
        collection.create_round(
            round_db, user, "2026-09", opens=TODAY, closes=TODAY, actor="someone"
        )
    with pytest.raises(AccessDenied):
        collection.close_round(round_db, user, "2026-03", actor="someone")
    with pytest.raises(AccessDenied):
        collection.reopen_for(
            round_db, user, "2026-03", BRISTOL, reason="x", actor="a", authority_name="Bristol"
        )
    assert _table(round_db, "audit_log") == []


def _complete_draft(authority: str, round_id: str) -> assessment.Draft:
    model = load_model()
    answers = {d.id: assessment.Answer(level=2) for d in model.dimensions}
    checklist = {i.id: assessment.ChecklistAnswer(in_place=True) for i in model.checklist}
    return assessment.Draft(authority, round_id, answers=answers, checklist=checklist)


def test_a_form_submission_to_a_closed_round_is_refused_until_reopened(demo_db):
    draft = _complete_draft(BRISTOL, "2024-03")
    submissions = _table(demo_db, "submissions")
    with pytest.raises(assessment.SubmitRefused) as refused:
        assessment.submit(demo_db, NATIONAL, draft, actor="t")
    message = str(refused.value)
    assert "Round 2024-03 is closed" in message and "national team can reopen" in message
    assert _table(demo_db, "submissions") == submissions
    done = collection.reopen_for(
        demo_db,
        NATIONAL,
        "2024-03",
        BRISTOL,
        reason="late evidence",
        actor="lead",
        authority_name="Bristol, City of",
    )
    assert "E06000023 (Bristol, City of)" in done.message and "late evidence" in done.message
    current = assessment.load_draft(demo_db, NATIONAL, BRISTOL, "2024-03")
    draft = _complete_draft(BRISTOL, "2024-03")
    draft = replace(draft, base_id=current.base_id, revision=current.revision)
    made = assessment.submit(demo_db, NATIONAL, draft, actor="t")
    assert made.round_id == "2024-03"
    # closing the round again ends the reopening
    collection.close_round(demo_db, NATIONAL, "2024-03", actor="lead")
    assert collection.reopenings(demo_db, NATIONAL, "2024-03").empty


def test_reopening_needs_a_closed_round_and_a_reason(demo_db):
    with pytest.raises(collection.RoundRefused, match="needs a reason"):
        collection.reopen_for(
            demo_db, NATIONAL, "2024-03", BRISTOL, reason="  ", actor="a", authority_name="B"
        )
    with pytest.raises(collection.RoundRefused, match="only a closed round"):
        collection.reopen_for(
            demo_db, NATIONAL, "2026-03", BRISTOL, reason="x", actor="a", authority_name="B"
        )
    with pytest.raises(collection.RoundRefused, match="no round 2019-03"):
        collection.reopen_for(
            demo_db, NATIONAL, "2019-03", BRISTOL, reason="x", actor="a", authority_name="B"
        )


def _return(authority: str, round_id: str, level: int = 2) -> bytes:
    dims = [d.id for d in load_model().dimensions]
    rows = "".join(f"{authority},{round_id},{d},{level}\n" for d in dims)
    return ("authority,round,dimension,level\n" + rows).encode()


def test_an_import_into_a_closed_round_needs_closed_ok(demo_db):
    submissions = _table(demo_db, "submissions")
    [result] = import_returns(demo_db, [("late.csv", _return(BRISTOL, "2024-03", 1))])
    assert result.outcome == "rejected"
    assert any("Round 2024-03 is closed" in str(p) for p in result.plan.errors)
    assert any("--closed-ok" in str(p) for p in result.plan.errors)
    assert _table(demo_db, "submissions") == submissions
    [dry] = import_returns(demo_db, [("late.csv", _return(BRISTOL, "2024-03", 1))], dry_run=True)
    assert dry.outcome == "rejected"
    [done] = import_returns(demo_db, [("late.csv", _return(BRISTOL, "2024-03", 1))], closed_ok=True)
    assert done.outcome == "imported" and done.closed_rounds == ["2024-03"]
    [open_round] = import_returns(demo_db, [("now.csv", _return(BRISTOL, "2026-03", 1))])
    assert open_round.outcome == "imported" and open_round.closed_rounds == []


def test_a_planned_round_refuses_submissions_until_opened(empty_db):
    collection.create_round(
        empty_db,
        NATIONAL,
        "2027-03",
        opens=TODAY + timedelta(days=30),
        closes=TODAY + timedelta(days=60),
        actor="t",
    )
    [early] = import_returns(empty_db, [("early.csv", _return(BRISTOL, "2027-03"))])
    assert early.outcome == "rejected"
    assert any("not open yet" in str(p) for p in early.plan.errors)
    collection.open_round(empty_db, NATIONAL, "2027-03", actor="t")
    [now] = import_returns(empty_db, [("early.csv", _return(BRISTOL, "2027-03"))])
    assert now.outcome == "imported"
