"""The SQL of backups and restores: every table and sequence of the schema, found in the
catalogue (so a table a later migration adds is covered without code changes), exported to
Parquet by DuckDB's `EXPORT DATABASE` and loaded back table by table."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ehdmm.storage.db import fetch_one


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_names(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Every base table of the database's main schema, by name."""
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = "
        "current_database() AND table_schema = 'main' AND table_type = 'BASE TABLE' "
        "ORDER BY table_name"
    ).fetchall()
    return [row[0] for row in rows]


def row_counts(conn: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, int]:
    return {t: fetch_one(conn, f"SELECT count(*) FROM {quote_identifier(t)}")[0] for t in tables}


def sequence_next_values(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each sequence of the main schema and the value its next `nextval` gives."""
    rows = conn.execute(
        "SELECT sequence_name, start_value, increment_by, last_value FROM duckdb_sequences() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "ORDER BY sequence_name"
    ).fetchall()
    return {
        name: (start if last is None else last + increment) for name, start, increment, last in rows
    }


def summary_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """What a person checks a backup by: authorities, rounds, returns (submitted and
    superseded), drafts, users and audit entries (0 where a table is not in the schema)."""
    present = set(table_names(conn))
    queries = {
        "authorities": ("authorities", "SELECT count(*) FROM authorities"),
        "rounds": ("rounds", "SELECT count(*) FROM rounds"),
        "returns": ("submissions", "SELECT count(*) FROM submissions WHERE status <> 'draft'"),
        "drafts": ("submissions", "SELECT count(*) FROM submissions WHERE status = 'draft'"),
        "users": ("users", "SELECT count(*) FROM users"),
        "audit entries": ("audit_log", "SELECT count(*) FROM audit_log"),
    }
    return {
        label: fetch_one(conn, sql)[0] if table in present else 0
        for label, (table, sql) in queries.items()
    }


def export_database(conn: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """DuckDB's own export of every table to Parquet (one file per table, `<table>.parquet`),
    with `schema.sql` and `load.sql` for `IMPORT DATABASE`."""
    conn.execute(f"EXPORT DATABASE {_literal(str(folder))} (FORMAT parquet)")


def parquet_rows(conn: duckdb.DuckDBPyConnection, file: Path) -> int:
    """The number of rows a Parquet file holds, from its footer."""
    row = fetch_one(conn, "SELECT sum(num_rows) FROM parquet_file_metadata(?)", [str(file)])
    return int(row[0] or 0)


def load_table(conn: duckdb.DuckDBPyConnection, table: str, file: Path, *, exists: bool) -> int:
    """Replace the rows of `table` by those of the Parquet file (matched by column name); a
    table the schema does not have is made from the file. Returns the rows loaded."""
    name = quote_identifier(table)
    if exists:
        conn.execute(f"DELETE FROM {name}")
        conn.execute(f"INSERT INTO {name} BY NAME SELECT * FROM read_parquet(?)", [str(file)])
    else:
        conn.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)", [str(file)])
    return fetch_one(conn, f"SELECT count(*) FROM {name}")[0]


def set_sequence(conn: duckdb.DuckDBPyConnection, name: str, next_value: int) -> None:
    """Make the sequence's next `nextval` give `next_value` (created when missing). DuckDB
    cannot restart a sequence a table depends on, so one that is behind is advanced."""
    quoted = quote_identifier(name)
    row = fetch_one(
        conn,
        "SELECT increment_by FROM duckdb_sequences() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND sequence_name = ?",
        [name],
    )
    if row is None:
        conn.execute(f"CREATE SEQUENCE {quoted} START {int(next_value)}")
        return
    steps = (int(next_value) - sequence_next_values(conn)[name]) // row[0]
    if steps > 0:
        conn.execute(f"SELECT max(nextval({_literal(quoted)})) FROM range(?)", [steps])
