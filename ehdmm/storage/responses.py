"""SQL of respondents, their responses and consensus records (migration 0008).

Responses are kept apart from `submissions`, so they never count in benchmarks. Reads of
authority-level rows take a `Viewer` and filter with `(? OR authority_code = ?)`; which
respondent's response a person may see within an authority is decided by `ehdmm.responses`.
Writes run inside one transaction (`db.write_with_retry`).
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from ehdmm.storage.db import fetch_one, fetch_one_dict
from ehdmm.storage.drafts import CHECKLIST_FIELDS, RATING_FIELDS, TICK_FIELDS
from ehdmm.viewer import Viewer

# a response's content has the columns of a return's (see `ehdmm.storage.drafts`)
CONTENT_TABLES = {
    "ratings": ("response_ratings", RATING_FIELDS),
    "checklist": ("response_checklist", CHECKLIST_FIELDS),
    "ticks": ("response_ticks", TICK_FIELDS),
}

_RESPONDENT_SELECT = """
SELECT p.id, p.authority_code, p.round_id, p.email, p.name, p.role_label, p.invited_at,
       p.invited_by, p.synthetic, coalesce(r.status, 'not started') AS status, r.revision,
       r.saved_at, r.saved_by, r.submitted_at, r.copied_from, r.guided
FROM respondents p LEFT JOIN responses r ON r.respondent_id = p.id
"""


# ---------------------------------------------------------------------------------------------
# Respondents


def add_respondent(
    conn: duckdb.DuckDBPyConnection,
    *,
    authority_code: str,
    round_id: str,
    email: str | None,
    name: str,
    role_label: str,
    actor: str | None,
    now: datetime,
) -> int:
    """Insert a respondent and return their id."""
    (new_id,) = fetch_one(conn, "SELECT nextval('respondent_ids')")
    conn.execute(
        "INSERT INTO respondents (id, authority_code, round_id, email, name, role_label, "
        "invited_at, invited_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id, authority_code, round_id, email, name, role_label, now, actor],
    )
    return int(new_id)


def respondents(
    conn: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    authority_code: str | None = None,
    round_id: str | None = None,
) -> pd.DataFrame:
    """Respondents (with their response's status: 'not started', 'draft' or 'submitted') the
    viewer's authority filter lets through, optionally of one authority and one round."""
    return conn.execute(
        _RESPONDENT_SELECT + "WHERE (? OR p.authority_code = ?) "
        "AND (CAST(? AS VARCHAR) IS NULL OR p.authority_code = ?) "
        "AND (CAST(? AS VARCHAR) IS NULL OR p.round_id = ?) "
        "ORDER BY p.authority_code, p.round_id, p.id",
        [*viewer.sql_filter_params, authority_code, authority_code, round_id, round_id],
    ).df()


def respondent(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, respondent_id: int
) -> dict[str, object] | None:
    """One respondent (as in `respondents`), or None."""
    return fetch_one_dict(
        conn,
        _RESPONDENT_SELECT + "WHERE p.id = ? AND (? OR p.authority_code = ?)",
        [int(respondent_id), *viewer.sql_filter_params],
    )


def respondent_of_email(
    conn: duckdb.DuckDBPyConnection, email: str, respondent_id: int
) -> dict[str, object] | None:
    """One respondent (as in `respondents`) if it is an entry of `email` (any authority), or
    None."""
    return fetch_one_dict(
        conn,
        _RESPONDENT_SELECT + "WHERE p.id = ? AND p.email = ?",
        [int(respondent_id), email.strip().lower()],
    )


def respondents_by_email(conn: duckdb.DuckDBPyConnection, email: str) -> pd.DataFrame:
    """Every respondent entry of one email (any authority), newest round first."""
    return conn.execute(
        _RESPONDENT_SELECT + "WHERE p.email = ? ORDER BY p.round_id DESC, p.id DESC",
        [email.strip().lower()],
    ).df()


def progress(conn: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Per authority and round with respondents: invited, started (a draft) and submitted."""
    return conn.execute(
        "SELECT p.authority_code, p.round_id, count(*) AS invited, "
        "count(*) FILTER (WHERE r.status = 'draft') AS drafts, "
        "count(*) FILTER (WHERE r.status = 'submitted') AS submitted "
        "FROM respondents p LEFT JOIN responses r ON r.respondent_id = p.id "
        "WHERE (? OR p.authority_code = ?) GROUP BY ALL ORDER BY 1, 2",
        viewer.sql_filter_params,
    ).df()


# ---------------------------------------------------------------------------------------------
# Responses


def bump_response(
    conn: duckdb.DuckDBPyConnection,
    respondent_id: int,
    *,
    guided: bool,
    copied_from: str | None,
    actor: str | None,
    now: datetime,
) -> int:
    """Open the response as a draft (revision 1) or increment its revision; return the new
    revision. Two transactions doing this for one respondent conflict, so one is retried."""
    row = fetch_one(
        conn,
        "INSERT INTO responses (respondent_id, status, guided, copied_from, revision, saved_at, "
        "saved_by) VALUES (?, 'draft', ?, ?, 1, ?, ?) ON CONFLICT (respondent_id) DO UPDATE SET "
        "revision = responses.revision + 1, guided = excluded.guided, "
        "copied_from = excluded.copied_from, saved_at = excluded.saved_at, "
        "saved_by = excluded.saved_by RETURNING revision",
        [int(respondent_id), guided, copied_from, now, actor],
    )
    return int(row[0])


def replace_content(
    conn: duckdb.DuckDBPyConnection,
    respondent_id: int,
    *,
    ratings: list[tuple[object, ...]],
    checklist: list[tuple[object, ...]],
    ticks: list[tuple[object, ...]],
) -> None:
    """Replace a response's content (rows in each table's field order)."""
    for kind, rows in (("ratings", ratings), ("checklist", checklist), ("ticks", ticks)):
        table, fields = CONTENT_TABLES[kind]
        conn.execute(f"DELETE FROM {table} WHERE respondent_id = ?", [int(respondent_id)])
        if not rows:
            continue
        width = len(fields) + 1
        placeholders = ", ".join("(" + ", ".join(["?"] * width) + ")" for _ in rows)
        params: list[object] = []
        for row in rows:
            if len(row) != len(fields):
                raise ValueError(f"a {table} row needs {len(fields)} values, got {len(row)}")
            params += [int(respondent_id), *row]
        conn.execute(
            f"INSERT INTO {table} (respondent_id, {', '.join(fields)}) VALUES {placeholders}",
            params,
        )


def mark_submitted(conn: duckdb.DuckDBPyConnection, respondent_id: int, now: datetime) -> None:
    conn.execute(
        "UPDATE responses SET status = 'submitted', submitted_at = ? WHERE respondent_id = ?",
        [now, int(respondent_id)],
    )


def content(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, ids: list[int]
) -> dict[str, pd.DataFrame]:
    """The responses' content by kind ('ratings', 'checklist', 'ticks'), each frame with
    `respondent_id` first and the kind's fields."""
    out = {}
    for kind, (table, fields) in CONTENT_TABLES.items():
        out[kind] = conn.execute(
            f"SELECT t.respondent_id, {', '.join('t.' + f for f in fields)} FROM {table} t "
            "JOIN respondents p ON p.id = t.respondent_id "
            "WHERE list_contains(CAST(? AS BIGINT[]), t.respondent_id) "
            "AND (? OR p.authority_code = ?) ORDER BY ALL",
            [[int(i) for i in ids], *viewer.sql_filter_params],
        ).df()
    return out


def round_levels(conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str) -> pd.DataFrame:
    """The levels of the round's submitted responses, without who gave them: authority_code,
    dimension_id, level (for the spread in an authority's report)."""
    return conn.execute(
        "SELECT p.authority_code, t.dimension_id, t.level FROM response_ratings t "
        "JOIN respondents p ON p.id = t.respondent_id "
        "JOIN responses r ON r.respondent_id = p.id AND r.status = 'submitted' "
        "WHERE p.round_id = ? AND t.level IS NOT NULL AND (? OR p.authority_code = ?) "
        "ORDER BY ALL",
        [round_id, *viewer.sql_filter_params],
    ).df()


# ---------------------------------------------------------------------------------------------
# Consensus


def add_consensus(
    conn: duckdb.DuckDBPyConnection,
    submission_id: int,
    levels: list[tuple[str, int | None, int, str | None]],
    sources: list[int],
) -> None:
    """Record how a consensus submission was reached: (dimension, median, level, reason) rows
    and the respondents whose submitted responses it drew on."""
    for dimension_id, median, level, reason in levels:
        conn.execute(
            "INSERT INTO consensus_levels (submission_id, dimension_id, median_level, level, "
            "reason) VALUES (?, ?, ?, ?, ?)",
            [int(submission_id), dimension_id, median, level, reason],
        )
    for respondent_id in sources:
        conn.execute(
            "INSERT INTO consensus_sources (submission_id, respondent_id) VALUES (?, ?)",
            [int(submission_id), int(respondent_id)],
        )


def consensus_levels(conn: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Every consensus level (of current and earlier submissions): authority, round,
    submission, status, dimension, median, level, reason, and the responses drawn on."""
    return conn.execute(
        "SELECT s.authority_code, s.round_id, c.submission_id, s.status, c.dimension_id, "
        "c.median_level, c.level, c.reason, "
        "(SELECT count(*) FROM consensus_sources x WHERE x.submission_id = c.submission_id) "
        "AS sources FROM consensus_levels c JOIN submissions s ON s.id = c.submission_id "
        "WHERE (? OR s.authority_code = ?) ORDER BY ALL",
        viewer.sql_filter_params,
    ).df()


def consensus_sources(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, submission_id: int
) -> list[int]:
    rows = conn.execute(
        "SELECT x.respondent_id FROM consensus_sources x "
        "JOIN submissions s ON s.id = x.submission_id "
        "WHERE x.submission_id = ? AND (? OR s.authority_code = ?) ORDER BY 1",
        [int(submission_id), *viewer.sql_filter_params],
    ).fetchall()
    return [int(r[0]) for r in rows]


# ---------------------------------------------------------------------------------------------
# Leads


def set_lead(conn: duckdb.DuckDBPyConnection, email: str, lead: bool) -> bool:
    """Set or clear a user's lead flag; False when there is no such user."""
    row = fetch_one(conn, "SELECT role FROM users WHERE email = ?", [email.strip().lower()])
    if row is None:
        return False
    conn.execute("UPDATE users SET lead = ? WHERE email = ?", [lead, email.strip().lower()])
    return True


def is_lead(conn: duckdb.DuckDBPyConnection, email: str, authority_code: str) -> bool:
    row = fetch_one(
        conn,
        "SELECT count(*) FROM users WHERE email = ? AND role = 'authority' "
        "AND authority_code = ? AND coalesce(lead, FALSE)",
        [email.strip().lower(), authority_code],
    )
    return bool(row[0])


# ---------------------------------------------------------------------------------------------
# Demo data


def write_demo(conn: duckdb.DuckDBPyConnection, data, submission_ids: dict[int, int]) -> None:
    """Write synthetic respondents, their responses (submitted, or drafts) and consensus
    records (`ehdmm.demo.PartnerData`, local keys; `submission_ids` maps the demo's submission
    keys to ids), all marked synthetic. Set-based: one statement per table."""
    people = data.respondents
    if people.empty:
        return
    ids = conn.execute("SELECT nextval('respondent_ids') AS id FROM range(?)", [len(people)]).df()
    people = people.assign(id=sorted(int(i) for i in ids["id"]))
    ratings = data.ratings.merge(people[["key", "id"]], on="key")
    levels = data.consensus_levels.assign(
        submission_id=data.consensus_levels["submission_key"].map(submission_ids)
    )
    sources = data.consensus_sources.merge(people[["key", "id"]], on="key").assign(
        submission_id=lambda f: f["submission_key"].map(submission_ids)
    )
    frames = {
        "demo_people": people,
        "demo_ratings": ratings,
        "demo_levels": levels,
        "demo_sources": sources,
    }
    for name, frame in frames.items():
        conn.register(name, frame)
    try:
        conn.execute(
            "INSERT INTO respondents (id, authority_code, round_id, email, name, role_label, "
            "invited_at, invited_by, synthetic) SELECT id, authority_code, round_id, NULL, "
            "name || ' (synthetic)', role_label, CAST(round_id || '-01' AS TIMESTAMP), "
            "'synthetic demo data', TRUE FROM demo_people"
        )
        conn.execute(
            "INSERT INTO responses (respondent_id, status, guided, copied_from, revision, "
            "saved_at, saved_by, submitted_at, synthetic) SELECT id, CASE WHEN submitted THEN "
            "'submitted' ELSE 'draft' END, FALSE, NULL, 1, CAST(round_id || '-20' AS TIMESTAMP), "
            "'synthetic demo data', CASE WHEN submitted THEN CAST(round_id || '-20' AS TIMESTAMP) "
            "END, TRUE FROM demo_people"
        )
        conn.execute(
            "INSERT INTO response_ratings (respondent_id, dimension_id, level, evidence) "
            "SELECT id, dimension_id, CAST(level AS INTEGER), evidence FROM demo_ratings"
        )
        conn.execute(
            "INSERT INTO consensus_levels (submission_id, dimension_id, median_level, level, "
            "reason) SELECT submission_id, dimension_id, CAST(median_level AS INTEGER), "
            "CAST(level AS INTEGER), reason FROM demo_levels"
        )
        conn.execute(
            "INSERT INTO consensus_sources (submission_id, respondent_id) "
            "SELECT submission_id, id FROM demo_sources"
        )
    finally:
        for name in frames:
            conn.unregister(name)
