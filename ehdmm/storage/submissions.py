"""Writing and reading submissions, ratings, checklist answers and the import log.

Writes are set-based (one statement per table, whatever the number of rows) and are meant to run
inside one transaction (`db.transaction` / `db.write_with_retry`): a new submitted return for an
authority and round supersedes the current one, which stays as history.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from ehdmm.rounds import MIN_YEAR, max_year
from ehdmm.storage.db import fetch_one
from ehdmm.viewer import Viewer

SUBMISSION_COLUMNS = [
    "key",
    "authority_code",
    "round_id",
    "model_version",
    "status",
    "source",
    "source_file",
    "content_hash",
    "submitted_at",
    "submitted_by",
    "note",
    "import_id",
    "synthetic",
]
RATING_COLUMNS = ["key", "dimension_id", "level", "evidence", "confidence"]
CHECKLIST_COLUMNS = ["key", "item_id", "in_place", "note"]
RATING_READ_COLUMNS = ["submission_id", "dimension_id", "level", "evidence", "confidence"]


def write_submissions(
    conn: duckdb.DuckDBPyConnection,
    subs: pd.DataFrame,
    ratings: pd.DataFrame | pa.Table,
    checklist: pd.DataFrame | None = None,
) -> dict[int, int]:
    """Insert submissions (with a local integer `key`) and their ratings and checklist answers
    (which refer to `key`; ratings as a frame or an Arrow table). Submitted ones supersede the
    current submission of the same authority and round. Returns {key: submission id}. Call
    inside a transaction."""
    if subs.empty:
        return {}
    subs = subs[SUBMISSION_COLUMNS].copy()
    ids = conn.execute("SELECT nextval('submission_ids') AS id FROM range(?)", [len(subs)]).df()
    subs.insert(0, "id", sorted(int(i) for i in ids["id"]))
    conn.register("new_subs", subs)
    if isinstance(ratings, pa.Table):
        conn.register("new_ratings", ratings.select(RATING_COLUMNS))
    else:
        conn.register("new_ratings", ratings[RATING_COLUMNS])
    checklist = checklist if checklist is not None else pd.DataFrame(columns=CHECKLIST_COLUMNS)
    conn.register("new_checklist", checklist[CHECKLIST_COLUMNS])
    try:
        # Every write of a current submission bumps the authority and round's head revision
        # (see migration 0002), so a concurrent form submit or import for the same pair
        # conflicts and is retried instead of both becoming current.
        conn.execute(
            """
            INSERT INTO assessment_heads (authority_code, round_id, revision, updated_at,
                                          updated_by)
            SELECT authority_code, round_id, 1, current_localtimestamp(), max(source)
            FROM new_subs WHERE status = 'submitted' GROUP BY authority_code, round_id
            ON CONFLICT (authority_code, round_id) DO UPDATE SET
                revision = assessment_heads.revision + 1, updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            """
        )
        conn.execute(
            """
            UPDATE submissions SET status = 'superseded', superseded_by = n.id
            FROM (SELECT authority_code, round_id, max(id) AS id FROM new_subs
                  WHERE status = 'submitted' GROUP BY authority_code, round_id) n
            WHERE submissions.authority_code = n.authority_code
              AND submissions.round_id = n.round_id
              AND submissions.status = 'submitted'
            """
        )
        conn.execute(
            """
            INSERT INTO submissions (id, authority_code, round_id, model_version, status, source,
                source_file, content_hash, submitted_at, submitted_by, note, import_id,
                superseded_by, synthetic)
            SELECT id, authority_code, round_id, model_version,
                   CASE WHEN status = 'submitted' AND id < max(CASE WHEN status = 'submitted'
                            THEN id END) OVER (PARTITION BY authority_code, round_id)
                        THEN 'superseded' ELSE status END,
                   source, source_file, content_hash, CAST(submitted_at AS TIMESTAMP),
                   submitted_by, note, CAST(import_id AS BIGINT),
                   CASE WHEN status = 'submitted' AND id < max(CASE WHEN status = 'submitted'
                            THEN id END) OVER (PARTITION BY authority_code, round_id)
                        THEN max(CASE WHEN status = 'submitted' THEN id END)
                             OVER (PARTITION BY authority_code, round_id) END,
                   CAST(synthetic AS BOOLEAN)
            FROM new_subs ORDER BY id
            """
        )
        conn.execute(
            """
            INSERT INTO ratings (submission_id, dimension_id, level, evidence, confidence)
            SELECT s.id, r.dimension_id, CAST(r.level AS INTEGER), r.evidence, r.confidence
            FROM new_ratings r JOIN new_subs s ON s.key = r.key
            """
        )
        conn.execute(
            """
            INSERT INTO checklist_answers (submission_id, item_id, in_place, note)
            SELECT s.id, c.item_id, CAST(c.in_place AS BOOLEAN), c.note
            FROM new_checklist c JOIN new_subs s ON s.key = c.key
            """
        )
    finally:
        for name in ("new_subs", "new_ratings", "new_checklist"):
            conn.unregister(name)
    return dict(zip(subs["key"], subs["id"], strict=True))


def current_content_hashes(
    conn: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], str | None]:
    """For each (authority_code, round_id): the content hash of its current submission."""
    if not pairs:
        return {}
    frame = pd.DataFrame(pairs, columns=["authority_code", "round_id"])
    conn.register("wanted", frame)
    try:
        rows = conn.execute(
            """
            SELECT w.authority_code, w.round_id, s.content_hash
            FROM wanted w JOIN submissions s
              ON s.authority_code = w.authority_code AND s.round_id = w.round_id
             AND s.status = 'submitted'
            """
        ).fetchall()
    finally:
        conn.unregister("wanted")
    return {(a, r): h for a, r, h in rows}


def current_returns(
    conn: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The current submissions of these (authority_code, round_id) pairs, for an import to
    compare with: the submissions (id, authority_code, round_id, note), their ratings
    (submission_id, dimension_id, level, evidence, confidence) and their checklist answers
    (submission_id, item_id, in_place, note). Pairs without a current submission are left out."""
    frame = pd.DataFrame(pairs, columns=["authority_code", "round_id"]).drop_duplicates()
    current = """
        SELECT s.id, s.authority_code, s.round_id, s.note
        FROM wanted_pairs w JOIN submissions s
          ON s.authority_code = w.authority_code AND s.round_id = w.round_id
         AND s.status = 'submitted'
    """
    conn.register("wanted_pairs", frame)
    try:
        subs = conn.execute(current + " ORDER BY s.id").df()
        if subs.empty:  # the usual case for a new round: no more to read
            ratings = pd.DataFrame(columns=RATING_READ_COLUMNS)
            checklist = pd.DataFrame(columns=["submission_id", "item_id", "in_place", "note"])
            return subs, ratings, checklist
        ratings = conn.execute(
            f"""
            SELECT r.submission_id, r.dimension_id, r.level, r.evidence, r.confidence
            FROM ratings r JOIN ({current}) c ON c.id = r.submission_id
            ORDER BY r.submission_id, r.dimension_id
            """
        ).df()
        checklist = conn.execute(
            f"""
            SELECT a.submission_id, a.item_id, a.in_place, a.note
            FROM checklist_answers a JOIN ({current}) c ON c.id = a.submission_id
            ORDER BY a.submission_id, a.item_id
            """
        ).df()
    finally:
        conn.unregister("wanted_pairs")
    return subs, ratings, checklist


