"""Publications of rounds, published custom groups and the authorities' record keys.

A publication freezes a round for authority users: for every authority, the submission that
was current when the national team published it. Rows are only ever added. The record keys
are secret (`ehdmm.disclosure`): read here for the cell-key method, never shown or exported.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import duckdb
import pandas as pd

from ehdmm.storage.db import fetch_one


def ensure_record_keys(conn: duckdb.DuckDBPyConnection) -> int:
    """Give every authority without a record key a secret random one (0 to 255); returns how
    many were made. A key, once made, is never changed."""
    missing = [
        row[0]
        for row in conn.execute(
            "SELECT code FROM authorities WHERE code NOT IN (SELECT authority_code FROM "
            "record_keys) ORDER BY code"
        ).fetchall()
    ]
    conn.executemany(
        "INSERT INTO record_keys (authority_code, record_key) VALUES (?, ?)",
        [(code, secrets.randbelow(256)) for code in missing],
    )
    return len(missing)


def record_keys(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """{authority code: record key} (secret: for the cell-key method only)."""
    rows = conn.execute("SELECT authority_code, record_key FROM record_keys").fetchall()
    return {code: int(key) for code, key in rows}


def current_submissions(conn: duckdb.DuckDBPyConnection, round_id: str) -> dict[str, int]:
    """{authority code: id of its current submission} in the round."""
    rows = conn.execute(
        "SELECT authority_code, id FROM submissions WHERE status = 'submitted' AND round_id = ?",
        [round_id],
    ).fetchall()
    return {code: int(sid) for code, sid in rows}


def latest_publications(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The latest publication of every round that has one: id, round_id, published_at,
    published_by, held_back, synthetic, members (ordered by round)."""
    return conn.execute(
        "SELECT p.id, p.round_id, p.published_at, p.published_by, p.held_back, p.synthetic, "
        "(SELECT count(*) FROM publication_members m WHERE m.publication_id = p.id) AS members "
        "FROM publications p "
        "WHERE p.id = (SELECT max(q.id) FROM publications q WHERE q.round_id = p.round_id) "
        "ORDER BY p.round_id"
    ).df()


def publication_members(conn: duckdb.DuckDBPyConnection, publication_id: int) -> dict[str, int]:
    """{authority code: submission id} of one publication."""
    rows = conn.execute(
        "SELECT authority_code, submission_id FROM publication_members WHERE publication_id = ?",
        [publication_id],
    ).fetchall()
    return {code: int(sid) for code, sid in rows}


def latest_publication_id(conn: duckdb.DuckDBPyConnection, round_id: str) -> int | None:
    row = fetch_one(conn, "SELECT max(id) FROM publications WHERE round_id = ?", [round_id])
    return None if row is None or row[0] is None else int(row[0])


def add_publication(
    conn: duckdb.DuckDBPyConnection,
    round_id: str,
    members: dict[str, int],
    *,
    actor: str,
    held_back: int = 0,
    synthetic: bool = False,
    at: datetime | None = None,
) -> int:
    """Record a publication of the round with its members ({code: submission id}); returns
    its id. Call inside a transaction."""
    (pub_id,) = fetch_one(conn, "SELECT nextval('publication_ids')")
    conn.execute(
        "INSERT INTO publications (id, round_id, published_at, published_by, held_back, "
        "synthetic) VALUES (?, ?, ?, ?, ?, ?)",
        [pub_id, round_id, at or datetime.now(), actor, held_back, synthetic],
    )
    conn.executemany(
        "INSERT INTO publication_members (publication_id, authority_code, submission_id) "
        "VALUES (?, ?, ?)",
        [(pub_id, code, sid) for code, sid in sorted(members.items())],
    )
    return int(pub_id)


def published_groups(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Published custom groups: group_name, published_at, published_by."""
    return conn.execute(
        "SELECT group_name, published_at, published_by FROM published_groups ORDER BY 1"
    ).df()


def set_group_published(
    conn: duckdb.DuckDBPyConnection, name: str, published: bool, *, actor: str = ""
) -> bool:
    """Publish or unpublish a custom group; True when its state changed."""
    was = fetch_one(conn, "SELECT 1 FROM published_groups WHERE group_name = ?", [name])
    if published and was is None:
        conn.execute(
            "INSERT INTO published_groups (group_name, published_at, published_by) "
            "VALUES (?, ?, ?)",
            [name, datetime.now(), actor],
        )
        return True
    if not published and was is not None:
        conn.execute("DELETE FROM published_groups WHERE group_name = ?", [name])
        return True
    return False


def publish_every_round(
    conn: duckdb.DuckDBPyConnection, actor: str, *, synthetic: bool
) -> list[int]:
    """Publish every round with submissions as it is now (inside a transaction; the demo
    generator's). Returns the publication ids."""
    rounds = [r[0] for r in conn.execute("SELECT id FROM rounds ORDER BY id").fetchall()]
    ids = []
    for round_id in rounds:
        current = current_submissions(conn, round_id)
        if current:
            ids.append(add_publication(conn, round_id, current, actor=actor, synthetic=synthetic))
    return ids
