"""Rounds run by the national team: their status, reopenings for one authority, and what
response tracking reads (each authority's latest submission and open draft in a round)."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from ehdmm.storage.db import fetch_one


def rounds(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every round, oldest first: id, label, opens, closes, status (NULL: by dates), synthetic,
    and whether a later round exists."""
    return conn.execute(
        "SELECT id, label, opens, closes, status, synthetic, "
        "id < max(id) OVER () AS later_exists FROM rounds ORDER BY id"
    ).df()


def round_row(conn: duckdb.DuckDBPyConnection, round_id: str) -> tuple | None:
    """(id, label, opens, closes, status, later_exists) of one round, or None."""
    return fetch_one(
        conn,
        "SELECT id, label, opens, closes, status, "
        "EXISTS (SELECT 1 FROM rounds r2 WHERE r2.id > r.id) FROM rounds r WHERE id = ?",
        [round_id],
    )


def insert_round(
    conn: duckdb.DuckDBPyConnection, round_id: str, label: str, opens: date, closes: date
) -> None:
    conn.execute(
        "INSERT INTO rounds (id, label, opens, closes, synthetic) VALUES (?, ?, ?, ?, FALSE)",
        [round_id, label, opens, closes],
    )


def set_status(conn: duckdb.DuckDBPyConnection, round_id: str, status: str) -> None:
    conn.execute("UPDATE rounds SET status = ? WHERE id = ?", [status, round_id])


def add_reopening(
    conn: duckdb.DuckDBPyConnection,
    round_id: str,
    authority_code: str,
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> int:
    (new_id,) = fetch_one(conn, "SELECT nextval('reopening_ids')")
    conn.execute(
        "INSERT INTO round_reopenings (id, round_id, authority_code, reopened_at, reopened_by, "
        "reason) VALUES (?, ?, ?, ?, ?, ?)",
        [new_id, round_id, authority_code, now, actor, reason],
    )
    return int(new_id)


def end_reopenings(
    conn: duckdb.DuckDBPyConnection, round_id: str, *, actor: str, now: datetime
) -> int:
    """End every active reopening of the round; how many were ended."""
    (count,) = fetch_one(
        conn,
        "SELECT count(*) FROM round_reopenings WHERE round_id = ? AND ended_at IS NULL",
        [round_id],
    )
    conn.execute(
        "UPDATE round_reopenings SET ended_at = ?, ended_by = ? "
        "WHERE round_id = ? AND ended_at IS NULL",
        [now, actor, round_id],
    )
    return int(count)


def active_reopenings(conn: duckdb.DuckDBPyConnection, round_id: str) -> pd.DataFrame:
    """The round's active reopenings: authority_code, reopened_at, reopened_by, reason."""
    return conn.execute(
        "SELECT authority_code, reopened_at, reopened_by, reason FROM round_reopenings "
        "WHERE round_id = ? AND ended_at IS NULL ORDER BY authority_code, reopened_at",
        [round_id],
    ).df()


def all_active_reopenings(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every active reopening: round_id, authority_code, reopened_at, reopened_by, reason."""
    return conn.execute(
        "SELECT round_id, authority_code, reopened_at, reopened_by, reason FROM round_reopenings "
        "WHERE ended_at IS NULL ORDER BY round_id DESC, authority_code"
    ).df()


def is_reopened(conn: duckdb.DuckDBPyConnection, round_id: str, authority_code: str) -> bool:
    return (
        fetch_one(
            conn,
            "SELECT 1 FROM round_reopenings WHERE round_id = ? AND authority_code = ? "
            "AND ended_at IS NULL",
            [round_id, authority_code],
        )
        is not None
    )


def tracking_rows(conn: duckdb.DuckDBPyConnection, round_id: str) -> pd.DataFrame:
    """Per authority (every one): its current submission in the round (id, submitted_at,
    submitted_by, source, rated dimensions), its open draft (updated_at, by), and its active
    reopening (reopened_at): the facts response tracking derives a state from."""
    return conn.execute(
        """
        WITH cur AS (
            SELECT s.authority_code, s.id, s.submitted_at, s.submitted_by, s.source,
                   (SELECT count(*) FROM ratings r
                    WHERE r.submission_id = s.id AND r.level IS NOT NULL) AS rated
            FROM submissions s WHERE s.round_id = ? AND s.status = 'submitted'
        ), dr AS (
            SELECT s.authority_code, max(coalesce(h.updated_at, s.created_at)) AS draft_at,
                   arg_max(coalesce(h.updated_by, s.submitted_by), coalesce(h.updated_at,
                   s.created_at)) AS draft_by
            FROM submissions s LEFT JOIN assessment_heads h
              ON h.authority_code = s.authority_code AND h.round_id = s.round_id
            WHERE s.round_id = ? AND s.status = 'draft' GROUP BY s.authority_code
        ), ro AS (
            SELECT authority_code, max(reopened_at) AS reopened_at,
                   arg_max(reopened_by, reopened_at) AS reopened_by
            FROM round_reopenings WHERE round_id = ? AND ended_at IS NULL
            GROUP BY authority_code
        )
        SELECT a.code AS authority_code, a.name, a.region, a.la_type,
               cur.id AS submission_id, cur.submitted_at, cur.submitted_by, cur.source,
               coalesce(cur.rated, 0) AS rated, dr.draft_at, dr.draft_by, ro.reopened_at,
               ro.reopened_by
        FROM authorities a
        LEFT JOIN cur ON cur.authority_code = a.code
        LEFT JOIN dr ON dr.authority_code = a.code
        LEFT JOIN ro ON ro.authority_code = a.code
        ORDER BY a.name
        """,
        [round_id, round_id, round_id],
    ).df()


def user_roles(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each user's role by email (lower case), to name a role where a person is not shown."""
    return dict(conn.execute("SELECT email, role FROM users").fetchall())


def contacts(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Authority users' emails by authority: authority_code, contacts ('; '-joined)."""
    return conn.execute(
        "SELECT authority_code, string_agg(email, '; ' ORDER BY email) AS contacts FROM users "
        "WHERE role = 'authority' GROUP BY authority_code"
    ).df()