def earlier_imports(conn: duckdb.DuckDBPyConnection, content_hash: str) -> pd.DataFrame:
    """Every earlier import of a file with this content (outcome 'imported'), oldest first:
    id, logged_at, actor, file_name."""
    return conn.execute(
        "SELECT id, logged_at, actor, file_name FROM import_log "
        "WHERE content_hash = ? AND outcome = 'imported' ORDER BY id",
        [content_hash],
    ).df()


def log_import(
    conn: duckdb.DuckDBPyConnection,
    *,
    actor: str | None,
    file_name: str,
    content_hash: str,
    layout: str | None,
    outcome: str,
    submissions: int,
    ratings: int,
    message: str,
) -> int:
    """Record an import (or a no-op re-import) and return its id."""
    (import_id,) = fetch_one(conn, "SELECT nextval('import_ids')")
    conn.execute(
        "INSERT INTO import_log (id, logged_at, actor, file_name, content_hash, layout, outcome, "
        "submissions, ratings, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            import_id,
            datetime.now(),
            actor,
            file_name,
            content_hash,
            layout,
            outcome,
            submissions,
            ratings,
            message,
        ],
    )
    return import_id


def import_log(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The import log, newest first."""
    return conn.execute("SELECT * FROM import_log ORDER BY id DESC").df()


def submission_history(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str | None = None
) -> pd.DataFrame:
    """Every submission (draft, submitted, superseded) the viewer may see, newest first."""
    return conn.execute(
        """
        SELECT s.id, s.authority_code, s.round_id, s.status, s.source, s.source_file,
               s.submitted_at, s.submitted_by, s.superseded_by, s.synthetic,
               (SELECT count(*) FROM ratings r WHERE r.submission_id = s.id) AS ratings
        FROM submissions s
        WHERE (CAST(? AS VARCHAR) IS NULL OR s.authority_code = ?) AND (? OR s.authority_code = ?)
        ORDER BY s.round_id DESC, s.id DESC
        """,
        [authority_code, authority_code, *viewer.sql_filter_params],
    ).df()


def current_ratings(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str, round_id: str
) -> pd.DataFrame:
    """The current submission's ratings (dimension_id, level, evidence, confidence)."""
    return conn.execute(
        """
        SELECT r.dimension_id, r.level, r.evidence, r.confidence
        FROM submissions s JOIN ratings r ON r.submission_id = s.id
        WHERE s.status = 'submitted' AND s.authority_code = ? AND s.round_id = ?
          AND (? OR s.authority_code = ?)
        """,
        [authority_code, round_id, *viewer.sql_filter_params],
    ).df()


def current_checklist(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str, round_id: str
) -> pd.DataFrame:
    """The current submission's checklist answers (item_id, in_place, note)."""
    return conn.execute(
        """
        SELECT c.item_id, c.in_place, c.note
        FROM submissions s JOIN checklist_answers c ON c.submission_id = s.id
        WHERE s.status = 'submitted' AND s.authority_code = ? AND s.round_id = ?
          AND (? OR s.authority_code = ?)
        """,
        [authority_code, round_id, *viewer.sql_filter_params],
    ).df()


def integrity_problems(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Plain-words list of integrity problems (empty when the database is sound)."""
    checks = [
        (
            "ratings without a submission",
            "SELECT count(*) FROM ratings r LEFT JOIN submissions s ON s.id = r.submission_id "
            "WHERE s.id IS NULL",
        ),
        (
            "checklist answers without a submission",
            "SELECT count(*) FROM checklist_answers c "
            "LEFT JOIN submissions s ON s.id = c.submission_id WHERE s.id IS NULL",
        ),
        (
            "authority and round pairs with more than one current submission",
            "SELECT count(*) FROM (SELECT authority_code, round_id FROM submissions "
            "WHERE status = 'submitted' GROUP BY ALL HAVING count(*) > 1)",
        ),
        (
            "submissions for an unknown authority",
            "SELECT count(*) FROM submissions s LEFT JOIN authorities a "
            "ON a.code = s.authority_code WHERE a.code IS NULL",
        ),
        (
            "submissions for an unknown round",
            "SELECT count(*) FROM submissions s LEFT JOIN rounds r ON r.id = s.round_id "
            "WHERE r.id IS NULL",
        ),
        (
            "ratings of a dimension not in the submission's model version",
            "SELECT count(*) FROM ratings r JOIN submissions s ON s.id = r.submission_id "
            "LEFT JOIN model_dimensions d ON d.model_version = s.model_version "
            "AND d.dimension_id = r.dimension_id WHERE d.dimension_id IS NULL",
        ),
        (
            "superseded submissions that name no later submission",
            "SELECT count(*) FROM submissions s LEFT JOIN submissions n ON n.id = s.superseded_by "
            "WHERE s.status = 'superseded' AND (n.id IS NULL OR n.round_id <> s.round_id "
            "OR n.authority_code <> s.authority_code)",
        ),
        (
            "statistical neighbours naming an unknown authority",
            "SELECT count(*) FROM statistical_neighbours n LEFT JOIN authorities a "
            "ON a.code = n.neighbour_code WHERE a.code IS NULL",
        ),
        (
            "rounds whose id is not YYYY-MM",
            "SELECT count(*) FROM rounds WHERE NOT regexp_full_match(id, '\\d{4}-(0[1-9]|1[0-2])')",
        ),
        (
            f"rounds whose year is not plausible ({MIN_YEAR} to {max_year()})",
            "SELECT count(*) FROM rounds WHERE regexp_full_match(id, '\\d{4}-(0[1-9]|1[0-2])') "
            "AND CAST(left(id, 4) AS INTEGER) NOT BETWEEN ? AND ?",
            [MIN_YEAR, max_year()],
        ),
    ]
    problems = []
    for label, query, *params in checks:
        (count,) = fetch_one(conn, query, *params)
        if count:
            problems.append(f"{count} {label}")
    return problems


def table_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the main tables (for `check` and tests)."""
    tables = [
        "authorities",
        "statistical_neighbours",
        "rounds",
        "submissions",
        "ratings",
        "checklist_answers",
        "import_log",
        "custom_groups",
        "custom_group_members",
    ]
    return {t: fetch_one(conn, f"SELECT count(*) FROM {t}")[0] for t in tables}


def set_meta(conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
        "excluded.value",
        [key, value],
    )


def get_meta(conn: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = fetch_one(conn, "SELECT value FROM meta WHERE key = ?", [key])
    return row[0] if row else None


def is_demo(conn: duckdb.DuckDBPyConnection) -> bool:
    """True when the database holds synthetic demo submissions."""
    (n,) = fetch_one(conn, "SELECT count(*) FROM submissions WHERE synthetic")
    return bool(n)
