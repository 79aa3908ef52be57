"""Users (roles) and the append-only audit log."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from ehdmm.storage.db import fetch_one


def get_user(conn: duckdb.DuckDBPyConnection, email: str) -> tuple[str, str | None] | None:
    """(role, authority_code) for an email (case-insensitive), or None."""
    row = fetch_one(
        conn, "SELECT role, authority_code FROM users WHERE email = ?", [email.strip().lower()]
    )
    return (row[0], row[1]) if row else None


def upsert_user(
    conn: duckdb.DuckDBPyConnection,
    email: str,
    role: str,
    authority_code: str | None,
    added_by: str | None,
) -> None:
    conn.execute(
        "INSERT INTO users (email, role, authority_code, added_by) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (email) DO UPDATE SET role = excluded.role, "
        "authority_code = excluded.authority_code, added_by = excluded.added_by",
        [email.strip().lower(), role, authority_code, added_by],
    )


def delete_user(conn: duckdb.DuckDBPyConnection, email: str) -> bool:
    existed = get_user(conn, email) is not None
    conn.execute("DELETE FROM users WHERE email = ?", [email.strip().lower()])
    return existed


def users(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return conn.execute(
        "SELECT email, role, authority_code, coalesce(lead, FALSE) AS lead, added_at, added_by "
        "FROM users ORDER BY email"
    ).df()


def append_audit(
    conn: duckdb.DuckDBPyConnection, actor: str, action: str, detail: str | None
) -> int:
    """Append one audit row and return its id."""
    (audit_id,) = fetch_one(conn, "SELECT nextval('audit_ids')")
    conn.execute(
        "INSERT INTO audit_log (id, logged_at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
        [audit_id, datetime.now(), actor, action, detail],
    )
    return audit_id


def audit_log(conn: duckdb.DuckDBPyConnection, limit: int | None = None) -> pd.DataFrame:
    """The audit log, newest first."""
    sql = "SELECT id, logged_at, actor, action, detail FROM audit_log ORDER BY id DESC"
    if limit is not None:
        return conn.execute(sql + " LIMIT ?", [int(limit)]).df()
    return conn.execute(sql).df()
