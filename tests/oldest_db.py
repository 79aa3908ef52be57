"""Make a database as the oldest supported release left it: the SQL of migrations 0001 to 0003
applied by hand (each in its own transaction and recorded in `schema_migrations`, as that
release did; no `schema_written_by` in `meta`), then data written with plain SQL: authorities
and statistical neighbours, the model's dimensions, two rounds, submitted, superseded and draft
returns with evidence, checklist answers, guided-mode ticks, a custom group, an import log
entry, users and an audit log. With `upto` below 3, only the first migrations (an older
development state) and the data their tables hold.

    .venv/bin/python tests/oldest_db.py PATH [UPTO]
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "ehdmm" / "storage" / "migrations"
OLDEST = ("0001_initial.sql", "0002_assessment.sql", "0003_access.sql")
MODEL_VERSION = "2017-12"
STRANDS = (
    ("governance", ("information_governance", "data_sharing")),
    ("systems", ("data_systems", "training")),
    ("casework", ("casework",)),
    ("cba", ("cba",)),
    ("design", ("commissioning", "research")),
)
DIMENSIONS = [dim for _, dims in STRANDS for dim in dims]
ROUNDS = ("2024-03", "2025-03")
AUTHORITIES = 24
SEED = 2017


def _schema(conn: duckdb.DuckDBPyConnection, upto: int) -> None:
    conn.execute(
        "CREATE TABLE schema_migrations ("
        "name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    for name in OLDEST[:upto]:
        conn.execute("BEGIN TRANSACTION")
        conn.execute((MIGRATIONS / name).read_text(encoding="utf-8"))
        conn.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
        conn.execute("COMMIT")


def _reference(conn: duckdb.DuckDBPyConnection) -> list[str]:
    conn.execute(
        "INSERT INTO authorities (code, name, region, la_type, la_number) "
        "SELECT gss_code, name, region, la_type, la_number FROM read_csv(?, all_varchar = true) "
        "ORDER BY gss_code LIMIT ?",
        [str(ROOT / "data" / "upper_tier_las.csv"), AUTHORITIES],
    )
    codes = [r[0] for r in conn.execute("SELECT code FROM authorities ORDER BY code").fetchall()]
    conn.executemany(
        "INSERT INTO statistical_neighbours VALUES (?, ?, ?, ?)",
        [
            (code, rank, codes[(i + rank) % len(codes)], "close")
            for i, code in enumerate(codes)
            for rank in (1, 2)
        ],
    )
    conn.executemany(
        "INSERT INTO model_dimensions VALUES (?, ?, ?, ?, ?)",
        [
            (MODEL_VERSION, dim, strand, s, d)
            for s, (strand, dims) in enumerate(STRANDS, start=1)
            for d, dim in enumerate(dims, start=1)
        ],
    )
    for k, rnd in enumerate(ROUNDS):
        conn.execute(
            "INSERT INTO rounds (id, label, opens, closes) VALUES (?, ?, ?, ?)",
            [rnd, f"Round {k + 1}", f"{rnd}-01", f"{rnd}-28"],
        )
    conn.execute("INSERT INTO meta VALUES ('note', 'made by tests/oldest_db.py')")
    conn.execute(
        "INSERT INTO custom_groups (name, description) VALUES ('Old group', 'made by hand')"
    )
    conn.executemany(
        "INSERT INTO custom_group_members VALUES ('Old group', ?)", [(c,) for c in codes[:6]]
    )
    return codes


def _submission(conn, code, rnd, status, when, levels, upto, rng) -> int:
    (sid,) = conn.execute("SELECT nextval('submission_ids')").fetchone()
    conn.execute(
        "INSERT INTO submissions (id, authority_code, round_id, model_version, status, source, "
        "submitted_at, submitted_by, note) VALUES (?, ?, ?, ?, ?, 'form', ?, ?, ?)",
        [
            sid,
            code,
            rnd,
            MODEL_VERSION,
            status,
            when,
            f"{code.lower()}@example.gov.uk",
            f"note {sid}",
        ],
    )
    for dim, level in zip(DIMENSIONS, levels, strict=True):
        conn.execute(
            "INSERT INTO ratings (submission_id, dimension_id, level, evidence, confidence) "
            "VALUES (?, ?, ?, ?, ?)",
            [sid, dim, level, f"evidence {sid} {dim}", rng.choice(["low", "medium", "high"])],
        )
    conn.execute(
        "INSERT INTO checklist_answers (submission_id, item_id, in_place, note) VALUES "
        "(?, 'leadership', ?, 'from the board')",
        [sid, bool(rng.getrandbits(1))],
    )
    if upto >= 2 and status != "draft":
        conn.execute(
            "INSERT INTO statement_ticks VALUES (?, 'casework', 1, 0), (?, 'casework', 1, 1)",
            [sid, sid],
        )
    return sid


def _returns(conn: duckdb.DuckDBPyConnection, codes: list[str], upto: int) -> None:
    rng = random.Random(SEED)
    start = datetime(2024, 3, 2, 9, 30)
    for r, rnd in enumerate(ROUNDS):
        for i, code in enumerate(codes):
            if (i + r) % 7 == 3:
                continue  # not every authority returns every round
            when = start + timedelta(days=365 * r, hours=i)
            levels = [rng.randint(1, 4) for _ in DIMENSIONS]
            first = _submission(conn, code, rnd, "submitted", when, levels, upto, rng)
            if i % 4 == 0:  # a resubmission supersedes the first return
                again = [min(4, level + 1) for level in levels]
                later = _submission(
                    conn, code, rnd, "submitted", when + timedelta(days=3), again, upto, rng
                )
                conn.execute(
                    "UPDATE submissions SET status = 'superseded', superseded_by = ? WHERE id = ?",
                    [later, first],
                )
    if upto >= 2:  # a draft without a level for one dimension (allowed from 0002)
        sid = _submission(
            conn, codes[1], ROUNDS[-1], "draft", None, [2, 3, 1, 2, 3, 1, 2, 3], upto, rng
        )
        conn.execute(
            "UPDATE ratings SET level = NULL WHERE submission_id = ? AND dimension_id = 'cba'",
            [sid],
        )
        conn.execute(
            "INSERT INTO assessment_heads VALUES (?, ?, 3, ?, 'someone@example.gov.uk')",
            [codes[1], ROUNDS[-1], start],
        )
    conn.execute(
        "INSERT INTO import_log VALUES (nextval('import_ids'), ?, 'cli:admin', 'returns.csv', "
        "'abc123', 'long', 'imported', 3, 24, 'imported 3 returns')",
        [start],
    )


def _access(conn: duckdb.DuckDBPyConnection, codes: list[str]) -> None:
    conn.execute(
        "INSERT INTO users (email, role, authority_code, added_by) VALUES "
        "('lead@example.gov.uk', 'national', NULL, 'cli:admin'), "
        "(?, 'authority', ?, 'cli:admin')",
        [f"{codes[0].lower()}@example.gov.uk", codes[0]],
    )
    start = datetime(2024, 3, 1, 8, 0)
    for k, (actor, action, detail) in enumerate(
        [
            ("cli:admin", "user", "added lead@example.gov.uk as national"),
            ("lead@example.gov.uk", "sign-in", None),
            ("lead@example.gov.uk", "import", "returns.csv: imported"),
            ("lead@example.gov.uk", "export", "england_2024-03_levels_gated.csv"),
            (f"{codes[0].lower()}@example.gov.uk", "submit", f"{codes[0]} 2025-03"),
        ]
    ):
        conn.execute(
            "INSERT INTO audit_log VALUES (nextval('audit_ids'), ?, ?, ?, ?)",
            [start + timedelta(hours=k), actor, action, detail],
        )


def make(path: str | Path, upto: int = len(OLDEST)) -> Path:
    """Write the database at `path` (which must not exist) and return it."""
    path = Path(path)
    conn = duckdb.connect(str(path))
    try:
        _schema(conn, upto)
        conn.execute("BEGIN TRANSACTION")
        codes = _reference(conn)
        _returns(conn, codes, upto)
        if upto >= 3:
            _access(conn, codes)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path


if __name__ == "__main__":
    print(make(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else len(OLDEST)))
