"""Custom peer groups managed in the app: rename, delete, and groups proposed by authority
users (`group_proposals`)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from ehdmm.storage.db import fetch_one
from ehdmm.viewer import Viewer


def _has_table(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    return fetch_one(conn, "SELECT 1 FROM duckdb_tables() WHERE table_name = ?", [name]) is not None


def group_exists(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    return fetch_one(conn, "SELECT 1 FROM custom_groups WHERE name = ?", [name]) is not None


def rename_group(conn: duckdb.DuckDBPyConnection, old: str, new: str) -> None:
    """Rename a group, its members and (where publications exist) its publication."""
    row = fetch_one(conn, "SELECT description, created_at FROM custom_groups WHERE name = ?", [old])
    members = [
        r[0]
        for r in conn.execute(
            "SELECT authority_code FROM custom_group_members WHERE group_name = ?", [old]
        ).fetchall()
    ]
    conn.execute("DELETE FROM custom_group_members WHERE group_name = ?", [old])
    conn.execute("DELETE FROM custom_groups WHERE name = ?", [old])
    conn.execute(
        "INSERT INTO custom_groups (name, description, created_at) VALUES (?, ?, ?)",
        [new, row[0], row[1]],
    )
    conn.executemany(
        "INSERT INTO custom_group_members (group_name, authority_code) VALUES (?, ?)",
        [(new, code) for code in members],
    )
    if _has_table(conn, "published_groups"):
        conn.execute("UPDATE published_groups SET group_name = ? WHERE group_name = ?", [new, old])


def delete_group(conn: duckdb.DuckDBPyConnection, name: str) -> int:
    """Delete a group (and its publication); how many members it had."""
    (count,) = fetch_one(
        conn, "SELECT count(*) FROM custom_group_members WHERE group_name = ?", [name]
    )
    conn.execute("DELETE FROM custom_group_members WHERE group_name = ?", [name])
    conn.execute("DELETE FROM custom_groups WHERE name = ?", [name])
    if _has_table(conn, "published_groups"):
        conn.execute("DELETE FROM published_groups WHERE group_name = ?", [name])
    return int(count)


def published_names(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """The published custom groups (none where publications do not exist)."""
    if not _has_table(conn, "published_groups"):
        return set()
    return {r[0] for r in conn.execute("SELECT group_name FROM published_groups").fetchall()}


def add_proposal(
    conn: duckdb.DuckDBPyConnection,
    *,
    name: str,
    members: list[str],
    authority_code: str,
    actor: str,
    now: datetime,
) -> int:
    (new_id,) = fetch_one(conn, "SELECT nextval('proposal_ids')")
    conn.execute(
        "INSERT INTO group_proposals (id, name, members, proposed_at, proposed_by, "
        "authority_code) VALUES (?, ?, ?, ?, ?, ?)",
        [new_id, name, ",".join(sorted(set(members))), now, actor, authority_code],
    )
    return int(new_id)


def proposals(conn: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Proposals the viewer may see (an authority viewer: its own authority's), newest first."""
    return conn.execute(
        "SELECT id, name, members, proposed_at, proposed_by, authority_code, outcome, "
        "decided_at, decided_by, reason FROM group_proposals "
        "WHERE (? OR authority_code = ?) ORDER BY id DESC",
        viewer.sql_filter_params,
    ).df()


def proposal(conn: duckdb.DuckDBPyConnection, proposal_id: int) -> tuple | None:
    """(name, members, authority_code, outcome) of a proposal."""
    return fetch_one(
        conn,
        "SELECT name, members, authority_code, outcome FROM group_proposals WHERE id = ?",
        [proposal_id],
    )


def decide(
    conn: duckdb.DuckDBPyConnection,
    proposal_id: int,
    outcome: str,
    reason: str,
    actor: str,
    now: datetime,
) -> None:
    conn.execute(
        "UPDATE group_proposals SET outcome = ?, decided_at = ?, decided_by = ?, reason = ? "
        "WHERE id = ?",
        [outcome, now, actor, reason, proposal_id],
    )
