"""ehdmm.storage.backup: the catalogue walked for tables and sequences, tables loaded back from
Parquet, sequences carried on."""

from __future__ import annotations

import duckdb

from ehdmm.storage import backup as sql


def test_every_table_and_sequence_is_found_and_counted(empty_db):
    with duckdb.connect(str(empty_db), read_only=True) as conn:
        tables = sql.table_names(conn)
        catalogue = sorted(
            r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        )
        assert tables == catalogue and "authorities" in tables
        assert sql.row_counts(conn, tables)["authorities"] == 153
        found = sql.sequence_next_values(conn)
        assert {"audit_ids", "import_ids", "submission_ids", "publication_ids"} <= set(found)
        assert found["proposal_ids"] == found["query_ids"] == found["reopening_ids"] == 1
        assert set(found.values()) == {1}
        assert sql.summary_counts(conn) == {
            "authorities": 153,
            "rounds": 0,
            "returns": 0,
            "drafts": 0,
            "users": 0,
            "audit entries": 0,
        }


def test_a_sequence_is_set_to_carry_on_where_the_original_stopped(tmp_path):
    with duckdb.connect() as conn:
        conn.execute("CREATE SEQUENCE s START 1")
        conn.execute("CREATE TABLE t (id BIGINT DEFAULT nextval('s'))")  # a table depends on it
        conn.execute("SELECT nextval('s')").fetchall()
        sql.set_sequence(conn, "s", 1000)
        sql.set_sequence(conn, "s", 10)  # never moved back
        sql.set_sequence(conn, "new one", 42)
        assert sql.sequence_next_values(conn) == {"new one": 42, "s": 1000}
        assert conn.execute("""SELECT nextval('s'), nextval('"new one"')""").fetchone() == (
            1000,
            42,
        )


def test_a_table_is_loaded_from_parquet_by_column_name(tmp_path):
    file = tmp_path / "t.parquet"
    with duckdb.connect() as conn:
        conn.execute(
            "COPY (SELECT 'b' AS name, 2 AS id UNION ALL SELECT 'a', 1) "
            f"TO '{file}' (FORMAT parquet)"
        )
        assert sql.parquet_rows(conn, file) == 2
        conn.execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR, extra VARCHAR DEFAULT 'x')"
        )
        conn.execute("INSERT INTO t VALUES (9, 'gone', 'y')")
        assert sql.load_table(conn, "t", file, exists=True) == 2
        assert conn.execute("FROM t ORDER BY id").fetchall() == [(1, "a", "x"), (2, "b", "x")]
        assert sql.load_table(conn, 'odd "name"', file, exists=False) == 2
        assert conn.execute('SELECT count(*) FROM "odd ""name"""').fetchone() == (2,)
