"""Moderation queries: raised by the national team on a submitted rating, answered by the
authority (recording a revised submission), resolved by the national team; never changing a
level; authority users see and answer their own only; every action audited with names."""

from __future__ import annotations

import duckdb
import pytest

from ehdmm import moderation
from ehdmm.access import AccessDenied
from ehdmm.analysis.rounds import load_scores
from ehdmm.importer import import_returns
from ehdmm.model import load_model
from ehdmm.viewer import LOCAL_VIEWER, Viewer

BRISTOL, LEEDS = "E06000023", "E08000035"
ROUND = "2026-03"
OWN = Viewer(role="authority", authority_code=BRISTOL, email="a@bristol.gov.uk")
OTHER = Viewer(role="authority", authority_code=LEEDS, email="b@leeds.gov.uk")


def _raise(db, **kw) -> moderation.QueryDone:
    args = dict(
        authority_code=BRISTOL,
        round_id=ROUND,
        dimension_id="data_sharing",
        question="What evidence supports Mature?",
        suggested_level=2,
        actor="lead@national",
    )
    args.update(kw)
    return moderation.raise_query(db, LOCAL_VIEWER, **args)


def _levels(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT * FROM ratings ORDER BY ALL").fetchall()


def test_a_query_goes_open_answered_resolved_and_never_changes_a_level(demo_db):
    ratings = _levels(demo_db)
    done = _raise(demo_db)
    assert "E06000023 (Bristol, City of)" in done.message
    assert done.message.startswith("Query raised on") and str(done.query_id) not in done.message
    with duckdb.connect(str(demo_db), read_only=True) as conn:
        [logged] = conn.execute(
            "SELECT detail FROM audit_log WHERE action = 'query.raise'"
        ).fetchone()
    assert logged.startswith(f"query {done.query_id} raised on")  # the log names the record
    assert _levels(demo_db) == ratings
    [state] = moderation.round_queries(demo_db, LOCAL_VIEWER, ROUND)["state"]
    assert state == "open"
    flags = moderation.open_flags(demo_db, LOCAL_VIEWER, ROUND)
    pairs = list(zip(flags["authority_code"], flags["dimension_id"], strict=True))
    assert pairs == [(BRISTOL, "data_sharing")]
    moderation.answer_query(demo_db, OWN, done.query_id, "Our policy is signed.", actor=OWN.name)
    frame = moderation.round_queries(demo_db, OWN, ROUND)
    assert list(frame["state"]) == ["answered"] and frame["revised_submission_id"].isna().all()
    moderation.resolve_query(demo_db, LOCAL_VIEWER, done.query_id, "Accepted", actor="lead")
    assert list(moderation.round_queries(demo_db, OWN, ROUND)["state"]) == ["resolved"]
    assert moderation.open_flags(demo_db, LOCAL_VIEWER, ROUND).empty
    assert _levels(demo_db) == ratings
    with duckdb.connect(str(demo_db), read_only=True) as conn:
        log = conn.execute("SELECT action, detail FROM audit_log ORDER BY id").fetchall()
    assert [a for a, _ in log] == ["query.raise", "query.answer", "query.resolve"]
    assert all("E06000023 (Bristol, City of)" in d for _, d in log)


def test_an_answer_after_a_revised_return_records_it(demo_db):
    done = _raise(demo_db)
    dims = [d.id for d in load_model().dimensions]
    data = (
        "authority,round,dimension,level\n" + "".join(f"{BRISTOL},{ROUND},{d},2\n" for d in dims)
    ).encode()
    [result] = import_returns(demo_db, [("revised.csv", data)])
    assert result.outcome == "imported"
    moderation.answer_query(demo_db, OWN, done.query_id, "Revised to 2.", actor=OWN.name)
    frame = moderation.round_queries(demo_db, LOCAL_VIEWER, ROUND)
    assert frame["revised_submission_id"].notna().all()
    table = moderation.queries_table(frame)
    assert list(table["Revised return"]) == ["yes"]
    assert list(table["Suggested level"]) == ["Developing"]


def test_authority_users_see_and_answer_their_own_only(demo_db):
    done = _raise(demo_db)
    assert moderation.round_queries(demo_db, OTHER, ROUND).empty
    with pytest.raises(moderation.QueryRefused, match="no such query"):
        moderation.answer_query(demo_db, OTHER, done.query_id, "mine?", actor=OTHER.name)
    with pytest.raises(AccessDenied):
        moderation.raise_query(
            demo_db,
            OWN,
            authority_code=BRISTOL,
            round_id=ROUND,
            dimension_id="cba",
            question="?",
            actor="x",
        )
    with pytest.raises(AccessDenied):
        moderation.resolve_query(demo_db, OWN, done.query_id, "done", actor="x")
    with pytest.raises(AccessDenied):
        moderation.open_flags(demo_db, OWN, ROUND)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"question": "  "}, "question is empty"),
        ({"question": "a\x00b"}, "control characters"),
        ({"dimension_id": "nope"}, "no dimension"),
        ({"suggested_level": 5}, "suggested level is 1 to 4"),
        ({"authority_code": "E99999999"}, "has no submitted rating"),
        ({"round_id": "2019-03"}, "has no submitted rating"),
    ],
)
def test_bad_queries_are_refused_with_nothing_written(demo_db, changes, message):
    with pytest.raises(moderation.QueryRefused, match=message):
        _raise(demo_db, **changes)
    assert moderation.round_queries(demo_db, LOCAL_VIEWER, ROUND).empty


def test_benchmarks_keep_the_submitted_levels_while_a_query_is_open(demo_db):
    before = load_scores(demo_db, "gated").levels
    _raise(demo_db, suggested_level=1)
    after = load_scores(demo_db, "gated").levels
    assert after.equals(before)
