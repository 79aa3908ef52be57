"""ehdmm.storage.drafts and migration 0002: drafts, their content, submitting, the head row that
serialises form writes, and the viewer filter on every read (real DuckDB files)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from ehdmm import scoring
from ehdmm.model import load_model
from ehdmm.storage import connect, transaction, write_with_retry
from ehdmm.storage import drafts as sql
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER, Viewer

A, B = "E06000023", "E08000025"
ROUND = "2027-03"
NOW = datetime(2027, 3, 1, 12, 0, 0)
OWN = Viewer(role="authority", authority_code=A)
OTHER = Viewer(role="authority", authority_code=B)


@pytest.fixture
def db(empty_db):
    write_with_retry(empty_db, lambda conn: ref.add_round(conn, ROUND))
    return empty_db


def new_draft(db, authority=A, ratings=(), checklist=(), ticks=(), guided=False) -> int:
    model = load_model()

    def work(conn):
        sql.bump_head(conn, authority, ROUND, "tester", NOW)
        draft_id = sql.create_draft(
            conn,
            authority_code=authority,
            round_id=ROUND,
            model_version=model.version,
            actor="tester",
            guided=guided,
            now=NOW,
        )
        sql.replace_content(
            conn,
            draft_id,
            ratings=list(ratings),
            checklist=list(checklist),
            ticks=list(ticks),
            guided=guided,
            actor="tester",
            now=NOW,
        )
        return draft_id

    return write_with_retry(db, work)


def all_levels(level: int) -> list[tuple]:
    return [(d, level, None, None, None, None) for d in load_model().dimension_ids]


def test_migration_makes_draft_columns_nullable_and_adds_tables(db):
    with connect(db) as conn:
        applied = [r[0] for r in conn.execute("SELECT name FROM schema_migrations").fetchall()]
        assert "0002_assessment.sql" in applied
        columns = {
            (t, c): nullable
            for t, c, nullable in conn.execute(
                "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
            ).fetchall()
        }
    assert columns[("ratings", "level")] == "YES"
    assert columns[("checklist_answers", "in_place")] == "YES"
    assert ("ratings", "proposed_level") in columns and ("ratings", "override_reason") in columns
    assert ("submissions", "guided") in columns
    assert ("statement_ticks", "statement") in columns
    assert ("assessment_heads", "revision") in columns
    with connect(db) as conn, pytest.raises(duckdb.ConstraintException):
        conn.execute("INSERT INTO ratings (submission_id, dimension_id, level) VALUES (1, 'x', 5)")


def test_head_counts_revisions_and_is_filtered_by_viewer(db):
    with connect(db) as conn:
        assert sql.head(conn, LOCAL_VIEWER, A, ROUND) == (0, None, None)
        with transaction(conn):
            assert sql.bump_head(conn, A, ROUND, "me", NOW) == 1
        with transaction(conn):
            assert sql.bump_head(conn, A, ROUND, "you", NOW) == 2
        assert sql.head(conn, LOCAL_VIEWER, A, ROUND) == (2, NOW, "you")
        assert sql.head(conn, OWN, A, ROUND)[0] == 2
        assert sql.head(conn, OTHER, A, ROUND) == (0, None, None)


@pytest.mark.parametrize("existing", [False, True], ids=["first-write", "later-write"])
def test_two_transactions_bumping_one_head_conflict(db, existing):
    """The mechanism that serialises form writes: of two concurrent writers of one authority
    and round, the second fails with a TransactionException (which write_with_retry retries)."""
    if existing:
        write_with_retry(db, lambda conn: sql.bump_head(conn, A, ROUND, "zero", NOW))
    with connect(db) as first:
        second = duckdb.connect(str(db))
        try:
            first.execute("BEGIN TRANSACTION")
            second.execute("BEGIN TRANSACTION")
            sql.bump_head(first, A, ROUND, "one", NOW)
            with pytest.raises(duckdb.TransactionException):
                sql.bump_head(second, A, ROUND, "two", NOW)  # an update: fails at once
                first.execute("COMMIT")
                second.execute("COMMIT")  # an insert: fails at commit
            if existing:
                first.execute("COMMIT")
                second.execute("ROLLBACK")
            assert sql.head(first, LOCAL_VIEWER, A, ROUND)[:2] == (1 + existing, NOW)
            assert sql.head(first, LOCAL_VIEWER, A, ROUND)[2] == "one"
        finally:
            second.close()


def test_draft_content_round_trips_with_missing_levels_and_notes(db):
    draft_id = new_draft(
        db,
        ratings=[
            ("cba", None, "evidence only <b>bold</b>", None, None, None),
            ("casework", 3, None, "high", 2, "we know better"),
        ],
        checklist=[("privacy", None, "note only"), ("analyst", True, None)],
        ticks=[("casework", 1, 0), ("casework", 1, 1)],
        guided=True,
    )
    with connect(db) as conn:
        draft = sql.open_draft(conn, LOCAL_VIEWER, A, ROUND)
        assert draft["id"] == draft_id and draft["status"] == "draft"
        assert draft["source"] == "form" and draft["guided"] is True
        assert draft["submitted_by"] == "tester"
        ratings = sql.ratings(conn, LOCAL_VIEWER, [draft_id]).set_index("dimension_id")
        assert ratings["level"].isna()["cba"] and not ratings["level"].isna()["casework"]
        assert ratings.loc["cba", "evidence"] == "evidence only <b>bold</b>"
        assert ratings.loc["casework", "proposed_level"] == 2
        assert ratings.loc["casework", "override_reason"] == "we know better"
        checklist = sql.checklist(conn, LOCAL_VIEWER, [draft_id]).set_index("item_id")
        assert checklist["in_place"].isna()["privacy"] and checklist.loc["privacy", "note"]
        assert bool(checklist.loc["analyst", "in_place"]) is True
        ticks = sql.ticks(conn, LOCAL_VIEWER, [draft_id])
        assert list(zip(ticks["level"], ticks["statement"], strict=True)) == [(1, 0), (1, 1)]
        # other authorities' viewers see none of it
        assert sql.open_draft(conn, OTHER, A, ROUND) is None
        assert sql.ratings(conn, OTHER, [draft_id]).empty
        assert sql.checklist(conn, OTHER, [draft_id]).empty
        assert sql.ticks(conn, OTHER, [draft_id]).empty
        assert sql.submissions_by_id(conn, OTHER, [draft_id]).empty
        assert len(sql.submissions_by_id(conn, OWN, [draft_id])) == 1


def test_replace_content_replaces_everything(db):
    draft_id = new_draft(db, ratings=all_levels(2), ticks=[("cba", 1, 0)])

    def work(conn):
        sql.bump_head(conn, A, ROUND, "x", NOW)
        sql.replace_content(
            conn,
            draft_id,
            ratings=[("cba", 4, None, None, None, None)],
            checklist=[],
            ticks=[],
            guided=False,
            actor="x",
            now=NOW,
        )

    write_with_retry(db, work)
    with connect(db) as conn:
        ratings = sql.ratings(conn, LOCAL_VIEWER, [draft_id])
        assert list(ratings["dimension_id"]) == ["cba"] and list(ratings["level"]) == [4]
        assert sql.ticks(conn, LOCAL_VIEWER, [draft_id]).empty


def test_a_draft_never_counts_in_scoring(db):
    new_draft(db, ratings=all_levels(3))
    with connect(db) as conn:
        assert scoring.authority_levels(conn, LOCAL_VIEWER, ROUND, "gated").empty
        assert store.current_ratings(conn, LOCAL_VIEWER, A, ROUND).empty


def test_submit_draft_supersedes_the_current_submission_and_keeps_it(db):
    first = new_draft(db, ratings=all_levels(2))
    write_with_retry(db, lambda conn: sql.submit_draft(conn, first, "tester", NOW))
    second = new_draft(db, ratings=all_levels(3))
    superseded = write_with_retry(db, lambda conn: sql.submit_draft(conn, second, "tester", NOW))
    assert superseded == first
    with connect(db) as conn:
        rows = sql.submissions_by_id(conn, LOCAL_VIEWER, [first, second]).set_index("id")
        assert rows.loc[first, "status"] == "superseded"
        assert rows.loc[first, "superseded_by"] == second
        assert rows.loc[second, "status"] == "submitted"
        assert sql.current_submission(conn, LOCAL_VIEWER, A, ROUND)["id"] == second
        assert sql.open_draft(conn, LOCAL_VIEWER, A, ROUND) is None
        levels = scoring.authority_levels(conn, LOCAL_VIEWER, ROUND, "gated")
        assert list(levels["overall"]) == [3]
        assert store.integrity_problems(conn) == []
        assert sql.open_draft_counts(conn).empty


def test_only_open_drafts_can_be_changed_or_submitted(db):
    draft_id = new_draft(db, ratings=all_levels(2))
    write_with_retry(db, lambda conn: sql.submit_draft(conn, draft_id, "tester", NOW))
    with pytest.raises(ValueError, match="not an open draft"):
        write_with_retry(db, lambda conn: sql.submit_draft(conn, draft_id, "tester", NOW))
    with pytest.raises(ValueError, match="not an open draft"):
        write_with_retry(
            db,
            lambda conn: sql.replace_content(
                conn,
                draft_id,
                ratings=[],
                checklist=[],
                ticks=[],
                guided=False,
                actor=None,
                now=NOW,
            ),
        )
    with connect(db) as conn:  # nothing of the refused writes is left
        assert len(sql.ratings(conn, LOCAL_VIEWER, [draft_id])) == len(load_model().dimensions)


def test_open_draft_counts_finds_pairs_with_two_drafts(db):
    new_draft(db)
    new_draft(db)
    new_draft(db, authority=B)
    with connect(db) as conn:
        counts = sql.open_draft_counts(conn)
    assert list(counts["authority_code"]) == [A] and list(counts["drafts"]) == [2]


def test_reads_with_no_ids_return_empty_frames(db):
    with connect(db) as conn:
        assert sql.ratings(conn, LOCAL_VIEWER, []).empty
        assert sql.submissions_by_id(conn, LOCAL_VIEWER, []).empty
