"""SQL of self-assessment in the app: drafts, their content, submitting, history and diffs.

A draft is a `submissions` row with status 'draft' and source 'form' (one open draft per
authority and round). Writes here run inside one transaction (`db.write_with_retry`) and start
with `bump_head`, which serialises form writes for one authority and round. Reads of
authority-level rows take a `Viewer` and filter with `(? OR authority_code = ?)`.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from ehdmm.storage.db import fetch_one, fetch_one_dict
from ehdmm.viewer import Viewer

RATING_FIELDS = [
    "dimension_id",
    "level",
    "evidence",
    "confidence",
    "proposed_level",
    "override_reason",
]
CHECKLIST_FIELDS = ["item_id", "in_place", "note"]
TICK_FIELDS = ["dimension_id", "level", "statement"]


# ---------------------------------------------------------------------------------------------
# The head row: revision of an authority and round's form writes


def head(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str, round_id: str
) -> tuple[int, datetime | None, str | None]:
    """(revision, updated_at, updated_by) of the authority and round; (0, None, None) when the
    form has never written it."""
    row = fetch_one(
        conn,
        "SELECT revision, updated_at, updated_by FROM assessment_heads "
        "WHERE authority_code = ? AND round_id = ? AND (? OR authority_code = ?)",
        [authority_code, round_id, *viewer.sql_filter_params],
    )
    return (int(row[0]), row[1], row[2]) if row else (0, None, None)


def bump_head(
    conn: duckdb.DuckDBPyConnection,
    authority_code: str,
    round_id: str,
    actor: str | None,
    now: datetime,
) -> int:
    """Increment the revision (creating the row at 1) and return the new one. Two transactions
    doing this for one authority and round conflict, so one of them is retried."""
    row = fetch_one(
        conn,
        "INSERT INTO assessment_heads (authority_code, round_id, revision, updated_at, updated_by) "
        "VALUES (?, ?, 1, ?, ?) ON CONFLICT (authority_code, round_id) DO UPDATE SET "
        "revision = assessment_heads.revision + 1, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by RETURNING revision",
        [authority_code, round_id, now, actor],
    )
    return int(row[0])


# ---------------------------------------------------------------------------------------------
# Finding submissions


def open_draft(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str, round_id: str
) -> dict[str, object] | None:
    """The open draft of an authority and round (the newest, should there be more), or None."""
    return _one_submission(conn, viewer, authority_code, round_id, "draft")


def current_submission(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str, round_id: str
) -> dict[str, object] | None:
    """The current (submitted) submission of an authority and round, or None."""
    return _one_submission(conn, viewer, authority_code, round_id, "submitted")


_SUBMISSION_SELECT = """
SELECT s.id, s.authority_code, s.round_id, s.model_version, s.status, s.source, s.source_file,
       s.submitted_at, s.submitted_by, s.superseded_by, s.guided, s.note, s.created_at
