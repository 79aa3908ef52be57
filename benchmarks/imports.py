"""Import benchmark: a 100,000-row long-layout return file (12,500 authorities x 8 dimensions,
one new round) through `ehdmm.importer.import_returns` (read, validate every cell, write in one
transaction) against DuckDB's own `read_csv` of the same file into a table of a new database
file. Not a test: used by `benchmarks/run.py`.

    .venv/bin/python benchmarks/imports.py [--rows 100000] [--repeat 3]

Each import goes into a fresh copy of a database holding the 153 authorities and enough
synthetic copies of them (as `python -m ehdmm demo --scale N` makes), with `create_round`, as
`python -m ehdmm import --create-round` would; copying the database is not timed.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ehdmm.database import init_db  # noqa: E402
from ehdmm.demo import synthetic_authorities  # noqa: E402
from ehdmm.importer import import_returns  # noqa: E402
from ehdmm.model import Model, load_model  # noqa: E402
from ehdmm.storage import connect, write_with_retry  # noqa: E402
from ehdmm.storage import reference as ref  # noqa: E402

ROUND = "2027-03"
EVIDENCE = [
    "Protocols signed with police and health; reviewed at the board.",
    "Partly in place; the gaps are known and planned for.",
    "",
    "Used by most teams, audited last year.",
]
CONFIDENCE = ["low", "medium", "high", ""]


def build_db(path: Path, authorities: int) -> list[str]:
    """A database with at least `authorities` authorities; returns their codes."""
    init_db(path)

    def work(conn) -> list[str]:
        base = ref.authorities(conn)
        scale = max(1, math.ceil(authorities / len(base)))
        codes = list(base["code"])
        if scale > 1:
            extra, links = synthetic_authorities(base, ref.neighbour_links(conn), scale)
            ref.add_authorities(conn, extra, links)
            codes += list(extra["code"])
        return codes

    codes = write_with_retry(path, work, timeout=60)
    with connect(path):
        pass  # checkpointed
    return codes


def codes_in(db: Path) -> list[str]:
    """The authority codes of a database, real ones first."""
    with connect(db) as conn:
        frame = ref.authorities(conn)
    return list(frame.sort_values(["synthetic", "code"])["code"])


def write_csv(path: Path, codes: list[str], rows: int, model: Model | None = None) -> int:
    """A long-layout return of `rows` rows (rows / 8 authorities, every dimension, round
    2027-03, levels as numbers and names, evidence and confidence in most rows)."""
    model = model or load_model()
    dims = model.dimension_ids
    names = model.level_names
    rng = random.Random(11)
    wanted = rows // len(dims)
    if wanted > len(codes):
        raise ValueError(f"{rows} rows need {wanted} authorities; the database has {len(codes)}")
    lines = ["authority,round,dimension,level,evidence,confidence"]
    for code in codes[:wanted]:
        for dim in dims:
            level = rng.randint(1, 4)
            shown = names[level] if rng.random() < 0.2 else str(level)
            evidence = rng.choice(EVIDENCE)
            evidence = f'"{evidence}"' if "," in evidence else evidence
            lines.append(f"{code},{ROUND},{dim},{shown},{evidence},{rng.choice(CONFIDENCE)}")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return len(lines) - 1


def time_import(db: Path, csv_path: Path, work_dir: Path) -> tuple[float, int]:
    """Seconds to import the file into a fresh copy of db; and the ratings written."""
    target = work_dir / "import.duckdb"
    for leftover in (target, Path(f"{target}.wal")):
        leftover.unlink(missing_ok=True)
    shutil.copy(db, target)
    started = time.perf_counter()
    [result] = import_returns(target, [(csv_path.name, csv_path.read_bytes())], create_round=True)
    elapsed = time.perf_counter() - started
    assert result.outcome == "imported", result.message
    return elapsed, result.plan.rating_count


def time_read_csv(csv_path: Path, work_dir: Path) -> tuple[float, int]:
    """Seconds for DuckDB to read the file into a table of a new database file (connect, read,
    close); and the rows read."""
    target = work_dir / "read_csv.duckdb"
    for leftover in (target, Path(f"{target}.wal")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = duckdb.connect(str(target))
    conn.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?)", [str(csv_path)])
    (rows,) = conn.execute("SELECT count(*) FROM raw").fetchall()[0]
    conn.close()
    return time.perf_counter() - started, rows


def measure(db: Path, csv_path: Path, repeat: int = 3) -> dict[str, float | int]:
    """Median seconds of `import_returns` and of `read_csv`, measured alternately."""
    work_dir = Path(tempfile.mkdtemp(prefix="ehdmm-import-bench-"))
    ours, theirs = [], []
    ratings = rows = 0
    for _ in range(repeat):
        elapsed, ratings = time_import(db, csv_path, work_dir)
        ours.append(elapsed)
        elapsed, rows = time_read_csv(csv_path, work_dir)
        theirs.append(elapsed)
    assert ratings == rows, (ratings, rows)
    shutil.rmtree(work_dir, ignore_errors=True)
    return {
        "import": statistics.median(ours),
        "read_csv": statistics.median(theirs),
        "rows": rows,
        "bytes": csv_path.stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ehdmm-imports-"))
    codes = build_db(tmp / "base.duckdb", args.rows // 8)
    write_csv(tmp / "returns.csv", codes, args.rows)
    result = measure(tmp / "base.duckdb", tmp / "returns.csv", args.repeat)
    print(result, f"import / read_csv = {result['import'] / result['read_csv']:.1f}")


if __name__ == "__main__":
    main()
