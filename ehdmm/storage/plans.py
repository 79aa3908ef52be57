"""SQL of targets and improvement plans (migration 0007).

Both keep their history: a change inserts a new row and the row it replaces points at it
(`superseded_by`). Reads of an authority's rows take a `Viewer` and filter with
`(? OR authority_code = ?)`. Writes run inside the caller's transaction
(`db.write_with_retry`).
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from ehdmm.storage.db import fetch_one
from ehdmm.viewer import Viewer

TARGET_FIELDS = [
    "id",
    "authority_code",
    "dimension_id",
    "target_level",
    "target_round",
    "set_in_round",
    "baseline_level",
    "set_at",
    "set_by",
    "synthetic",
]
ACTION_FIELDS = [
    "id",
    "action_id",
    "authority_code",
    "dimension_id",
    "title",
    "statements",
    "owner",
    "due",
    "status",
    "note",
    "saved_at",
    "saved_by",
    "synthetic",
]


def _codes_filter(codes: list[str] | None) -> tuple[str, list[object]]:
    if codes is None:
        return "", []
    return " AND list_contains(CAST(? AS VARCHAR[]), authority_code)", [list(codes)]


def current_targets(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, codes: list[str] | None = None
) -> pd.DataFrame:
    """The current target of every authority and dimension the viewer may see (`codes`: only
    those authorities), withdrawn targets left out."""
    where, params = _codes_filter(codes)
    return conn.execute(
        f"SELECT {', '.join(TARGET_FIELDS)} FROM targets "
        "WHERE superseded_by IS NULL AND target_level IS NOT NULL "
        f"AND (? OR authority_code = ?){where} ORDER BY authority_code, dimension_id",
        [*viewer.sql_filter_params, *params],
    ).df()


def target_history(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str
) -> pd.DataFrame:
    """Every target row of an authority, the current and the replaced, oldest first."""
    return _history(conn, "targets", TARGET_FIELDS, viewer, authority_code)


def _history(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    fields: list[str],
    viewer: Viewer,
    authority_code: str,
) -> pd.DataFrame:
    """Every row of an authority in `table` (this module's tables and fields), oldest first."""
    return conn.execute(
        f"SELECT {', '.join(fields)}, superseded_by FROM {table} "
        "WHERE authority_code = ? AND (? OR authority_code = ?) ORDER BY id",
        [authority_code, *viewer.sql_filter_params],
    ).df()


def insert_target(
    conn: duckdb.DuckDBPyConnection,
    *,
    authority_code: str,
    dimension_id: str,
    target_level: int | None,
    target_round: str | None,
    set_in_round: str | None,
    baseline_level: int | None,
    actor: str | None,
    now: datetime,
    synthetic: bool = False,
) -> int:
    """Insert a new current target (None: withdraw it); the previous one points at it."""
    (new_id,) = fetch_one(conn, "SELECT nextval('target_ids')")
    conn.execute(
        "UPDATE targets SET superseded_by = ? WHERE authority_code = ? AND dimension_id = ? "
        "AND superseded_by IS NULL",
        [new_id, authority_code, dimension_id],
    )
    conn.execute(
        f"INSERT INTO targets ({', '.join(TARGET_FIELDS)}) VALUES "
        f"({', '.join(['?'] * len(TARGET_FIELDS))})",
        [
            new_id,
            authority_code,
            dimension_id,
            target_level,
            target_round,
            set_in_round,
            baseline_level,
            now,
            actor,
            synthetic,
        ],
    )
    return int(new_id)


def current_actions(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, codes: list[str] | None = None
) -> pd.DataFrame:
    """The current version of every action the viewer may see (`codes`: only those
    authorities), in the order they were first made."""
    where, params = _codes_filter(codes)
    return conn.execute(
        f"SELECT {', '.join(ACTION_FIELDS)} FROM plan_actions "
        f"WHERE superseded_by IS NULL AND (? OR authority_code = ?){where} "
        "ORDER BY authority_code, action_id",
        [*viewer.sql_filter_params, *params],
    ).df()


def action_history(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str
) -> pd.DataFrame:
    """Every version of every action of an authority, oldest first."""
    return _history(conn, "plan_actions", ACTION_FIELDS, viewer, authority_code)


def action_owner(conn: duckdb.DuckDBPyConnection, action_id: int) -> str | None:
    """The authority an action belongs to (None for an unknown action)."""
    row = fetch_one(
        conn, "SELECT authority_code FROM plan_actions WHERE action_id = ? LIMIT 1", [action_id]
    )
    return None if row is None else str(row[0])


def insert_action(
    conn: duckdb.DuckDBPyConnection,
    *,
    action_id: int | None,
    authority_code: str,
    dimension_id: str,
    title: str,
    statements: str,
    owner: str | None,
    due: date | None,
    status: str,
    note: str | None,
    actor: str | None,
    now: datetime,
    synthetic: bool = False,
) -> int:
    """Insert a new version of an action (`action_id` None: a new action) and return its
    action id; the version it replaces points at it."""
    (row_id,) = fetch_one(conn, "SELECT nextval('plan_row_ids')")
    if action_id is None:
        (action_id,) = fetch_one(conn, "SELECT nextval('plan_action_ids')")
    else:
        conn.execute(
            "UPDATE plan_actions SET superseded_by = ? WHERE action_id = ? "
            "AND superseded_by IS NULL",
            [row_id, action_id],
        )
    conn.execute(
        f"INSERT INTO plan_actions ({', '.join(ACTION_FIELDS)}) VALUES "
        f"({', '.join(['?'] * len(ACTION_FIELDS))})",
        [
            row_id,
            action_id,
            authority_code,
            dimension_id,
            title,
            statements,
            owner,
            due,
            status,
            note,
            now,
            actor,
            synthetic,
        ],
    )
    return int(action_id)


def latest_levels(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str
) -> tuple[str | None, dict[str, int]]:
    """The latest round in which the authority has a current submission, and its dimension
    levels there ((None, {}) without one)."""
    row = fetch_one(
        conn,
        "SELECT s.id, s.round_id FROM submissions s JOIN rounds r ON r.id = s.round_id "
        "WHERE s.authority_code = ? AND s.status = 'submitted' AND (? OR s.authority_code = ?) "
        "ORDER BY r.id DESC, s.id DESC LIMIT 1",
        [authority_code, *viewer.sql_filter_params],
    )
    if row is None:
        return None, {}
    rows = conn.execute(
        "SELECT dimension_id, level FROM ratings WHERE submission_id = ? AND level IS NOT NULL",
        [row[0]],
    ).fetchall()
    return str(row[1]), {str(d): int(level) for d, level in rows}


def round_ids(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Every round id, oldest first."""
    return [str(r[0]) for r in conn.execute("SELECT id FROM rounds ORDER BY id").fetchall()]


def write_synthetic(
    conn: duckdb.DuckDBPyConnection, targets: pd.DataFrame, actions: pd.DataFrame
) -> None:
    """Insert demo targets and actions (each a first version, marked synthetic), numbered from
    the sequences. Call inside a transaction."""
    if not targets.empty:
        ids = conn.execute("SELECT nextval('target_ids') FROM range(?)", [len(targets)]).fetchall()
        frame = targets.assign(id=sorted(int(i[0]) for i in ids))
        conn.register("demo_targets", frame)
        conn.execute(
            "INSERT INTO targets (id, authority_code, dimension_id, target_level, target_round, "
            "set_in_round, baseline_level, set_at, set_by, synthetic) SELECT id, "
            "authority_code, dimension_id, target_level, target_round, set_in_round, "
            "baseline_level, set_at, set_by, TRUE FROM demo_targets"
        )
        conn.unregister("demo_targets")
    if not actions.empty:
        n = len(actions)
        rows = conn.execute("SELECT nextval('plan_row_ids') FROM range(?)", [n]).fetchall()
        aids = conn.execute("SELECT nextval('plan_action_ids') FROM range(?)", [n]).fetchall()
        frame = actions.assign(
            id=sorted(int(i[0]) for i in rows), action_id=sorted(int(i[0]) for i in aids)
        )
        conn.register("demo_actions", frame)
        conn.execute(
            "INSERT INTO plan_actions (id, action_id, authority_code, dimension_id, title, "
            "statements, owner, due, status, note, saved_at, saved_by, synthetic) SELECT id, "
            "action_id, authority_code, dimension_id, title, statements, owner, due, status, "
            "note, saved_at, saved_by, TRUE FROM demo_actions"
        )
        conn.unregister("demo_actions")
