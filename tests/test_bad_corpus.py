"""The corpus of malformed returns (tests/data/bad/): every file is rejected, through
`ehdmm.importer.import_returns` and through `python -m ehdmm import`, with the message, row and
column listed in tests/data/bad/expected.json, and the database's content (every table, the
import log included, and every sequence) is exactly as before.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from ehdmm.importer import Problem, import_returns
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))["files"]
BY_NAME = {entry["file"]: entry for entry in EXPECTED}
LIMIT_BYTES = 20 * 1024 * 1024
GOOD = (
    "authority,round,dimension,level\r\n"
    + "".join(
        f"E06000023,2026-03,{d},3\r\n"
        for d in (
            "information_governance",
            "data_sharing",
            "data_systems",
            "training",
            "casework",
            "cba",
            "commissioning",
            "research",
        )
    )
).encode()


@pytest.fixture(scope="module")
def corpus_template(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database plus two authorities that share a name (for the ambiguous file)."""
    path = tmp_path_factory.mktemp("corpus") / "template.duckdb"
    shutil.copy(_demo_template, path)
    frame = pd.DataFrame(
        [
            ("E99000001", "Avalon, City of", "South West", "Unitary", 990, True),
            ("E99000002", "Avalon", "South West", "Unitary", 991, True),
        ],
        columns=["code", "name", "region", "la_type", "la_number", "synthetic"],
    )
    links = pd.DataFrame(
        {
            "authority_code": ["E99000001"],
            "rank": [1],
            "neighbour_code": ["E99000002"],
            "closeness": ["Very close"],
        }
    )
    write_with_retry(path, lambda conn: ref.add_authorities(conn, frame, links))
    return path


@pytest.fixture
def db(corpus_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ehdmm.duckdb"
    shutil.copy(corpus_template, path)
    return path


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table (in a fixed order) and every sequence's last value."""
    with connect(db) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM duckdb_tables() ORDER BY table_name"
            ).fetchall()
        ]
        out = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}
        out["(sequences)"] = conn.execute(
            "SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY sequence_name"
        ).fetchall()
    assert {"submissions", "ratings", "checklist_answers", "import_log", "rounds"} <= set(out)
    return out


def where(name: str, entry: dict) -> str:
    """How a problem of this entry starts when printed: 'file, row N, column 'c': error: '."""
    parts = [name]
    if entry["row"] is not None:
        parts.append(f"row {entry['row']}")
    if entry["column"] is not None:
        parts.append(f"column '{entry['column']}'")
    return f"{', '.join(parts)}: error: "


def matching(problems: list[Problem], name: str, entry: dict) -> Problem:
    prefix = where(name, entry)
    for problem in problems:
        if (
            problem.severity == "error"
            and (problem.row, problem.column) == (entry["row"], entry["column"])
            and str(problem).startswith(prefix)
            and entry["message"] in problem.message
        ):
            return problem
    listing = "\n".join(str(p) for p in problems) or "(none)"
    raise AssertionError(f"{name}: no {prefix!r}...{entry['message']!r} among:\n{listing}")


def big_file(folder: Path) -> Path:
    """A long-layout CSV one byte over the 20 MB limit (valid rows otherwise)."""
    path = folder / "over_20_mb.csv"
    row = b"E06000023,2026-03,cba,2," + b"e" * 3000 + b"\r\n"
    body = b"authority,round,dimension,level,evidence\r\n" + row * (LIMIT_BYTES // len(row))
    path.write_bytes(body + b"x" * (LIMIT_BYTES + 1 - len(body)))
    assert path.stat().st_size == LIMIT_BYTES + 1
    return path


BIG_ENTRY = {
    "row": None,
    "column": None,
    "message": "the file is 20.0 MB (20,971,521 bytes), over the limit of 20.0 MB "
    "(20,971,520 bytes); split it into smaller files",
}


def test_the_corpus_is_complete_and_varied() -> None:
    on_disk = {p.name for p in BAD.iterdir()} - {"make_corpus.py", "expected.json"}
    assert on_disk == set(BY_NAME), "every corpus file needs an entry and every entry a file"
    assert len(EXPECTED) == len(BY_NAME) >= 30
    suffixes = [Path(name).suffix for name in BY_NAME]
    assert suffixes.count(".csv") >= 15 and suffixes.count(".xlsx") >= 10
    with_row = [e for e in EXPECTED if e["row"] is not None]
    with_column = [e for e in EXPECTED if e["column"] is not None]
    assert len(with_row) >= 30 and len(with_column) >= 20
    for entry in EXPECTED:
        assert entry["message"] and entry["what"], entry["file"]


def test_the_snapshot_sees_a_write(db: Path) -> None:
    """The check below can fail: a good import changes the snapshot (and the import log)."""
    before = snapshot(db)
    [result] = import_returns(db, [("good.csv", GOOD)])
    assert result.outcome == "imported"
    after = snapshot(db)
    assert after != before
    assert len(after["import_log"]) == len(before["import_log"]) + 1


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_each_bad_file_is_rejected_and_writes_nothing(db: Path, name: str) -> None:
    entry = BY_NAME[name]
    before = snapshot(db)
    data = (BAD / name).read_bytes()
    [result] = import_returns(db, [(name, data)], round_id=entry.get("round"))
    assert result.outcome == "rejected", [str(p) for p in result.plan.problems]
    assert result.submission_ids == [] and result.plan.submissions == []
    assert "nothing was written" in result.message
    problem = matching(result.plan.errors, name, entry)
    assert problem.file == name
    assert snapshot(db) == before


def test_a_file_over_the_size_limit_is_rejected(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EHDMM_MAX_IMPORT_MB", raising=False)
    path = big_file(tmp_path)
    before = snapshot(db)
    [result] = import_returns(db, [(path.name, path.read_bytes())])
    assert result.outcome == "rejected"
    matching(result.plan.errors, path.name, BIG_ENTRY)
    assert snapshot(db) == before


def test_the_command_line_rejects_every_file(db: Path, tmp_path: Path) -> None:
    """One `python -m ehdmm import` per --round option over all of its files: exit 1, every
    file's problem on stderr with row and column, and the database unchanged."""
    groups: dict[str | None, list[Path]] = defaultdict(list)
    for entry in EXPECTED:
        groups[entry.get("round")].append(BAD / entry["file"])
    groups[None].append(big_file(tmp_path))
    before = snapshot(db)
    env = {k: v for k, v in os.environ.items() if k not in ("EHDMM_MAX_IMPORT_MB", "EHDMM_DB")}
    for round_id, paths in groups.items():
        option = ["--round", round_id] if round_id else []
        proc = subprocess.run(
            [sys.executable, "-m", "ehdmm", "import", "--db", str(db), *option, *map(str, paths)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 1, proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr
        assert "imported" not in proc.stdout
        lines = proc.stderr.splitlines()
        for path in paths:
            entry = BY_NAME.get(path.name, BIG_ENTRY)
            prefix = where(str(path), entry)
            assert any(line.startswith(prefix) and entry["message"] in line for line in lines), (
                f"{prefix}...{entry['message']} not on stderr:\n{proc.stderr[-3000:]}"
            )
            assert f"{path}: rejected, " in proc.stderr
    assert snapshot(db) == before