FROM submissions s
"""


def _one_submission(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    authority_code: str,
    round_id: str,
    status: str,
) -> dict[str, object] | None:
    return fetch_one_dict(
        conn,
        _SUBMISSION_SELECT + "WHERE s.authority_code = ? AND s.round_id = ? AND s.status = ? "
        "AND (? OR s.authority_code = ?) ORDER BY s.id DESC LIMIT 1",
        [authority_code, round_id, status, *viewer.sql_filter_params],
    )


def submissions_by_id(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, ids: list[int]
) -> pd.DataFrame:
    """Submission rows (as in `_SUBMISSION_SELECT`) for the ids the viewer may see."""
    return conn.execute(
        _SUBMISSION_SELECT + "WHERE list_contains(CAST(? AS BIGINT[]), s.id) "
        "AND (? OR s.authority_code = ?) "
        "ORDER BY s.id",
        [[int(i) for i in ids], *viewer.sql_filter_params],
    ).df()


# ---------------------------------------------------------------------------------------------
# Content of submissions


def ratings(conn: duckdb.DuckDBPyConnection, viewer: Viewer, ids: list[int]) -> pd.DataFrame:
    """Ratings of the given submissions: submission_id and `RATING_FIELDS` (level may be
    missing in a draft)."""
    return conn.execute(
        f"SELECT r.submission_id, {', '.join('r.' + f for f in RATING_FIELDS)} "
        "FROM ratings r JOIN submissions s ON s.id = r.submission_id "
        "WHERE list_contains(CAST(? AS BIGINT[]), r.submission_id) "
        "AND (? OR s.authority_code = ?) "
        "ORDER BY r.submission_id, r.dimension_id",
        [[int(i) for i in ids], *viewer.sql_filter_params],
    ).df()


def checklist(conn: duckdb.DuckDBPyConnection, viewer: Viewer, ids: list[int]) -> pd.DataFrame:
    """Checklist answers of the given submissions: submission_id, item_id, in_place, note."""
    return conn.execute(
        "SELECT c.submission_id, c.item_id, c.in_place, c.note "
        "FROM checklist_answers c JOIN submissions s ON s.id = c.submission_id "
        "WHERE list_contains(CAST(? AS BIGINT[]), c.submission_id) "
        "AND (? OR s.authority_code = ?) "
        "ORDER BY c.submission_id, c.item_id",
        [[int(i) for i in ids], *viewer.sql_filter_params],
    ).df()


def ticks(conn: duckdb.DuckDBPyConnection, viewer: Viewer, ids: list[int]) -> pd.DataFrame:
    """Ticked statements of the given submissions: submission_id, dimension_id, level,
    statement."""
    return conn.execute(
        "SELECT t.submission_id, t.dimension_id, t.level, t.statement "
        "FROM statement_ticks t JOIN submissions s ON s.id = t.submission_id "
        "WHERE list_contains(CAST(? AS BIGINT[]), t.submission_id) "
        "AND (? OR s.authority_code = ?) "
        "ORDER BY t.submission_id, t.dimension_id, t.level, t.statement",
        [[int(i) for i in ids], *viewer.sql_filter_params],
    ).df()


# ---------------------------------------------------------------------------------------------
# Writing (inside a transaction that has called `bump_head`)


def create_draft(
    conn: duckdb.DuckDBPyConnection,
    *,
    authority_code: str,
    round_id: str,
    model_version: str,
    actor: str | None,
    guided: bool,
    now: datetime,
) -> int:
    """Insert an empty draft (status 'draft', source 'form') and return its id."""
    (draft_id,) = fetch_one(conn, "SELECT nextval('submission_ids')")
    conn.execute(
        "INSERT INTO submissions (id, authority_code, round_id, model_version, status, source, "
        "submitted_at, submitted_by, guided, synthetic, created_at) "
        "VALUES (?, ?, ?, ?, 'draft', 'form', ?, ?, ?, FALSE, ?)",
        [draft_id, authority_code, round_id, model_version, now, actor, guided, now],
    )
    return int(draft_id)


def replace_content(
    conn: duckdb.DuckDBPyConnection,
    draft_id: int,
    *,
    ratings: list[tuple[object, ...]],
    checklist: list[tuple[object, ...]],
    ticks: list[tuple[object, ...]],
    guided: bool,
    actor: str | None,
    now: datetime,
) -> None:
    """Replace a draft's ratings (rows in `RATING_FIELDS` order), checklist answers
    (`CHECKLIST_FIELDS`) and ticks (`TICK_FIELDS`); the draft's time (`submitted_at`, the time
    of the last save for a draft) and author become `now` and `actor`."""
    status = fetch_one(conn, "SELECT status FROM submissions WHERE id = ?", [draft_id])
    if status is None or status[0] != "draft":
        raise ValueError(f"submission {draft_id} is not an open draft")
    conn.execute(
        "UPDATE submissions SET guided = ?, submitted_at = ?, submitted_by = ? WHERE id = ?",
        [guided, now, actor, draft_id],
    )
    for table in ("ratings", "checklist_answers", "statement_ticks"):
        conn.execute(f"DELETE FROM {table} WHERE submission_id = ?", [draft_id])
    _insert(conn, "ratings", RATING_FIELDS, draft_id, ratings)
    _insert(conn, "checklist_answers", CHECKLIST_FIELDS, draft_id, checklist)
    _insert(conn, "statement_ticks", TICK_FIELDS, draft_id, ticks)


def _insert(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    fields: list[str],
    submission_id: int,
    rows: list[tuple[object, ...]],
) -> None:
    """One parameterised multi-row INSERT (the table and field names are this module's)."""
    if not rows:
        return
    width = len(fields) + 1
    placeholders = ", ".join("(" + ", ".join(["?"] * width) + ")" for _ in rows)
    params: list[object] = []
    for row in rows:
        if len(row) != len(fields):
            raise ValueError(f"a {table} row needs {len(fields)} values, got {len(row)}")
        params += [submission_id, *row]
    conn.execute(
        f"INSERT INTO {table} (submission_id, {', '.join(fields)}) VALUES {placeholders}", params
    )


def submit_draft(
    conn: duckdb.DuckDBPyConnection, draft_id: int, actor: str | None, now: datetime
) -> int | None:
    """Turn an open draft into the current submission of its authority and round: the previous
    current one becomes 'superseded' (kept, pointing at the draft). Returns the superseded id."""
    row = fetch_one(
        conn, "SELECT authority_code, round_id, status FROM submissions WHERE id = ?", [draft_id]
    )
    if row is None or row[2] != "draft":
        raise ValueError(f"submission {draft_id} is not an open draft")
    authority_code, round_id, _ = row
    previous = conn.execute(
        "UPDATE submissions SET status = 'superseded', superseded_by = ? "
        "WHERE authority_code = ? AND round_id = ? AND status = 'submitted' RETURNING id",
        [draft_id, authority_code, round_id],
    ).fetchall()
    conn.execute(
        "UPDATE submissions SET status = 'submitted', submitted_at = ?, submitted_by = ? "
        "WHERE id = ?",
        [now, actor, draft_id],
    )
    return int(previous[0][0]) if previous else None


# ---------------------------------------------------------------------------------------------
# Checks used by tests and the concurrency proof


def open_draft_counts(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Authority and round pairs with more than one open draft (should be none)."""
    return conn.execute(
        "SELECT authority_code, round_id, count(*) AS drafts FROM submissions "
        "WHERE status = 'draft' GROUP BY ALL HAVING count(*) > 1"
    ).df()
