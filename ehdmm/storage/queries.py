"""Moderation queries on submitted ratings: raised by the national team, answered by the
authority, resolved by the national team. Reads take the viewer's filter."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from ehdmm.storage.db import fetch_one
from ehdmm.viewer import Viewer

_SELECT = """
    SELECT q.id, q.round_id, q.authority_code, a.name AS authority_name, q.dimension_id,
           q.submission_id, q.question, q.suggested_level, q.raised_at, q.raised_by, q.answer,
           q.answered_at, q.answered_by, q.revised_submission_id, q.resolution, q.resolved_at,
           q.resolved_by,
           CASE WHEN q.resolved_at IS NOT NULL THEN 'resolved'
                WHEN q.answered_at IS NOT NULL THEN 'answered' ELSE 'open' END AS state
    FROM queries q JOIN authorities a ON a.code = q.authority_code
"""


def queries(conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str) -> pd.DataFrame:
    """The round's queries the viewer may see (an authority viewer: its own), newest first."""
    return conn.execute(
        _SELECT + "WHERE q.round_id = ? AND (? OR q.authority_code = ?) ORDER BY q.id DESC",
        [round_id, *viewer.sql_filter_params],
    ).df()


def query(conn: duckdb.DuckDBPyConnection, viewer: Viewer, query_id: int) -> dict | None:
    frame = conn.execute(
        _SELECT + "WHERE q.id = ? AND (? OR q.authority_code = ?)",
        [query_id, *viewer.sql_filter_params],
    ).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def current_rating(
    conn: duckdb.DuckDBPyConnection, authority_code: str, round_id: str, dimension_id: str
) -> tuple | None:
    """(submission id, level) of the authority's current submission's rating, or None."""
    return fetch_one(
        conn,
        "SELECT s.id, r.level FROM submissions s JOIN ratings r ON r.submission_id = s.id "
        "WHERE s.authority_code = ? AND s.round_id = ? AND s.status = 'submitted' "
        "AND r.dimension_id = ?",
        [authority_code, round_id, dimension_id],
    )


def current_submission_id(
    conn: duckdb.DuckDBPyConnection, authority_code: str, round_id: str
) -> int | None:
    row = fetch_one(
        conn,
        "SELECT id FROM submissions WHERE authority_code = ? AND round_id = ? "
        "AND status = 'submitted'",
        [authority_code, round_id],
    )
    return None if row is None else int(row[0])


def insert_query(
    conn: duckdb.DuckDBPyConnection,
    *,
    round_id: str,
    authority_code: str,
    dimension_id: str,
    submission_id: int,
    question: str,
    suggested_level: int | None,
    actor: str,
    now: datetime,
) -> int:
    (new_id,) = fetch_one(conn, "SELECT nextval('query_ids')")
    conn.execute(
        "INSERT INTO queries (id, round_id, authority_code, dimension_id, submission_id, "
        "question, suggested_level, raised_at, raised_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            new_id,
            round_id,
            authority_code,
            dimension_id,
            submission_id,
            question,
            suggested_level,
            now,
            actor,
        ],
    )
    return int(new_id)


def set_answer(
    conn: duckdb.DuckDBPyConnection,
    query_id: int,
    answer: str,
    revised_id: int | None,
    actor: str,
    now: datetime,
) -> None:
    conn.execute(
        "UPDATE queries SET answer = ?, answered_at = ?, answered_by = ?, "
        "revised_submission_id = ? WHERE id = ?",
        [answer, now, actor, revised_id, query_id],
    )


def set_resolution(
    conn: duckdb.DuckDBPyConnection, query_id: int, resolution: str, actor: str, now: datetime
) -> None:
    conn.execute(
        "UPDATE queries SET resolution = ?, resolved_at = ?, resolved_by = ? WHERE id = ?",
        [resolution, now, actor, query_id],
    )


def open_flags(conn: duckdb.DuckDBPyConnection, round_id: str) -> pd.DataFrame:
    """Ratings with an open or answered (not yet resolved) query: authority_code,
    dimension_id, queries (national views flag them)."""
    return conn.execute(
        "SELECT authority_code, dimension_id, count(*) AS queries FROM queries "
        "WHERE round_id = ? AND resolved_at IS NULL GROUP BY ALL ORDER BY 1, 2",
        [round_id],
    ).df()
