"""Reference data in the database: authorities, statistical neighbours, rounds, peer groups."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ehdmm.model import Model
from ehdmm.rounds import round_problem
from ehdmm.storage.db import fetch_one
from ehdmm.storage.publications import ensure_record_keys

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
AUTHORITIES_CSV = DATA_DIR / "upper_tier_las.csv"
NEIGHBOURS_CSV = DATA_DIR / "statistical_neighbours_2025.csv"


def load_reference(conn: duckdb.DuckDBPyConnection, data_dir: Path = DATA_DIR) -> int:
    """Load the 153 authorities and their statistical neighbours when the tables are empty.

    Idempotent: returns the number of authorities added (0 when already loaded).
    """
    (count,) = fetch_one(conn, "SELECT count(*) FROM authorities WHERE NOT synthetic")
    if count:
        return 0
    las = pd.read_csv(data_dir / AUTHORITIES_CSV.name, dtype=str, keep_default_na=False)
    sns = pd.read_csv(data_dir / NEIGHBOURS_CSV.name, dtype=str, keep_default_na=False)
    conn.register("las_in", las)
    conn.register("sns_in", sns)
    try:
        conn.execute(
            "INSERT INTO authorities (code, name, region, la_type, la_number, synthetic) "
            "SELECT gss_code, name, region, la_type, CAST(la_number AS INTEGER), FALSE FROM las_in"
        )
        conn.execute(
            "INSERT INTO statistical_neighbours (authority_code, rank, neighbour_code, closeness) "
            "SELECT gss_code, CAST(rank AS INTEGER), neighbour_gss_code, closeness FROM sns_in"
        )
    finally:
        conn.unregister("las_in")
        conn.unregister("sns_in")
    ensure_record_keys(conn)
    return len(las)


def sync_model(conn: duckdb.DuckDBPyConnection, model: Model) -> None:
    """Record the model's dimensions and strands (for scoring in SQL). Idempotent."""
    rows = [
        (model.version, dim.id, strand.id, s_order, d_order)
        for s_order, strand in enumerate(model.strands, start=1)
        for d_order, dim in enumerate(strand.dimensions, start=1)
    ]
    conn.executemany(
        "INSERT INTO model_dimensions "
        "(model_version, dimension_id, strand_id, strand_order, dimension_order) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        rows,
    )


def authorities(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every authority: code, name, region, la_type, la_number, synthetic (public facts)."""
    return conn.execute(
        "SELECT code, name, region, la_type, la_number, synthetic FROM authorities ORDER BY code"
    ).df()


def rounds(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every round, oldest first."""
    return conn.execute("SELECT id, label, opens, closes, synthetic FROM rounds ORDER BY id").df()


def add_round(
    conn: duckdb.DuckDBPyConnection,
    round_id: str,
    *,
    label: str | None = None,
    synthetic: bool = False,
) -> bool:
    """Create a round if it does not exist; True when created. ValueError for an id that is
    not a round (`ehdmm.rounds`)."""
    problem = round_problem(round_id)
    if problem is not None:
        raise ValueError(problem)
    exists = fetch_one(conn, "SELECT 1 FROM rounds WHERE id = ?", [round_id])
    if exists:
        return False
    conn.execute(
        "INSERT INTO rounds (id, label, synthetic) VALUES (?, ?, ?)",
        [round_id, label or round_id, synthetic],
    )
    return True


def neighbours(conn: duckdb.DuckDBPyConnection, authority_code: str) -> list[str]:
    """The authority's DfE statistical neighbours, closest first."""
    rows = conn.execute(
        "SELECT neighbour_code FROM statistical_neighbours WHERE authority_code = ? ORDER BY rank",
        [authority_code],
    ).fetchall()
    return [r[0] for r in rows]


def group_members(
    conn: duckdb.DuckDBPyConnection, authority_code: str, kind: str, custom_name: str | None = None
) -> list[str]:
    """Member codes of a peer group for an authority (see `ehdmm.peers`), ordered by code."""
    if kind == "england":
        sql, params = "SELECT code FROM authorities", []
    elif kind == "region":
        sql = (
            "SELECT code FROM authorities "
            "WHERE region = (SELECT region FROM authorities WHERE code = ?)"
        )
        params = [authority_code]
    elif kind == "type":
        sql = (
            "SELECT code FROM authorities "
            "WHERE la_type = (SELECT la_type FROM authorities WHERE code = ?)"
        )
        params = [authority_code]
    elif kind == "neighbours":
        sql = (
            "SELECT ? AS code UNION SELECT neighbour_code FROM statistical_neighbours "
            "WHERE authority_code = ?"
        )
        params = [authority_code, authority_code]
    elif kind == "custom":
        sql = "SELECT authority_code FROM custom_group_members WHERE group_name = ?"
        params = [custom_name]
    else:
        raise ValueError(f"unknown peer group kind {kind!r}")
    return sorted(r[0] for r in conn.execute(sql, params).fetchall())


def custom_groups(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Custom groups with their member counts."""
    return conn.execute(
        "SELECT g.name, g.description, count(m.authority_code) AS members "
        "FROM custom_groups g LEFT JOIN custom_group_members m ON m.group_name = g.name "
        "GROUP BY g.name, g.description ORDER BY g.name"
    ).df()


def custom_group_members(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every custom group's members: group_name, authority_code (ordered by both)."""
    return conn.execute(
        "SELECT group_name, authority_code FROM custom_group_members "
        "ORDER BY group_name, authority_code"
    ).df()


def save_custom_group(
    conn: duckdb.DuckDBPyConnection, name: str, members: list[str], description: str | None = None
) -> None:
    """Create or replace a custom group's member list (call inside a transaction)."""
    conn.execute("DELETE FROM custom_group_members WHERE group_name = ?", [name])
    conn.execute(
        "INSERT INTO custom_groups (name, description) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET description = excluded.description",
        [name, description],
    )
    conn.executemany(
        "INSERT INTO custom_group_members (group_name, authority_code) VALUES (?, ?)",
        [(name, code) for code in sorted(set(members))],
    )


def add_authorities(
    conn: duckdb.DuckDBPyConnection, frame: pd.DataFrame, links: pd.DataFrame
) -> None:
    """Add authorities (code, name, region, la_type, la_number, synthetic) and their
    statistical neighbours (authority_code, rank, neighbour_code, closeness)."""
    conn.register(
        "new_authorities", frame[["code", "name", "region", "la_type", "la_number", "synthetic"]]
    )
    conn.register("new_links", links[["authority_code", "rank", "neighbour_code", "closeness"]])
    try:
        conn.execute(
            "INSERT INTO authorities SELECT code, name, region, la_type, "
            "CAST(la_number AS INTEGER), CAST(synthetic AS BOOLEAN) FROM new_authorities"
        )
        conn.execute("INSERT INTO statistical_neighbours SELECT * FROM new_links")
    finally:
        conn.unregister("new_authorities")
        conn.unregister("new_links")
    ensure_record_keys(conn)


def neighbour_links(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All statistical neighbour links: authority_code, rank, neighbour_code, closeness."""
    return conn.execute(
        "SELECT authority_code, rank, neighbour_code, closeness FROM statistical_neighbours "
        "ORDER BY authority_code, rank"
    ).df()


def authority_exists(conn: duckdb.DuckDBPyConnection, code: str) -> bool:
    return fetch_one(conn, "SELECT 1 FROM authorities WHERE code = ?", [code]) is not None


def round_exists(conn: duckdb.DuckDBPyConnection, round_id: str) -> bool:
    return fetch_one(conn, "SELECT 1 FROM rounds WHERE id = ?", [round_id]) is not None
